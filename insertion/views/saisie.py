"""Monthly entry of the hours worked on a clause: choose a clause and a month, fill the grid, add people."""

import datetime
import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from beneficiaires.models import Beneficiaire
from beneficiaires.services import trouver_ou_creer_beneficiaire
from marches.models import Entreprise, Marche
from portail.periodes import libelle_mois, lire_mois, mois_courant, mois_precedent, premier_jour

from ..enums import Statut
from ..forms import (
    ChoixSaisieForm,
    ConfirmationForm,
    ContexteGrille,
    GrilleFormSet,
    PersonneForm,
    statut_verrouille,
)
from ..models import Clause, HeuresRealisees
from ..selectors import get_clause_for_user
from ..services import SaisieInvalide, enregistrer_heures

PREFIXE = "lignes"
LIGNES_VIDES = 3
CLE_SESSION = "saisie_personnes"
PERSONNES_RETENUES_PAR_CLAUSE = 50


# --- helpers --------------------------------------------------------------------------------------


def _exiger_declarant(user):
    # Readers never reach the entry pages, nor learn which contracts exist there.
    if not user.peut_declarer:
        raise Http404


def _mois_ou_404(texte: str) -> datetime.date:
    mois = lire_mois(texte)
    if mois is None:
        raise Http404
    return mois


def _code_mois(mois: datetime.date) -> str:
    return mois.strftime("%Y-%m")


def _mois_suivant(mois: datetime.date) -> datetime.date:
    return premier_jour(mois + datetime.timedelta(days=31))


def _url_grille(clause, mois, **parametres) -> str:
    url = reverse("saisie_grille", args=[clause.pk, _code_mois(mois)])
    return f"{url}?{urlencode(parametres, doseq=True)}" if parametres else url


def _clauses_pour_saisie(user):
    return (
        Clause.objects.filter(lot__marche__in=Marche.objects.for_user(user))
        .select_related("lot__marche", "lot__titulaire")
        .order_by("lot__marche__reference", "lot__numero")
    )


def _personnes_retenues(request, clause) -> list[str]:
    """People this user found or created for this clause (they may have no hours yet)."""
    return request.session.get(CLE_SESSION, {}).get(str(clause.pk), [])


def _retenir_personne(request, clause, personne):
    retenues = request.session.get(CLE_SESSION, {})
    liste = [p for p in retenues.get(str(clause.pk), []) if p != str(personne.public_id)]
    retenues[str(clause.pk)] = [*liste, str(personne.public_id)][-PERSONNES_RETENUES_PAR_CLAUSE:]
    request.session[CLE_SESSION] = retenues


def _uuids(valeurs) -> list[str]:
    valides = []
    for valeur in valeurs:
        try:
            valides.append(str(uuid.UUID(str(valeur))))
        except ValueError:
            continue
    return valides


def _personnes_proposees(*, user, clause, retenues) -> list[Beneficiaire]:
    """People offered in the grid: those who already worked on this clause, and those this user just added."""
    deja_venues = Beneficiaire.objects.for_user(user).filter(heures__clause=clause).values("pk")
    return list(
        Beneficiaire.objects.filter(Q(pk__in=deja_venues) | Q(public_id__in=_uuids(retenues))).order_by(
            "nom", "prenom", "date_naissance"
        )
    )


def _rangees(*, clause, mois) -> list[HeuresRealisees]:
    """Rows of this clause for the month and the month before, in one query."""
    rangees = list(
        HeuresRealisees.objects.filter(clause=clause, mois__in=[mois, mois_precedent(mois)])
        .select_related("beneficiaire", "employeur")
        .order_by("beneficiaire__nom", "beneficiaire__prenom", "employeur__raison_sociale", "modalite", "pk")
    )
    for rangee in rangees:
        rangee.clause = clause  # already loaded with its lot and contract
    return rangees


def _lignes_initiales(*, clause, du_mois, modifiables, precedentes, personnes, demandees):
    titulaire = clause.lot.titulaire
    siret_titulaire = titulaire.siret if titulaire and titulaire.siret else ""
    lignes = [{"id_rangee": r.pk} for r in modifiables]
    deja_la = {r.beneficiaire_id for r in du_mois}
    for r in precedentes:
        if r.beneficiaire_id in deja_la:
            continue
        lignes.append(
            {
                "beneficiaire": str(r.beneficiaire.public_id),
                "siret_employeur": r.employeur.siret or "",
                "modalite": r.modalite,
                "type_contrat": r.type_contrat,
                "prerempli": True,
            }
        )
    presentes = {ligne.get("beneficiaire") for ligne in lignes[len(modifiables) :]}
    presentes |= {str(r.beneficiaire.public_id) for r in du_mois}
    proposees = {str(p.public_id) for p in personnes}
    for identifiant in _uuids(demandees):
        if identifiant in proposees and identifiant not in presentes:
            lignes.append({"beneficiaire": identifiant, "siret_employeur": siret_titulaire})
            presentes.add(identifiant)
    lignes += [{"siret_employeur": siret_titulaire} for _ in range(LIGNES_VIDES)]
    return lignes


