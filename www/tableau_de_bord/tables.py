"""django-tables2 tables of the dashboard and the bilan, fed with the typed rows of `calculer_chiffres()`.

Several tables share one page: each has a name, used as its prefix (sort parameters such as
`epci-sort`) and to pick it for an export (`?_export=xlsx&table=epci`). Screens show French formats
(`1 234,5 h`, `21,0 %`); exports get the numbers themselves, the unit in the header.
"""

import django_tables2 as tables
from django.utils.text import Truncator

from insertion.indicateurs.chiffres import Chiffres
from portail.colonnes import (
    TEMPLATE_TABLEAU,
    DateFrancaiseColumn,
    HeuresColumn,
    NombreColumn,
    PourcentageColumn,
)
from portail.periodes import libelle_mois


class IndicateursTable(tables.Table):
    nom = ""  # prefix and export selector
    titre = ""  # default caption
    feuille = ""  # sheet name of the XLSX export (31 characters at most)

    def __init__(self, data, *, caption: str = "", **kwargs):
        # Set here: a subclass's own Meta would not inherit them.
        kwargs.setdefault("template_name", TEMPLATE_TABLEAU)
        kwargs.setdefault("attrs", {"class": "table table-sm table-striped align-middle"})
        kwargs.setdefault("empty_text", "Aucune donnée pour cette année dans ce périmètre.")
        kwargs.setdefault("prefix", f"{self.nom}-")
        super().__init__(data, **kwargs)
        self.caption = caption or self.titre

    def as_values(self, exclude_columns=None):
        """Headers of the export: a column may give its own (with the unit)."""
        exclude_columns = exclude_columns or ()
        colonnes = [
            colonne
            for colonne in self.columns.iterall()
            if not (colonne.column.exclude_from_export or colonne.name in exclude_columns)
        ]
        lignes = super().as_values(exclude_columns=exclude_columns)
        entetes = next(lignes)
        yield [getattr(c.column, "entete_export", None) or e for c, e in zip(colonnes, entetes, strict=True)]
        yield from lignes


class MoisTable(IndicateursTable):
    nom = "mois"
    feuille = "Par mois"
    titre = "Heures par mois"

    mois = tables.Column("Mois", attrs={"td": {"class": "text-nowrap"}})
    heures_validees = HeuresColumn("Heures validées")
    heures_declarees = HeuresColumn("Heures déclarées (à valider)")
    cumul_validees = HeuresColumn("Cumul des heures validées")
    part_objectif = PourcentageColumn("Part de l'objectif atteinte", default="—")
    cumul_avec_declarees = HeuresColumn("Cumul avec les heures à valider", default="—")
    cumul_validees_n1 = HeuresColumn("Cumul validé de l'année précédente", default="—")

    def render_mois(self, value):
        return libelle_mois(value)

    def value_mois(self, value):
        return f"{value:%m/%Y}"


class EpciTable(IndicateursTable):
    nom = "epci"
    feuille = "Par EPCI"
    titre = "Heures par EPCI"

    nom_epci = tables.Column("EPCI", accessor="nom")
    siren = tables.Column("SIREN", visible=False)  # in exports only
    heures_validees = HeuresColumn("Heures validées")
    heures_declarees = HeuresColumn("Heures déclarées (à valider)")
    part = PourcentageColumn("Part des heures validées", default="—")
    nb_beneficiaires = NombreColumn("Personnes")
    objectif_heures = HeuresColumn("Objectif de l'EPCI", default="—")
    progression = PourcentageColumn("Progression", default="—")


class AcheteursTable(IndicateursTable):
    nom = "acheteurs"
    feuille = "Par acheteur"
    titre = "Heures par acheteur"

    nom_acheteur = tables.Column("Acheteur", accessor="nom")
    siret = tables.Column("SIRET")
    heures_validees = HeuresColumn("Heures validées")
    heures_declarees = HeuresColumn("Heures déclarées (à valider)")
    part = PourcentageColumn("Part des heures validées", default="—")


