"""Contracts with an insertion clause: the list (filters, sort, export), the follow-up sheet of a contract, its
creation and changes by the Département (with its lots, holders and clauses), closing, the DECP import.

The list shows no person, so readers see it too, within their scope; on the follow-up sheet they see how many
people worked on the contract, never who.
"""

from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from beneficiaires.enums import ActionAcces
from beneficiaires.journal import journaliser
from insertion import regles
from insertion.clauses import enregistrer_marche_et_clauses
from insertion.selectors import (
    clauses_du_marche,
    employeurs_du_marche,
    get_marche_for_user,
    heures_par_mois_du_marche,
    lots_a_modifier,
    lots_du_marche,
    marches_avec_clause,
    nombre_de_personnes_du_marche,
    personnes_du_marche,
    taux_realisation,
)
from marches import decp
from marches.selectors import entreprises_a_choisir, evenements_du_marche
from marches.services import MarcheInvalide, ajouter_evenement_suivi, cloturer_marche, rouvrir_marche
from portail.acces import utilisateur_ou_404
from portail.periodes import code_mois, libelle_mois, mois_courant, premier_jour
from portail.requetes import PaginationTable, taille_max_requete
from portail.tableurs import ExportTableur
from www.marches.filters import MarcheFilter
from www.marches.forms import TAILLE_MAX_DECP_OCTETS, ImportDecpForm
from www.marches.forms.marche import LotFormSet, MarcheForm, initial_du_lot, initial_du_marche
from www.marches.forms.suivi import ClotureForm, EvenementSuiviForm
from www.marches.tables import MarcheTable

MARCHES_PAR_PAGE = 25


@utilisateur_ou_404("is_authenticated")
def liste(request):
    user = request.user
    avec_epci = user.voit_plusieurs_epci
    marches = marches_avec_clause(user=user).order_by("-date_debut", "reference", "pk")
    filtre = MarcheFilter(request.GET, queryset=marches, avec_epci=avec_epci)
    table = MarcheTable(
        filtre.qs if filtre.is_valid() else marches.none(),
        exclude=() if avec_epci else ("epci",),
        caption=f"Marchés avec clause d'insertion — {user.perimetre}",
    )
    if filtre.actif:
        table.empty_text = "Aucun marché ne correspond à ces critères."

    export = request.GET.get("_export")
    if export in ExportTableur.FORMATS_PROPOSES:
        PaginationTable(request, paginate=False).configure(table)
        nom = f"marches-clauses-insertion-{timezone.localdate():%Y-%m-%d}.{export}"
        return ExportTableur(export, table, dataset_kwargs={"title": "Marchés"}).response(filename=nom)

    PaginationTable(request, paginate={"per_page": MARCHES_PAR_PAGE}).configure(table)
    return render(
        request,
        "marches/liste.html",
        {"filtre": filtre, "table": table, "tri": request.GET.get("sort", "")},
    )


def _mois_de_saisie(marche):
    """The month a clerk most likely enters: this month during execution, else the contract's last month.

    None before the contract starts: no month can be declared yet.
    """
    ce_mois = mois_courant()
    if ce_mois < premier_jour(marche.date_debut):
        return None
    return min(ce_mois, premier_jour(marche.date_fin))


def _somme(valeurs):
    valeurs = [v for v in valeurs if v is not None]
    return sum(valeurs, Decimal(0)) if valeurs else None


def _lot(lot, clause, *, marche, jour):
    if clause is None:
        return {"lot": lot, "clause": None, "taux": None, "heures_calculees": None, "dues": None}
    return {
        "lot": lot,
        "clause": clause,
        "taux": taux_realisation(validees=clause.heures_validees, reservees=clause.heures_reservees),
        "heures_calculees": clause.calculer_heures_reservees(),
        "dues": regles.heures_dues(
            heures_reservees=clause.heures_reservees, debut=marche.date_debut, fin=marche.date_fin, jour=jour
        ),
    }


