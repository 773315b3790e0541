"""The table of contracts at risk (rows: insertion.pilotage.MarcheARisque, sorted in Python)."""

from decimal import ROUND_HALF_UP, Decimal

import django_tables2 as tables
from django.utils.html import format_html, format_html_join

from portail.colonnes import TEMPLATE_TABLEAU, HeuresColumn, PourcentageColumn


class MarcheARisqueTable(tables.Table):
    # The contract is named by buyer, reference and object; exports keep the three apart.
    marche = tables.Column(
        "Marché",
        accessor="marche__pk",
        linkify=("marches:detail", (tables.A("marche__pk"),)),
        order_by=("marche__acheteur__nom", "marche__reference", "marche__pk"),
        exclude_from_export=True,
    )
    reference = tables.Column("Référence", accessor="marche__reference", visible=False)
    objet = tables.Column("Objet", accessor="marche__objet", visible=False)
    acheteur = tables.Column("Acheteur", accessor="marche__acheteur__nom", visible=False)
    epci = tables.Column(
        "EPCI", accessor="marche__epci__nom", order_by=("marche__epci__nom", "marche__reference"), default="—"
    )
    periode = tables.Column(
        "Période d'exécution",
        accessor="marche__date_fin",
        order_by=("marche__date_fin", "marche__reference"),
        exclude_from_export=True,
        attrs={"td": {"class": "text-nowrap"}},
    )
    # Exports get the two dates as real dates.
    date_debut = tables.Column("Début d'exécution", accessor="marche__date_debut", visible=False)
    date_fin = tables.Column("Fin d'exécution", accessor="marche__date_fin", visible=False)
    heures_reservees = HeuresColumn("Heures réservées", default="—")
    heures_dues = HeuresColumn("Heures dues à cette date", default="—")
    heures_realisees = HeuresColumn("Heures réalisées (validées et déclarées)")
    avancement = PourcentageColumn(
        "Réalisées / dues", default="—", order_by=("avancement_tri", "marche__date_fin", "marche__reference")
    )
    motifs = tables.Column("Raisons", orderable=False)

    class Meta:
        template_name = TEMPLATE_TABLEAU
        attrs = {"class": "table table-striped table-hover align-middle"}
        empty_text = "Aucun marché à risque dans votre périmètre."
        order_by = ("periode",)

    def __init__(self, *args, caption: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.caption = caption

    def render_marche(self, record):
        return record.marche.libelle

    def render_periode(self, record):
        return f"du {record.marche.date_debut:%d/%m/%Y} au {record.marche.date_fin:%d/%m/%Y}"

    def render_motifs(self, value):
        return format_html(
            '<ul class="mb-0 ps-3">{}</ul>', format_html_join("", "<li>{}</li>", ((m,) for m in value))
        )

    def value_motifs(self, value):
        return " ".join(value)

    def value_avancement(self, value):
        return Decimal(value).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
