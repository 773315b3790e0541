"""The table of contracts with an insertion clause."""

from decimal import ROUND_HALF_UP, Decimal

import django_tables2 as tables
from django.db.models import Case, F, FloatField, When
from django.db.models.functions import Cast

from insertion.selectors import taux_realisation
from marches.enums import EtatExecution
from portail import formats
from portail.colonnes import A_DROITE, TEMPLATE_TABLEAU, HeuresColumn


def _trier(queryset, champ, is_descending):
    """Sorts with empty values last either way, then by reference and id so that pages are stable."""
    cle = F(champ).desc(nulls_last=True) if is_descending else F(champ).asc(nulls_last=True)
    return queryset.order_by(cle, "reference", "pk"), True


def statut_du_marche(marche) -> str:
    """ "clôturé" once the Département closed it, else its EtatExecution label (`etat` annotated)."""
    if marche.cloture_le is not None:
        return "clôturé"
    return EtatExecution(marche.etat).label


class MarcheTable(tables.Table):
    """Rows come from selectors.marches_avec_clause(): reserved, declared and validated hours are annotated."""

    # The contract is named by buyer, reference and object; exports keep the three apart.
    marche = tables.Column(
        "Marché",
        accessor="pk",
        linkify=("marches:detail", (tables.A("pk"),)),
        order_by=("acheteur__nom", "reference", "pk"),
        exclude_from_export=True,
    )
    reference = tables.Column("Référence", visible=False)
    objet = tables.Column("Objet", visible=False)
    acheteur = tables.Column("Acheteur", accessor="acheteur__nom", visible=False)
    epci = tables.Column("EPCI", accessor="epci__nom", order_by=("epci__nom", "reference", "pk"), default="—")
    periode = tables.Column(
        "Période d'exécution",
        accessor="date_debut",
        order_by=("date_debut", "date_fin", "pk"),
        exclude_from_export=True,
        attrs={"td": {"class": "text-nowrap"}},
    )
    # Exports get the two dates as real dates.
    date_debut = tables.Column("Début d'exécution", visible=False)
    date_fin = tables.Column("Fin d'exécution", visible=False)
    statut = tables.Column(
        "Statut", accessor="etat", order_by=("etat", "date_fin", "pk"), exclude_from_export=True
    )
    heures_reservees = HeuresColumn("Heures réservées", default="—")
    heures_declarees = HeuresColumn("Heures déclarées (à valider)")
    heures_validees = HeuresColumn("Heures validées")
    taux = tables.Column(
        "Taux de réalisation", accessor="pk", empty_values=(), attrs=A_DROITE, exclude_from_export=True
    )
    # Exports get the rate as a number, the unit in the header.
    taux_pourcent = tables.Column(
        "Taux de réalisation (%)", accessor="pk", empty_values=(), visible=False, orderable=False
    )

    class Meta:
        template_name = TEMPLATE_TABLEAU
        attrs = {"class": "table table-striped table-hover align-middle"}
        empty_text = "Aucun marché avec clause d'insertion dans votre périmètre."

    def __init__(self, *args, caption: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.caption = caption

    def render_marche(self, record):
        return record.libelle

    def render_statut(self, record):
        return statut_du_marche(record)

    def render_periode(self, record):
        return f"du {record.date_debut:%d/%m/%Y} au {record.date_fin:%d/%m/%Y}"

    def render_taux(self, record):
        return formats.pourcentage(self._taux(record))

    def value_taux_pourcent(self, record):
        taux = self._taux(record)
        return None if taux is None else taux.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @staticmethod
    def _taux(record):
        return taux_realisation(validees=record.heures_validees, reservees=record.heures_reservees)

    def order_heures_reservees(self, queryset, is_descending):
        return _trier(queryset, "heures_reservees", is_descending)

    def order_heures_declarees(self, queryset, is_descending):
        return _trier(queryset, "heures_declarees", is_descending)

    def order_heures_validees(self, queryset, is_descending):
        return _trier(queryset, "heures_validees", is_descending)

    def order_taux(self, queryset, is_descending):
        # Floats: SQLite would divide its integer-stored decimals as integers.
        taux = Case(
            When(
                heures_reservees__gt=0,
                then=Cast("heures_validees", FloatField()) / Cast("heures_reservees", FloatField()),
            ),
            output_field=FloatField(),
        )
        return _trier(queryset.annotate(taux_tri=taux), "taux_tri", is_descending)