def _effectif(nombre: int, *, voit_noms: bool) -> str:
    """A reader never sees fewer than SEUIL_SECRET_STATISTIQUE people: "< 5"."""
    seuil = settings.SEUIL_SECRET_STATISTIQUE
    if not voit_noms and 0 < nombre < seuil:
        return f"< {seuil}"
    return str(nombre)


def _avec_liens(employeurs):
    # The company page is /entreprises/<siret>/ (a company known by another identifier has none).
    for ligne in employeurs:
        siret = ligne["employeur__siret"]
        ligne["lien"] = f"/entreprises/{siret}/" if siret else ""
    return employeurs


def _fiche(request, marche, *, form_suivi=None, form_cloture=None):
    """The follow-up sheet: figures per lot, hours due by today, people, employers, the follow-up log."""
    user = request.user
    jour = timezone.localdate()
    clauses = {clause.lot_id: clause for clause in clauses_du_marche(marche=marche)}
    lots = [_lot(lot, clauses.get(lot.pk), marche=marche, jour=jour) for lot in lots_du_marche(marche=marche)]
    totaux = {
        cle: _somme(getattr(c, f"heures_{cle}") for c in clauses.values())
        for cle in ("reservees", "declarees", "validees", "rejetees")
    }
    totaux["dues"] = _somme(ligne["dues"] for ligne in lots if ligne["clause"])
    totaux["partiel"] = totaux["reservees"] is not None and any(
        c.heures_reservees is None for c in clauses.values()
    )
    totaux["taux"] = taux_realisation(validees=totaux["validees"], reservees=totaux["reservees"])
    par_mois = list(heures_par_mois_du_marche(user=user, marche=marche))
    mois_saisie = _mois_de_saisie(marche) if user.peut_declarer else None

    voit_noms = user.voit_donnees_personnelles
    if voit_noms:
        personnes = personnes_du_marche(user=user, marche=marche)
        nombre_personnes = len(personnes)
        journaliser(
            user=user,
            action=ActionAcces.CONSULTATION,
            nombre_personnes=nombre_personnes,
            detail=f"personnes ayant travaillé sur le marché {marche.libelle}",
        )
    else:
        personnes, nombre_personnes = [], nombre_de_personnes_du_marche(user=user, marche=marche)
    if user.voit_tout:
        form_suivi = form_suivi or EvenementSuiviForm()
        form_cloture = form_cloture or ClotureForm(marche=marche)
    return render(
        request,
        "marches/detail.html",
        {
            "marche": marche,
            "lots": lots,
            "totaux": totaux,
            "aujourd_hui": jour,
            "par_mois": par_mois,
            "total_mois": {
                "validees": sum((m["validees"] for m in par_mois), Decimal(0)),
                "declarees": sum((m["declarees"] for m in par_mois), Decimal(0)),
            },
            "peut_declarer": user.peut_declarer,
            "mois_saisie": mois_saisie,
            "mois_saisie_libelle": libelle_mois(mois_saisie) if mois_saisie else "",
            "mois_saisie_url": code_mois(mois_saisie) if mois_saisie else "",
            "voit_noms": voit_noms,
            "personnes": personnes,
            "nombre_personnes": _effectif(nombre_personnes, voit_noms=voit_noms),
            "employeurs": _avec_liens(employeurs_du_marche(user=user, marche=marche)),
            "evenements": evenements_du_marche(marche=marche),
            "form_suivi": form_suivi,
            "form_cloture": form_cloture,
        },
    )


def detail(request, pk):
    return _fiche(request, get_marche_for_user(user=request.user, pk=pk))


# --- creating and changing a contract (the Département) ----------------------------------------------