def _avertissement_periode(*, marche, mois) -> str:
    if mois > mois_courant():
        return f"{libelle_mois(mois).capitalize()} n'est pas encore commencé : aucune heure ne peut y être déclarée."
    if not premier_jour(marche.date_debut) <= mois <= premier_jour(marche.date_fin):
        return (
            f"{libelle_mois(mois).capitalize()} est hors de la période d'exécution du marché : "
            "aucune heure ne peut y être déclarée."
        )
    return ""


def _cle(rangee) -> tuple:
    """Same shape as LigneHeures.cle."""
    return (rangee.clause_id, rangee.beneficiaire_id, rangee.employeur_id, rangee.mois, rangee.modalite)


def _pluriel(nombre: int, singulier: str, pluriel: str) -> str:
    return f"{nombre} {singulier if nombre < 2 else pluriel}"


def _message_resultat(resultat) -> str:
    parties = []
    if resultat.crees:
        parties.append(_pluriel(resultat.crees, "ligne créée", "lignes créées"))
    if resultat.modifiees:
        parties.append(_pluriel(resultat.modifiees, "ligne modifiée", "lignes modifiées"))
    if resultat.supprimees:
        parties.append(_pluriel(resultat.supprimees, "ligne supprimée", "lignes supprimées"))
    if resultat.inchangees:
        parties.append(_pluriel(resultat.inchangees, "ligne inchangée", "lignes inchangées"))
    enregistrees = resultat.crees + resultat.modifiees
    if enregistrees:
        debut = _pluriel(enregistrees, "ligne enregistrée", "lignes enregistrées")
    else:
        debut = "Saisie enregistrée"
    return f"{debut} : {', '.join(parties)}." if parties else f"{debut}."


# --- views ----------------------------------------------------------------------------------------


def choisir(request):
    user = request.user
    _exiger_declarant(user)
    clauses = _clauses_pour_saisie(user)
    if "clause" in request.GET or "mois" in request.GET:
        form = ChoixSaisieForm(request.GET, clauses=clauses)
        if form.is_valid():
            return redirect(_url_grille(form.cleaned_data["clause"], form.cleaned_data["mois"]))
    else:
        form = ChoixSaisieForm(clauses=clauses, initial={"mois": _code_mois(mois_precedent(mois_courant()))})
    return render(request, "insertion/saisie/choisir.html", {"form": form, "a_des_clauses": clauses.exists()})


