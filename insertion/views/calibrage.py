""" "Clauses à calibrer" (clauses without reserved hours) and the reserved-hours calculator of one clause.

Only the Département calibrates: anyone else gets 404 on both pages.
"""

import django_tables2 as tables
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django_tables2 import RequestConfig

from marches.enums import NatureMarche
from portail import formats

from ..calibrage import (
    CalibrageInvalide,
    calibrer_clause,
    clauses_a_calibrer,
    get_clause_a_calibrer_for_user,
    valeurs_proposees,
)
from ..forms_calibrage import CalibrageForm, FiltreClausesACalibrer
from ..tables import A_DROITE, TEMPLATE_TABLEAU

CLAUSES_PAR_PAGE = 50
APERCU, ENREGISTRER = "apercu", "enregistrer"


class ClausesACalibrerTable(tables.Table):
    """Rows come from calibrage.clauses_a_calibrer(): contract, buyer and EPCI are joined."""

    marche = tables.Column(
        "Marché",
        accessor="lot__marche__reference",
        linkify=("marche", [tables.A("lot__marche_id")]),
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
            reverse("clause_calibrer", args=[record.pk]),
            record.lot.marche.reference,
            record.lot.numero,
        )

    def order_montant_ht(self, queryset, is_descending):
        montant = "-lot__montant_ht" if is_descending else "lot__montant_ht"
        return queryset.order_by(montant, "lot__marche__reference", "lot__numero", "pk"), True


def a_calibrer(request):
    user = request.user
    if not user.voit_tout:
        raise Http404
    clauses = clauses_a_calibrer(user=user)
    filtre = FiltreClausesACalibrer(request.GET, queryset=clauses)
    table = ClausesACalibrerTable(
        filtre.qs if filtre.is_valid() else clauses.none(),
        caption=f"Clauses d'insertion sans heures réservées — {user.perimetre}",
    )
    if filtre.actif:
        table.empty_text = "Aucune clause à calibrer ne correspond à ces critères."
    RequestConfig(request, paginate={"per_page": CLAUSES_PAR_PAGE}).configure(table)
    return render(
        request,
        "insertion/calibrage/liste.html",
        {"filtre": filtre, "table": table, "tri": request.GET.get("sort", "")},
    )


def calibrer(request, pk):
    clause = get_clause_a_calibrer_for_user(user=request.user, pk=pk)
    lot = clause.lot
    proposition = valeurs_proposees(clause=clause)
    if request.method == "POST":
        form = CalibrageForm(request.POST, lot=lot)
        if form.is_valid() and request.POST.get("action") == ENREGISTRER:
            try:
                calibrer_clause(
                    user=request.user,
                    clause=clause,
                    part_main_oeuvre=form.cleaned_data["part_main_oeuvre"],
                    taux_insertion=form.cleaned_data["taux_insertion"],
                    cout_horaire=form.cleaned_data["cout_horaire"],
                    heures_fixees=form.cleaned_data["heures_fixees"],
                )
            except CalibrageInvalide as erreur:
                form.add_error(None, str(erreur))
            else:
                messages.success(
                    request, f"Clause calibrée : {formats.heures(clause.heures_reservees)} réservées"
                )
                return redirect("marche", lot.marche_id)
        # A preview, or a refused record: the page again, with the calculation of the values typed.
        calcul = form.calcul if form.is_valid() else None
    else:
        form = CalibrageForm(initial=proposition.initial, lot=lot)
        calcul = proposition.calcul(lot=lot)
    return render(
        request,
        "insertion/calibrage/calibrer.html",
        {
            "clause": clause,
            "lot": lot,
            "marche": lot.marche,
            "form": form,
            "proposition": proposition,
            "calcul": calcul,
            "apercu": request.method == "POST",
        },
    )
