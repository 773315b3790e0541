""" "Clauses à calibrer" (clauses without reserved hours) and the reserved-hours calculator of one clause.

Only the Département calibrates: anyone else gets 404 on both pages.
"""

from django.contrib import messages
from django.shortcuts import redirect, render

from insertion.calibrage import valeurs_proposees
from insertion.selectors import clauses_a_calibrer, get_clause_a_calibrer_for_user
from insertion.services import CalibrageInvalide, calibrer_clause
from portail import formats
from portail.acces import utilisateur_ou_404
from portail.requetes import PaginationTable
from www.calibrage.filters import ClauseACalibrerFilter
from www.calibrage.forms import CalibrageForm
from www.calibrage.tables import ClauseACalibrerTable

CLAUSES_PAR_PAGE = 50
APERCU, ENREGISTRER = "apercu", "enregistrer"


@utilisateur_ou_404("voit_tout")
def a_calibrer(request):
    user = request.user
    clauses = clauses_a_calibrer(user=user)
    filtre = ClauseACalibrerFilter(request.GET, queryset=clauses)
    table = ClauseACalibrerTable(
        filtre.qs if filtre.is_valid() else clauses.none(),
        caption=f"Clauses d'insertion sans heures réservées — {user.perimetre}",
    )
    if filtre.actif:
        table.empty_text = "Aucune clause à calibrer ne correspond à ces critères."
    PaginationTable(request, paginate={"per_page": CLAUSES_PAR_PAGE}).configure(table)
    return render(
        request,
        "calibrage/liste.html",
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
                return redirect("marches:detail", lot.marche_id)
        # A preview, or a refused record: the page again, with the calculation of the values typed.
        calcul = form.calcul if form.is_valid() else None
    else:
        form = CalibrageForm(initial=proposition.initial, lot=lot)
        calcul = proposition.calcul(lot=lot)
    return render(
        request,
        "calibrage/calibrer.html",
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