def _formulaire(request, *, marche):
    user = request.user
    lots = lots_a_modifier(marche=marche) if marche else []
    donnees = request.POST if request.method == "POST" else None
    form = MarcheForm(donnees, marche=marche, initial=initial_du_marche(marche) if marche else None)
    formset = LotFormSet(donnees, lots=lots, initial=[initial_du_lot(lot) for lot in lots], prefix="lots")
    if donnees is not None and form.is_valid() & formset.is_valid():
        creation = marche is None
        try:
            marche = enregistrer_marche_et_clauses(
                user=user,
                marche=marche,
                acheteur=form.acheteur_saisi,
                valeurs=form.valeurs,
                lots=[(lot.lot_saisi, lot.clause_saisie) for lot in formset.remplis()],
            )
        except MarcheInvalide as exc:
            for champ, erreurs in exc.erreurs.items():
                for erreur in erreurs:
                    form.add_error(champ if champ in form.fields else None, erreur)
        else:
            verbe = "créé" if creation else "enregistré"
            messages.success(request, f"Marché {verbe} : {marche.libelle}.")
            return redirect("marches:detail", marche.pk)
    return render(
        request,
        "marches/formulaire.html",
        {
            "marche": marche,
            "form": form,
            "formset": formset,
            "entreprises": entreprises_a_choisir(),
        },
    )


@utilisateur_ou_404("voit_tout")
@require_http_methods(["GET", "POST"])
def nouveau(request):
    return _formulaire(request, marche=None)


@utilisateur_ou_404("voit_tout")
@require_http_methods(["GET", "POST"])
def modifier(request, pk):
    return _formulaire(request, marche=get_marche_for_user(user=request.user, pk=pk))


@utilisateur_ou_404("voit_tout")
@require_POST
def cloturer(request, pk):
    marche = get_marche_for_user(user=request.user, pk=pk)
    form = ClotureForm(request.POST, marche=marche)
    if form.is_valid():
        try:
            cloturer_marche(
                user=request.user,
                marche=marche,
                jour=form.cleaned_data["date"],
                commentaire=form.cleaned_data["commentaire"],
            )
        except MarcheInvalide as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Suivi clôturé le {marche.cloture_le:%d/%m/%Y}.")
            return redirect("marches:detail", marche.pk)
    return _fiche(request, marche, form_cloture=form)


@utilisateur_ou_404("voit_tout")
@require_POST
def rouvrir(request, pk):
    marche = get_marche_for_user(user=request.user, pk=pk)
    try:
        rouvrir_marche(user=request.user, marche=marche, jour=timezone.localdate())
    except MarcheInvalide as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Suivi rouvert.")
    return redirect("marches:detail", marche.pk)


@utilisateur_ou_404("voit_tout")
@require_POST
def suivi(request, pk):
    marche = get_marche_for_user(user=request.user, pk=pk)
    form = EvenementSuiviForm(request.POST)
    if form.is_valid():
        try:
            ajouter_evenement_suivi(user=request.user, marche=marche, **form.cleaned_data)
        except MarcheInvalide as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Événement ajouté au journal de suivi.")
            return redirect("marches:detail", marche.pk)
    return _fiche(request, marche, form_suivi=form)


@taille_max_requete(TAILLE_MAX_DECP_OCTETS + 1024 * 1024)  # the file and the form's other fields
@utilisateur_ou_404("voit_tout")
@require_http_methods(["GET", "POST"])
def importer_decp(request):
    """Département staff upload a DECP file and read the summary; everyone else gets a 404."""
    resultat = None
    formulaire = ImportDecpForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and formulaire.is_valid():
        donnees = formulaire.cleaned_data
        fichier = donnees["fichier"]  # above 2,5 Mo, Django keeps it in a temporary file: streamed from there
        try:
            fichier.seek(0)
            resultat = decp.importer_decp(
                fichier=fichier,
                departement=settings.DEPARTEMENT,  # the page never imports a contract outside it
                simulation=donnees["simulation"],
                utilisateur=request.user,
            )
        except decp.ImportDecpImpossible as exc:
            formulaire.add_error("fichier", exc.message)
    return render(
        request,
        "marches/import_decp.html",
        {
            "formulaire": formulaire,
            "resultat": resultat,
            "departement": settings.DEPARTEMENT,
            "nom_fichier": formulaire.cleaned_data["fichier"].name if resultat else "",
        },
    )