def grille(request, clause_pk, mois):
    user = request.user
    _exiger_declarant(user)
    clause = get_clause_for_user(user=user, pk=clause_pk)
    mois_date = _mois_ou_404(mois)
    if mois != _code_mois(mois_date):
        return redirect(_url_grille(clause, mois_date))

    rangees = _rangees(clause=clause, mois=mois_date)
    du_mois = [r for r in rangees if r.mois == mois_date]
    precedentes = [r for r in rangees if r.mois != mois_date]
    verrouillees = [r for r in du_mois if statut_verrouille(r, user=user)]
    modifiables = [r for r in du_mois if not statut_verrouille(r, user=user)]
    personnes = _personnes_proposees(user=user, clause=clause, retenues=_personnes_retenues(request, clause))

    entreprises = {r.employeur.siret: r.employeur for r in rangees if r.employeur.siret}
    if clause.lot.titulaire and clause.lot.titulaire.siret:
        entreprises.setdefault(clause.lot.titulaire.siret, clause.lot.titulaire)
    suggestions = sorted(entreprises.values(), key=lambda e: e.raison_sociale)
    contexte = ContexteGrille(
        clause=clause,
        mois=mois_date,
        personnes=personnes,
        rangees={r.pk: r for r in modifiables},
        entreprises=dict(entreprises),
    )

    erreurs_generales, confirmation_requise = [], False
    if request.method == "POST":
        sirets = GrilleFormSet.sirets_postes(request.POST, PREFIXE) - set(contexte.entreprises)
        if sirets:
            contexte.entreprises |= {e.siret: e for e in Entreprise.objects.filter(siret__in=sirets)}
        formset = GrilleFormSet(request.POST, contexte=contexte, prefix=PREFIXE)
        confirmation = ConfirmationForm(request.POST)
        if formset.is_valid() and confirmation.is_valid():
            formulaires = list(formset)
            a_enregistrer = [f for f in formulaires if f.action == "enregistrer"]
            # A deleted row retyped on a new line (same person, employer, modality) is changed, not deleted.
            retapees = {f.ligne.cle for f in a_enregistrer}
            suppressions = [
                f.rangee for f in formulaires if f.action == "supprimer" and _cle(f.rangee) not in retapees
            ]
            if not a_enregistrer and not suppressions:
                messages.info(request, "Aucune modification à enregistrer.")
                return redirect(_url_grille(clause, mois_date))
            try:
                resultat = enregistrer_heures(
                    user=user,
                    lignes=[f.ligne for f in a_enregistrer],
                    suppressions=suppressions,
                    confirmer_depassement=confirmation.cleaned_data["confirmer_depassement"],
                )
            except SaisieInvalide as exc:
                confirmation_requise = exc.confirmation_requise
                for erreur in exc.erreurs:
                    if erreur.index is None:
                        erreurs_generales.append(erreur.message)
                    else:
                        a_enregistrer[erreur.index].add_error(None, erreur.message)
            else:
                messages.success(request, _message_resultat(resultat))
                for alerte in resultat.alertes:
                    messages.warning(request, f"Dépassement confirmé : {alerte}")
                return redirect(_url_grille(clause, mois_date))
    else:
        initial = _lignes_initiales(
            clause=clause,
            du_mois=du_mois,
            modifiables=modifiables,
            precedentes=precedentes,
            personnes=personnes,
            demandees=request.GET.getlist("personne"),
        )
        formset = GrilleFormSet(initial=initial, contexte=contexte, prefix=PREFIXE)

    lignes_en_erreur = sum(1 for f in formset.forms if f.errors) if formset.is_bound else 0
    marche = clause.lot.marche
    precedent, suivant = mois_precedent(mois_date), _mois_suivant(mois_date)
    dernier_mois_possible = min(premier_jour(marche.date_fin), mois_courant())
    return render(
        request,
        "insertion/saisie/grille.html",
        {
            "clause": clause,
            "lot": clause.lot,
            "marche": marche,
            "mois": mois_date,
            "libelle_mois": libelle_mois(mois_date),
            "url_precedent": _url_grille(clause, precedent)
            if precedent >= premier_jour(marche.date_debut)
            else "",
            "libelle_precedent": libelle_mois(precedent),
            "url_suivant": _url_grille(clause, suivant) if suivant <= dernier_mois_possible else "",
            "libelle_suivant": libelle_mois(suivant),
            "avertissement_periode": _avertissement_periode(marche=marche, mois=mois_date),
            "verrouillees": verrouillees,
            "formset": formset,
            "suggestions": suggestions,
            "erreurs_generales": erreurs_generales,
            "lignes_en_erreur": lignes_en_erreur,
            "confirmation_requise": confirmation_requise,
            "confirmation": ConfirmationForm(),
            "url_personne": reverse("saisie_personne", args=[clause.pk, _code_mois(mois_date)]),
            "statut_rejetees": Statut.REJETEES,
            "statut_validees": Statut.VALIDEES,
        },
    )


def ajouter_personne(request, clause_pk, mois):
    user = request.user
    _exiger_declarant(user)
    clause = get_clause_for_user(user=user, pk=clause_pk)
    mois_date = _mois_ou_404(mois)
    form = PersonneForm(request.POST or None, mois=mois_date)
    if request.method == "POST" and form.is_valid():
        personne, creee = trouver_ou_creer_beneficiaire(user=user, **form.donnees_personne())
        _retenir_personne(request, clause, personne)
        naissance = f"{personne.date_naissance:%d/%m/%Y}"
        if creee:
            messages.success(
                request, f"{personne} (né·e le {naissance}) a été ajouté·e : saisissez ses heures ci-dessous."
            )
        else:
            messages.info(
                request,
                f"{personne} (né·e le {naissance}) est déjà connu·e du portail : sa fiche existante est reprise, "
                "sans modification. Saisissez ses heures ci-dessous.",
            )
        return redirect(_url_grille(clause, mois_date, personne=str(personne.public_id)))
    return render(
        request,
        "insertion/saisie/personne.html",
        {
            "clause": clause,
            "lot": clause.lot,
            "marche": clause.lot.marche,
            "libelle_mois": libelle_mois(mois_date),
            "url_grille": _url_grille(clause, mois_date),
            "form": form,
        },
    )