class MarchesTable(IndicateursTable):
    nom = "marches"
    feuille = "Par marché"
    titre = "Marchés avec clause en exécution : heures réservées et réalisées"

    reference = tables.Column(
        "Référence", linkify=("marches:detail", (tables.A("pk"),)), attrs={"td": {"class": "text-nowrap"}}
    )
    objet = tables.Column("Objet")
    acheteur_nom = tables.Column("Acheteur")
    epci_nom = tables.Column("EPCI")
    date_debut = DateFrancaiseColumn("Début d'exécution")
    date_fin = DateFrancaiseColumn("Fin d'exécution")
    heures_reservees = HeuresColumn("Heures réservées", default="—")
    heures_validees_annee = HeuresColumn("Heures validées dans l'année")
    heures_validees_cumul = HeuresColumn("Heures validées depuis le début (au 31/12)")
    taux_realisation = PourcentageColumn("Taux de réalisation", default="—")

    def render_objet(self, value):
        return Truncator(value).chars(120)

    def value_objet(self, value):
        return value

    def value_reference(self, value):
        return value


class PublicsTable(IndicateursTable):
    nom = "publics"
    feuille = "Par public"
    titre = "Heures par public"

    libelle = tables.Column("Public", order_by=("rang",))
    heures_validees = HeuresColumn("Heures validées")
    part = PourcentageColumn("Part des heures validées", default="—")
    nb_beneficiaires = NombreColumn("Personnes")


class ModalitesTable(IndicateursTable):
    nom = "modalites"
    feuille = "Par modalité"
    titre = "Heures par modalité"

    libelle = tables.Column("Modalité", order_by=("rang",))
    heures_validees = HeuresColumn("Heures validées")
    part = PourcentageColumn("Part des heures validées", default="—")


class _PersonnesTable(IndicateursTable):
    nb = NombreColumn("Personnes")
    part = PourcentageColumn("Part des personnes", default="—")


class SexeTable(_PersonnesTable):
    nom = "sexe"
    feuille = "Par sexe"
    titre = "Personnes par sexe"

    libelle = tables.Column("Sexe", order_by=("rang",))

    class Meta:
        sequence = ("libelle", "nb", "part")


class AgesTable(_PersonnesTable):
    nom = "ages"
    feuille = "Par tranche d'âge"
    titre = "Personnes par tranche d'âge (au 31 décembre)"

    libelle = tables.Column("Tranche d'âge", order_by=("rang",))

    class Meta:
        sequence = ("libelle", "nb", "part")


class QualificationsTable(_PersonnesTable):
    nom = "qualifications"
    feuille = "Par qualification"
    titre = "Personnes par niveau de qualification"

    libelle = tables.Column("Niveau de qualification", order_by=("rang",))

    class Meta:
        sequence = ("libelle", "nb", "part")


class SortiesTable(IndicateursTable):
    nom = "sorties"
    feuille = "Sorties"
    titre = "Sorties par catégorie"

    libelle = tables.Column("Catégorie de sortie", order_by=("rang",))
    nb = NombreColumn("Sorties")
    part = PourcentageColumn("Part des sorties", default="—")


TABLES = {
    table.nom: (table, cle)
    for table, cle in [
        (MoisTable, "par_mois"),
        (EpciTable, "par_epci"),
        (AcheteursTable, "par_acheteur"),
        (MarchesTable, "par_marche"),
        (PublicsTable, "par_public"),
        (ModalitesTable, "par_modalite"),
        (SexeTable, "par_sexe"),
        (AgesTable, "par_tranche_age"),
        (QualificationsTable, "par_qualification"),
        (SortiesTable, "sorties"),
    ]
}


def construire_tables(chiffres: Chiffres, **kwargs) -> dict:
    """Every table of the dashboard, by name, from the figures of `calculer_chiffres()`."""
    return {nom: classe(list(getattr(chiffres, cle)), **kwargs) for nom, (classe, cle) in TABLES.items()}
