import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from beneficiaires.enums import CodePublic
from beneficiaires.models import AccesDonnees, Beneficiaire
from insertion.enums import Statut
from portail.colonnes import TEMPLATE_TABLEAU, HeuresColumn, NombreColumn
from portail.formats import date_heure
from portail.tri import ordre_francais


def _trier(queryset, is_descending, *champs):
    signe = "-" if is_descending else ""
    return queryset.order_by(*(ordre_francais(f"{signe}{champ}") for champ in champs), f"{signe}pk"), True


class BeneficiaireTable(tables.Table):
    nom = tables.Column(
        verbose_name="Nom", linkify=("beneficiaires:fiche", {"public_id": tables.A("public_id")})
    )
    prenom = tables.Column(verbose_name="Prénom")
    date_naissance = tables.DateColumn(format="d/m/Y", verbose_name="Date de naissance")
    sexe = tables.Column(verbose_name="Sexe")
    commune = tables.Column(accessor="commune__nom", verbose_name="Commune", order_by=("commune__nom",))
    publics_en_cours = tables.Column(
        verbose_name="Publics en cours", accessor="eligibilites_en_cours", orderable=False, empty_values=()
    )
    heures_validees = HeuresColumn("Heures validées")
    date_entree = tables.DateColumn(format="d/m/Y", verbose_name="Date d'entrée")

    class Meta:
        model = Beneficiaire
        fields = []
        sequence = [
            "nom",
            "prenom",
            "date_naissance",
            "sexe",
            "commune",
            "publics_en_cours",
            "heures_validees",
            "date_entree",
        ]
        template_name = TEMPLATE_TABLEAU
        empty_text = "Aucune personne ne correspond à votre recherche."
        attrs = {"class": "table table-striped table-hover align-middle"}

    def __init__(self, *args, caption: str, heures_epci_seulement: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.caption = caption
        if heures_epci_seulement:
            self.columns[
                "heures_validees"
            ].column.verbose_name = "Heures validées sur les marchés de votre EPCI"

    # Names and communes sort in French order (accents, case), then by id so that pages are stable.
    def order_nom(self, queryset, is_descending):
        return _trier(queryset, is_descending, "nom", "prenom")

    def order_prenom(self, queryset, is_descending):
        return _trier(queryset, is_descending, "prenom", "nom")

    def order_commune(self, queryset, is_descending):
        return _trier(queryset, is_descending, "commune__nom", "nom", "prenom")

    def render_publics_en_cours(self, value):
        if not value:
            return "—"
        return format_html_join(
            " ",
            '<span class="badge {}" title="{}">{}</span>',
            (
                (
                    "text-bg-primary" if e.public.code == CodePublic.BRSA else "text-bg-light border",
                    e.public.libelle,
                    e.public.code,
                )
                for e in value
            ),
        )

    # Export values: text, numbers and dates themselves; portail.tableurs formats them for French spreadsheets.
    def value_publics_en_cours(self, value):
        return ", ".join(e.public.libelle for e in value)

    def render_prenom(self, record, value):
        return value or "—"

    def render_date_naissance(self, record, value):
        # An anonymised person keeps only the year of birth, for the figures: not shown as a date.
        return "—" if record.est_anonymise else f"{value:%d/%m/%Y}"

    def value_date_naissance(self, record, value):
        return None if record.est_anonymise else value

    def value_date_entree(self, value):
        return value


class HeuresBeneficiaireTable(tables.Table):
    """One person's hour rows: month × contract × employer × modality."""

    mois = tables.DateColumn(format="F Y", verbose_name="Mois")
    marche = tables.Column(accessor="clause__lot__marche__reference", verbose_name="Marché")
    employeur = tables.Column(accessor="employeur__raison_sociale", verbose_name="Employeur")
    modalite = tables.Column(verbose_name="Modalité")
    type_contrat = tables.Column(verbose_name="Type de contrat")
    heures = HeuresColumn("Heures")
    statut = tables.Column(verbose_name="Statut")

    class Meta:
        orderable = False
        template_name = TEMPLATE_TABLEAU
        empty_text = "Aucune heure déclarée."
        attrs = {"class": "table table-sm table-striped align-middle"}

    def __init__(self, *args, caption: str, **kwargs):
        super().__init__(*args, prefix="heures-", **kwargs)
        self.caption = caption

    def render_marche(self, record):
        lot = record.clause.lot
        return format_html(
            '{}<br><span class="small text-body-secondary">lot {}</span>',
            lot.marche.libelle,
            lot.numero,
        )

    def render_statut(self, record):
        couleurs = {Statut.VALIDEES: "text-bg-success", Statut.REJETEES: "text-bg-danger"}
        badge = format_html(
            '<span class="badge {}">{}</span>',
            couleurs.get(record.statut, "text-bg-warning"),
            record.get_statut_display(),
        )
        if record.motif_rejet:
            return format_html(
                '{}<br><span class="small">Motif du rejet : {}</span>', badge, record.motif_rejet
            )
        return badge


class JournalTable(tables.Table):
    """Entries of the access log, newest first."""

    horodatage = tables.Column(verbose_name="Date et heure")
    nom_utilisateur = tables.Column(verbose_name="Utilisateur")
    action = tables.Column(verbose_name="Action")
    beneficiaire = tables.Column(
        verbose_name="Personne concernée", order_by=("beneficiaire__nom", "beneficiaire__prenom")
    )
    nombre_personnes = NombreColumn(verbose_name="Personnes concernées")
    detail = tables.Column(verbose_name="Détail", orderable=False)

    class Meta:
        model = AccesDonnees
        fields = []
        sequence = ["horodatage", "nom_utilisateur", "action", "beneficiaire", "nombre_personnes", "detail"]
        template_name = TEMPLATE_TABLEAU
        empty_text = "Aucun accès ne correspond à ces filtres."
        attrs = {"class": "table table-sm table-striped align-middle"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.caption = "Accès aux données personnelles, du plus récent au plus ancien"

    def render_horodatage(self, value):
        return date_heure(value)

    def render_nom_utilisateur(self, value):
        return value or "—"

    def render_beneficiaire(self, value):
        return format_html(
            '<a href="{}">{}</a>', reverse("beneficiaires:fiche", args=[value.public_id]), value
        )

    def value_beneficiaire(self, value):
        return str(value)
