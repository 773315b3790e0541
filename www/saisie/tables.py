"""The entry chooser's table: one row per clause the user declares hours on."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator

from insertion import regles
from marches.enums import EtatExecution
from portail.colonnes import TEMPLATE_TABLEAU
from portail.francais import de
from portail.periodes import code_mois, libelle_mois

CLASSES_ETAT = {
    EtatExecution.EN_EXECUTION: "text-bg-success",
    EtatExecution.PAS_COMMENCE: "text-bg-light border",
    EtatExecution.TERMINE: "text-bg-secondary",
}


class ClauseASaisirTable(tables.Table):
    """Rows come from insertion.selectors.clauses_a_choisir (contract, buyer and holder selected, `etat`)."""

    acheteur = tables.Column("Acheteur", accessor="lot__marche__acheteur__nom")
    reference = tables.Column(
        "Référence", accessor="lot__marche__reference", attrs={"td": {"class": "text-nowrap"}}
    )
    objet = tables.Column("Objet", accessor="lot__marche__objet")
    lot = tables.Column("Lot", accessor="lot__numero")
    titulaire = tables.Column("Titulaire", accessor="lot__titulaire", default="non renseigné")
    periode = tables.Column("Période d'exécution", accessor="lot__marche__date_debut")
    etat = tables.Column("État", accessor="etat")
    saisie = tables.Column("Saisie", accessor="pk", empty_values=())

    class Meta:
        template_name = TEMPLATE_TABLEAU
        orderable = False
        attrs = {"class": "table table-striped align-middle"}
        empty_text = "Aucun marché en exécution avec une clause d'insertion dans votre périmètre."

    def __init__(self, *args, caption: str, mois, ce_mois, **kwargs):
        super().__init__(*args, **kwargs)
        self.caption = caption
        self.mois, self.ce_mois = mois, ce_mois

    def render_objet(self, value):
        return Truncator(value).chars(120)

    def render_lot(self, record):
        return f"{record.lot.numero} : {record.lot.intitule}"

    def render_titulaire(self, value):
        if value.siret:
            return format_html(
                '{}<br><span class="small text-body-secondary">SIRET {}</span>', value, value.siret
            )
        return str(value)

    def render_periode(self, record):
        marche = record.lot.marche
        return format_html(
            '<span class="text-nowrap">du {}</span> <span class="text-nowrap">au {}</span>',
            f"{marche.date_debut:%d/%m/%Y}",
            f"{marche.date_fin:%d/%m/%Y}",
        )

    def render_etat(self, value):
        return format_html(
            '<span class="badge {}">{}</span>', CLASSES_ETAT[value], EtatExecution(value).label
        )

    def render_saisie(self, record):
        marche = record.lot.marche
        mois = regles.mois_declarable_proche(marche=marche, mois=self.mois, ce_mois=self.ce_mois)
        if mois is None:
            return format_html(
                '<span class="text-body-secondary">à partir {}</span>', de(libelle_mois(marche.date_debut))
            )
        return format_html(
            '<a class="text-nowrap" href="{}">Saisir {}</a><span class="visually-hidden"> : {}, lot {}</span>',
            reverse("saisie:grille", args=[record.pk, code_mois(mois)]),
            libelle_mois(mois),
            marche.libelle,
            record.lot.numero,
        )
