"""Table of "Clauses à calibrer"."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator

from marches.enums import NatureMarche
from portail import formats
from portail.colonnes import A_DROITE, TEMPLATE_TABLEAU


class ClauseACalibrerTable(tables.Table):
    """Rows come from calibrage.clauses_a_calibrer(): contract, buyer and EPCI are joined."""

    marche = tables.Column(
        "Marché",
        accessor="lot__marche__reference",
        linkify=("marches:detail", [tables.A("lot__marche_id")]),
        order_by=("lot__marche__reference", "lot__numero", "pk"),
    )
    lot = tables.Column(
        "Lot", accessor="lot__numero", order_by=("lot__marche__reference", "lot__numero", "pk")
    )
    objet = tables.Column("Objet", accessor="lot__marche__objet", order_by=("lot__marche__objet", "pk"))
    acheteur = tables.Column(
        "Acheteur", accessor="lot__marche__acheteur__nom", order_by=("lot__marche__acheteur__nom", "pk")
    )
    epci = tables.Column(
        "EPCI", accessor="lot__marche__epci__nom", order_by=("lot__marche__epci__nom", "pk"), default="—"
    )
    nature = tables.Column("Nature", accessor="lot__marche__nature", order_by=("lot__marche__nature", "pk"))
    montant_ht = tables.Column("Montant HT du lot (€)", accessor="lot__montant_ht", attrs=A_DROITE)
    considerations_sociales = tables.Column(
        "Considérations sociales", accessor="lot__marche__considerations_sociales", orderable=False
    )
    date_notification = tables.Column(
        "Date de notification",
        accessor="lot__marche__date_notification",
        order_by=("lot__marche__date_notification", "pk"),
        default="—",
        attrs={"td": {"class": "text-nowrap"}},
    )
    calibrer = tables.Column("Action", accessor="pk", orderable=False, empty_values=())

    class Meta:
        template_name = TEMPLATE_TABLEAU
        attrs = {"class": "table table-striped table-hover align-middle"}
        order_by = ("-montant_ht",)
        empty_text = "Toutes les clauses sont calibrées."

    def __init__(self, *args, caption: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.caption = caption

    def render_lot(self, record):
        return f"{record.lot.numero} — {Truncator(record.lot.intitule).chars(80)}"

    def render_objet(self, value):
        return Truncator(value).chars(150)

    def render_nature(self, value):
        return NatureMarche(value).label

    def render_montant_ht(self, value):
        return formats.euros(value)

    def render_considerations_sociales(self, value):
        return ", ".join(value)

    def render_date_notification(self, value):
        return f"{value:%d/%m/%Y}"

    def render_calibrer(self, record):
        return format_html(
            '<a class="btn btn-primary btn-sm" href="{}">Calibrer'
            '<span class="visually-hidden"> la clause du marché {}, lot {}</span></a>',
            reverse("calibrage:calibrer", args=[record.pk]),
            record.lot.marche.libelle,
            record.lot.numero,
        )

    def order_montant_ht(self, queryset, is_descending):
        montant = "-lot__montant_ht" if is_descending else "lot__montant_ht"
        return queryset.order_by(montant, "lot__marche__reference", "lot__numero", "pk"), True
