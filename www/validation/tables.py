"""Table of the Département's validation queue."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from insertion import regles
from insertion.enums import Statut
from insertion.models import HeuresRealisees
from portail.colonnes import TEMPLATE_TABLEAU
from portail.formats import date_heure
from portail.formats import heures as formater_heures
from portail.francais import de
from portail.historique import nom_utilisateur
from portail.periodes import libelle_mois
from portail.tableurs import ExportTableur


class SelectionColumn(tables.CheckBoxColumn):
    """Row checkbox; the header holds a labelled "select all on this page" box."""

    @property
    def header(self):
        return mark_safe(
            '<input type="checkbox" class="form-check-input" id="tout-selectionner" '
            'aria-label="Sélectionner toutes les lignes de la page">'
        )


class FileValidationTable(tables.Table):
    selection = SelectionColumn(accessor="pk", exclude_from_export=True)
    mois = tables.Column("mois", order_by=("mois", "pk"))
    epci = tables.Column("EPCI", accessor="clause__lot__marche__epci__nom", default="—")
    marche = tables.Column(
        "marché",
        accessor="clause__lot__marche__reference",
        linkify=("marches:detail", [tables.A("clause__lot__marche_id")]),
    )
    lot = tables.Column("lot", accessor="clause__lot__numero")
    beneficiaire = tables.Column(
        "bénéficiaire", accessor="beneficiaire", order_by=("beneficiaire__nom", "beneficiaire__prenom")
    )
    employeur = tables.Column("employeur", accessor="employeur__raison_sociale")
    modalite = tables.Column("modalité", accessor="modalite")
    type_contrat = tables.Column("type de contrat", accessor="type_contrat")
    heures = tables.Column("heures", attrs={"td": {"class": "text-end text-nowrap"}})
    total_personne_mois = tables.Column(
        "total de la personne ce mois-ci",
        attrs={
            "th": {"title": "Toutes ses lignes du mois, tous marchés confondus, hors lignes rejetées"},
            "td": {"class": "text-end text-nowrap"},
        },
    )
    statut = tables.Column("statut")
    saisi_par = tables.Column("saisi par", accessor="saisi_par", order_by=("saisi_par__last_name",))
    saisi_le = tables.Column("saisi le")
    historique = tables.Column(
        "historique", accessor="pk", orderable=False, exclude_from_export=True, empty_values=()
    )
    rejet = tables.Column(
        "rejeter la ligne", accessor="pk", orderable=False, exclude_from_export=True, empty_values=()
    )

    class Meta:
        model = HeuresRealisees
        fields = ()
        attrs = {"class": "table table-sm table-striped align-middle"}
        empty_text = "Aucune ligne ne correspond à ces filtres."
        template_name = TEMPLATE_TABLEAU

    def __init__(self, *args, caption="", selection=(), rejet=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.caption = caption
        self.selection = set(selection)
        # The row rejected on its own and refused: (pk, reason typed, error), shown again on its row.
        self.rejet = rejet

    def render_selection(self, value, record):
        # The version shown travels with the row: hours changed since the display are not validated blindly.
        return format_html(
            '<input type="checkbox" class="form-check-input case-ligne" name="selection" value="{}"{}'
            ' aria-label="Sélectionner : {}, {}, marché {}">'
            '<input type="hidden" name="version_{}" value="{}">',
            value,
            " checked" if value in self.selection else "",
            record.beneficiaire,
            libelle_mois(record.mois),
            record.clause.lot.marche.libelle,
            value,
            record.modifie_le.isoformat(),
        )

    def render_marche(self, record):
        return record.clause.lot.marche.libelle

    def value_marche(self, record):
        return record.clause.lot.marche.libelle

    def render_mois(self, value):
        return libelle_mois(value)

    def render_lot(self, value, record):
        return f"{value} — {record.clause.lot.intitule[:40]}"

    def value_lot(self, value):
        return value

    def render_beneficiaire(self, value):
        return format_html(
            '<a href="{}">{}</a>', reverse("beneficiaires:fiche", args=[value.public_id]), value
        )

    def value_beneficiaire(self, value):
        return str(value)

    def render_modalite(self, record):
        return record.get_modalite_display()

    def render_type_contrat(self, record):
        return record.get_type_contrat_display()

    def render_heures(self, value):
        return formater_heures(value)

    def value_heures(self, value):
        return value

    def render_total_personne_mois(self, value):
        if regles.total_mensuel_en_alerte(value):
            return format_html(
                '{} <span class="badge text-bg-warning">plus de {}</span>',
                formater_heures(value),
                formater_heures(regles.SEUIL_ALERTE_HEURES_MOIS),
            )
        return formater_heures(value)

    def value_total_personne_mois(self, value):
        return value

    def render_statut(self, record):
        if record.statut == Statut.DECLAREES:
            return record.get_statut_display()
        decision = format_html(
            "{} par {} le {}",
            record.get_statut_display(),
            nom_utilisateur(record.valide_par),
            date_heure(record.valide_le),
        )
        if record.statut == Statut.REJETEES:
            return format_html("{}<br><small>Motif : {}</small>", decision, record.motif_rejet)
        return decision

    def value_statut(self, record):
        texte = record.get_statut_display()
        if record.statut == Statut.REJETEES:
            texte += f" — motif : {record.motif_rejet}"
        return texte

    def render_saisi_par(self, value):
        return nom_utilisateur(value)

    def render_saisi_le(self, value):
        return date_heure(value)

    def render_rejet(self, value, record):
        """The row's own reason and "Rejeter" button, in the row's own form (`rejet-<pk>`, outside the table's
        form: the HTML `form` attribute), so that Enter in the field rejects this row and no other."""
        if record.statut != Statut.DECLAREES:
            return "—"
        motif, erreur = "", ""
        if self.rejet is not None and self.rejet[0] == value:
            motif, erreur = self.rejet[1], self.rejet[2]
        return format_html(
            '<div class="rejet-ligne"><label class="visually-hidden" for="motif-{pk}">Motif du rejet : {nom}, {mois}, '
            "marché {reference}</label>"
            '<input type="text" class="form-control form-control-sm{invalide}" id="motif-{pk}" name="motif_{pk}" '
            'form="rejet-{pk}" maxlength="2000" value="{motif}" placeholder="motif du rejet"{decrit}>'
            '<input type="hidden" name="version_{pk}" value="{version}" form="rejet-{pk}">'
            '<button type="submit" class="btn btn-sm btn-outline-danger mt-1" name="rejeter_ligne" value="{pk}" '
            'form="rejet-{pk}">Rejeter<span class="visually-hidden"> la ligne {de_nom}, {mois}</span></button>'
            "{message}</div>",
            pk=value,
            nom=record.beneficiaire,
            de_nom=de(record.beneficiaire),
            mois=libelle_mois(record.mois),
            reference=record.clause.lot.marche.reference,
            version=record.modifie_le.isoformat(),
            motif=motif,
            invalide=" is-invalid" if erreur else "",
            decrit=format_html(' aria-describedby="erreur-motif-{}" aria-invalid="true"', value)
            if erreur
            else "",
            message=(
                format_html(
                    '<div class="invalid-feedback d-block" id="erreur-motif-{}">{}</div>', value, erreur
                )
                if erreur
                else ""
            ),
        )

    def render_historique(self, value):
        return format_html(
            '<a href="{}">historique<span class="visually-hidden"> de la ligne {}</span></a>',
            reverse("validation:historique", args=[value]),
            value,
        )


class ExportFile(ExportTableur):
    """The shared French spreadsheet export, limited to the formats the page offers."""

    @classmethod
    def is_valid_format(cls, export_format):
        return export_format in cls.FORMATS_PROPOSES
