"""The yearly targets: the Département's and each EPCI's, for the year chosen, set by Département staff.

Anyone else gets 404. The sum of the EPCI targets is shown beside the Département's; a difference is
pointed out, not refused (an EPCI may have no target, the Département may aim higher than its parts).
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from insertion.objectifs import ObjectifsInvalides, enregistrer_objectifs
from insertion.selectors import annees_des_objectifs, objectifs_de_l_annee
from marches.selectors import epci_du_territoire
from portail.acces import utilisateur_ou_404
from portail.formats import heures
from www.objectifs.forms import AnneeObjectifsForm, ObjectifsForm


def _annee(request) -> tuple[int, str | None]:
    """The year asked for in the query string, or the current year and why the one asked was not read."""
    if not request.GET.get("annee", "").strip():
        return timezone.localdate().year, None
    form = AnneeObjectifsForm(request.GET)
    if form.is_valid():
        return form.cleaned_data["annee"], None
    return timezone.localdate().year, " ".join(form.errors["annee"])


def ecart(*, departement: int | None, somme_epci: int, nb_epci: int) -> str | None:
    """The warning shown when the EPCI targets do not add up to the Département's."""
    if not nb_epci or departement is None or somme_epci == departement:
        return None
    return (
        f"La somme des objectifs des EPCI ({heures(somme_epci)}) diffère de l'objectif du Département "
        f"({heures(departement)}) : vérifiez si c'est voulu."
    )


@utilisateur_ou_404("voit_tout")
def objectifs(request):
    annee, erreur_annee = _annee(request)
    if erreur_annee and request.method != "POST":
        messages.warning(request, f"{erreur_annee} Voici les objectifs de {annee}.")
    epcis = list(epci_du_territoire())
    enregistres = objectifs_de_l_annee(annee=annee)
    if request.method == "POST":
        form = ObjectifsForm(request.POST, epcis=epcis, annee=annee)
        if erreur_annee:  # never saved into a year nobody asked for
            form.add_error(None, f"{erreur_annee} Rien n'a été enregistré.")
        if form.is_valid():
            try:
                resultat = enregistrer_objectifs(
                    user=request.user,
                    annee=annee,
                    departement=form.cleaned_data["departement"],
                    par_epci=form.par_epci(),
                )
            except ObjectifsInvalides as erreur:
                form.add_error(None, str(erreur))
            else:
                if resultat.changes:
                    messages.success(request, f"Les objectifs de {annee} sont enregistrés.")
                else:
                    messages.info(request, f"Aucun objectif de {annee} n'a changé.")
                par_epci = [h for h in form.par_epci().values() if h is not None]
                if alerte := ecart(
                    departement=form.cleaned_data["departement"],
                    somme_epci=sum(par_epci),
                    nb_epci=len(par_epci),
                ):
                    messages.warning(request, alerte)
                return redirect(f"{reverse('objectifs:page')}?annee={annee}")
    else:
        initial = {"departement": enregistres.get(None)}
        initial |= {f"epci_{epci.pk}": enregistres.get(epci.pk) for epci in epcis}
        form = ObjectifsForm(initial=initial, epcis=epcis, annee=annee)

    objectifs_epci = [h for pk, h in enregistres.items() if pk is not None]
    somme_epci = sum(objectifs_epci)
    annees = annees_des_objectifs() | {timezone.localdate().year + d for d in (-1, 0, 1)} | {annee}
    return render(
        request,
        "objectifs/page.html",
        {
            "annee": str(annee),
            "annees": [str(a) for a in sorted(annees, reverse=True)],
            "form": form,
            "objectif_departement": enregistres.get(None),
            "somme_epci": somme_epci,
            "nb_epci_avec_objectif": len(objectifs_epci),
            "nb_epci": len(epcis),
            "ecart": ecart(
                departement=enregistres.get(None), somme_epci=somme_epci, nb_epci=len(objectifs_epci)
            ),
            "url_tableau_de_bord": f"{reverse('tableau_de_bord:page')}?annee={annee}",
        },
    )
