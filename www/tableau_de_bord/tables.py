"""django-tables2 tables of the dashboard and the bilan, fed with the typed rows of `calculer_chiffres()`.

Several tables share one page: each has a name, used as its prefix (sort parameters such as
`epci-sort`) and to pick it for an export (`?_export=xlsx&table=epci`). Screens show French formats
(`1 234,5 h`, `21,0 %`); exports get the numbers themselves, the unit in the header.
"""

import django_tables2 as tables
from django.utils.text import Truncator

from insertion.indicateurs import Chiffres
from portail.colonnes import TEMPLATE_TABLEAU, ColonneDate, ColonneHeures, ColonneNombre, ColonnePourcentage
from portail.periodes import libelle_mois


class TableauIndicateurs(tables.Table):
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


class TableMois(TableauIndicateurs):
    nom = "mois"
    feuille = "Par mois"
    titre = "Heures par mois"

    mois = tables.Column("Mois", attrs={"td": {"class": "text-nowrap"}})
    heures_validees = ColonneHeures("Heures validées")
    heures_declarees = ColonneHeures("Heures déclarées (à valider)")
    cumul_validees = ColonneHeures("Cumul des heures validées")
    part_objectif = ColonnePourcentage("Part de l'objectif atteinte", default="—")

    def render_mois(self, value):
        return libelle_mois(value)

    def value_mois(self, value):
        return f"{value:%m/%Y}"


class TableEpci(TableauIndicateurs):
    nom = "epci"
    feuille = "Par EPCI"
    titre = "Heures par EPCI"

    nom_epci = tables.Column("EPCI", accessor="nom")
    siren = tables.Column("SIREN", visible=False)  # in exports only
    heures_validees = ColonneHeures("Heures validées")
    heures_declarees = ColonneHeures("Heures déclarées (à valider)")
    part = ColonnePourcentage("Part des heures validées", default="—")
    nb_beneficiaires = ColonneNombre("Personnes")
    objectif_heures = ColonneHeures("Objectif de l'EPCI", default="—")
    progression = ColonnePourcentage("Progression", default="—")


class TableAcheteurs(TableauIndicateurs):
    nom = "acheteurs"
    feuille = "Par acheteur"
    titre = "Heures par acheteur"

    nom_acheteur = tables.Column("Acheteur", accessor="nom")
    siret = tables.Column("SIRET")
    heures_validees = ColonneHeures("Heures validées")
    heures_declarees = ColonneHeures("Heures déclarées (à valider)")
    part = ColonnePourcentage("Part des heures validées", default="—")


class TableMarches(TableauIndicateurs):
    nom = "marches"
    feuille = "Par marché"
    titre = "Marchés avec clause en exécution : heures réservées et réalisées"

    reference = tables.Column(
        "Référence", linkify=("marches:detail", (tables.A("pk"),)), attrs={"td": {"class": "text-nowrap"}}
    )
    objet = tables.Column("Objet")
    acheteur_nom = tables.Column("Acheteur")
    epci_nom = tables.Column("EPCI")
    date_debut = ColonneDate("Début d'exécution")
    date_fin = ColonneDate("Fin d'exécution")
    heures_reservees = ColonneHeures("Heures réservées", default="—")
    heures_validees_annee = ColonneHeures("Heures validées dans l'année")
    heures_validees_cumul = ColonneHeures("Heures validées depuis le début (au 31/12)")
    taux_realisation = ColonnePourcentage("Taux de réalisation", default="—")

    def render_objet(self, value):
        return Truncator(value).chars(120)

    def value_objet(self, value):
        return value

    def value_reference(self, value):
        return value


class TablePublics(TableauIndicateurs):
    nom = "publics"
    feuille = "Par public"
    titre = "Heures par public"

    libelle = tables.Column("Public", order_by=("rang",))
    heures_validees = ColonneHeures("Heures validées")
    part = ColonnePourcentage("Part des heures validées", default="—")
    nb_beneficiaires = ColonneNombre("Personnes")


class TableModalites(TableauIndicateurs):
    nom = "modalites"
    feuille = "Par modalité"
    titre = "Heures par modalité"

    libelle = tables.Column("Modalité", order_by=("rang",))
    heures_validees = ColonneHeures("Heures validées")
    part = ColonnePourcentage("Part des heures validées", default="—")


class _TablePersonnes(TableauIndicateurs):
    nb = ColonneNombre("Personnes")
    part = ColonnePourcentage("Part des personnes", default="—")


class TableSexe(_TablePersonnes):
    nom = "sexe"
    feuille = "Par sexe"
    titre = "Personnes par sexe"

    libelle = tables.Column("Sexe", order_by=("rang",))

    class Meta:
        sequence = ("libelle", "nb", "part")


class TableAges(_TablePersonnes):
    nom = "ages"
    feuille = "Par tranche d'âge"
    titre = "Personnes par tranche d'âge (au 31 décembre)"

    libelle = tables.Column("Tranche d'âge", order_by=("rang",))

    class Meta:
        sequence = ("libelle", "nb", "part")


class TableQualifications(_TablePersonnes):
    nom = "qualifications"
    feuille = "Par qualification"
    titre = "Personnes par niveau de qualification"

    libelle = tables.Column("Niveau de qualification", order_by=("rang",))

    class Meta:
        sequence = ("libelle", "nb", "part")


class TableSorties(TableauIndicateurs):
    nom = "sorties"
    feuille = "Sorties"
    titre = "Sorties par catégorie"

    libelle = tables.Column("Catégorie de sortie", order_by=("rang",))
    nb = ColonneNombre("Sorties")
    part = ColonnePourcentage("Part des sorties", default="—")


TABLES = {
    table.nom: (table, cle)
    for table, cle in [
        (TableMois, "par_mois"),
        (TableEpci, "par_epci"),
        (TableAcheteurs, "par_acheteur"),
        (TableMarches, "par_marche"),
        (TablePublics, "par_public"),
        (TableModalites, "par_modalite"),
        (TableSexe, "par_sexe"),
        (TableAges, "par_tranche_age"),
        (TableQualifications, "par_qualification"),
        (TableSorties, "sorties"),
    ]
}


def construire_tables(chiffres: Chiffres, **kwargs) -> dict:
    """Every table of the dashboard, by name, from the figures of `calculer_chiffres()`."""
    return {nom: classe(list(getattr(chiffres, cle)), **kwargs) for nom, (classe, cle) in TABLES.items()}
