"""Monthly entry of the hours worked on a clause: choose a clause and a month, fill the grid, add people."""

import datetime
import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse

from beneficiaires.enums import ActionAcces
from beneficiaires.journal import journaliser
from beneficiaires.selectors import (
    get_personne_a_reprendre_for_user,
    personne_connue,
    personnes_proches,
    rechercher_personnes,
)
from insertion import regles
from insertion.cloture import messages_annees_cloturees
from insertion.enums import Statut
from insertion.selectors import (
    clauses_a_choisir,
    clauses_pour_saisie,
    get_clause_for_user,
    personnes_proposees,
    rangees_de_la_grille,
)
from insertion.services import SaisieInvalide, enregistrer_grille
from marches.selectors import entreprises_par_siret
from portail.acces import utilisateur_ou_404
from portail.francais import pluriel
from portail.periodes import (
    code_mois,
    libelle_mois,
    lire_mois,
    mois_courant,
    mois_precedent,
    mois_suivant,
    premier_jour,
)
from portail.requetes import PaginationTable
from www.saisie import attente
from www.saisie.forms.choix import ChoixSaisieForm, RechercheSaisieForm
from www.saisie.forms.grille import ConfirmationForm, ContexteGrille, GrilleFormSet
from www.saisie.forms.personne import PersonneForm, RecherchePersonneForm
from www.saisie.pages import PERSONNES_RETENUES_PAR_CLAUSE, page_de_la_grille
from www.saisie.tables import ClauseASaisirTable

PREFIXE = "lignes"
CLE_SESSION = "saisie_personnes"
CLAUSES_PAR_PAGE = 25


# --- helpers --------------------------------------------------------------------------------------


def _mois_ou_404(texte: str) -> datetime.date:
    mois = lire_mois(texte)
    if mois is None:
        raise Http404
    return mois


def _url_grille(clause, mois, **parametres) -> str:
    url = reverse("saisie:grille", args=[clause.pk, code_mois(mois)])
    return f"{url}?{urlencode(parametres, doseq=True)}" if parametres else url


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


def _parametres_de_page(page) -> dict:
    """The page and filter of the grid shown, kept in the address of the form and of the redirect."""
    parametres = {}
    if page.recherche:
        parametres["q"] = page.recherche
    if page.page.number > 1:
        parametres["page"] = page.page.number
    return parametres


def _avertissement_periode(*, marche, mois) -> str:
    if regles.erreur_mois_declarable(marche=marche, mois=mois, ce_mois=mois_courant()) is None:
        return ""
    if mois > mois_courant():
        return f"{libelle_mois(mois).capitalize()} n'est pas encore commencé : aucune heure ne peut y être déclarée."
    return (
        f"{libelle_mois(mois).capitalize()} est hors de la période d'exécution du marché : "
        "aucune heure ne peut y être déclarée."
    )


def _cle(rangee) -> tuple:
    """Same shape as LigneHeures.cle."""
    return (rangee.clause_id, rangee.beneficiaire_id, rangee.employeur_id, rangee.mois, rangee.modalite)


def _message_resultat(resultat) -> str:
    parties = []
    if resultat.crees:
        parties.append(pluriel(resultat.crees, "ligne créée", "lignes créées"))
    if resultat.modifiees:
        parties.append(pluriel(resultat.modifiees, "ligne modifiée", "lignes modifiées"))
    if resultat.supprimees:
        parties.append(pluriel(resultat.supprimees, "ligne supprimée", "lignes supprimées"))
    if resultat.inchangees:
        parties.append(pluriel(resultat.inchangees, "ligne inchangée", "lignes inchangées"))
    enregistrees = resultat.crees + resultat.modifiees
    if enregistrees:
        debut = pluriel(enregistrees, "ligne enregistrée", "lignes enregistrées")
    else:
        debut = "Saisie enregistrée"
    return f"{debut} : {', '.join(parties)}." if parties else f"{debut}."


# --- views ----------------------------------------------------------------------------------------


@utilisateur_ou_404("peut_declarer")
def choisir(request):
    """The clauses the user declares on, searchable; `?clause=&mois=` (the former chooser) opens the grid."""
    user = request.user
    choix = None
    if "clause" in request.GET:
        choix = ChoixSaisieForm(request.GET, clauses=clauses_pour_saisie(user=user))
        if choix.is_valid():
            return redirect(_url_grille(choix.cleaned_data["clause"], choix.cleaned_data["mois"]))
    recherche = RechercheSaisieForm(request.GET)
    valide = recherche.is_valid()
    criteres = recherche.cleaned_data if valide else {}
    ce_mois = mois_courant()
    mois = (criteres.get("mois") if valide else None) or mois_precedent(ce_mois)
    clauses = clauses_a_choisir(
        user=user, recherche=criteres.get("q", ""), avec_hors_execution=criteres.get("termines", False)
    )
    table = ClauseASaisirTable(
        clauses if valide else clauses.none(),
        caption=f"Marchés et lots à saisir — {user.perimetre}",
        mois=mois,
        ce_mois=ce_mois,
    )
    if criteres.get("q") or criteres.get("termines"):
        table.empty_text = "Aucun marché ne correspond à cette recherche."
    PaginationTable(request, paginate={"per_page": CLAUSES_PAR_PAGE}).configure(table)
    return render(
        request,
        "saisie/choisir.html",
        {"recherche": recherche, "choix": choix, "table": table, "libelle_mois": libelle_mois(mois)},
    )


def _annee_cloturee(mois_date) -> str:
    """The refusal when the month's year is closed (its grid is read-only), or ""."""
    return messages_annees_cloturees([mois_date.year]).get(mois_date.year, "")


def _vers_la_grille_cloturee(request, clause, mois_date):
    """No one is added to the grid of a closed year: back to the grid, with the reason; None otherwise."""
    if refus := _annee_cloturee(mois_date):
        messages.error(request, refus)
        return redirect(_url_grille(clause, mois_date))
    return None


@utilisateur_ou_404("peut_declarer")
def grille(request, clause_pk, mois):
    user = request.user
    clause = get_clause_for_user(user=user, pk=clause_pk)
    mois_date = _mois_ou_404(mois)
    if mois != code_mois(mois_date):
        return redirect(_url_grille(clause, mois_date))

    rangees = rangees_de_la_grille(clause=clause, mois=mois_date)
    # A month of a closed year is shown read-only, with the reason.
    annee_cloturee = _annee_cloturee(mois_date)
    modifiables = [
        r
        for r in rangees
        if r.mois == mois_date
        and not annee_cloturee
        and not regles.ligne_verrouillee(statut=r.statut, user=user)
    ]
    retenues = _uuids(_personnes_retenues(request, clause))
    personnes = personnes_proposees(user=user, clause=clause, public_ids=retenues)
    en_attente = attente.personnes_en_attente(request, clause=clause, mois=mois_date)
    if en_attente:
        deja = {str(p.public_id) for p in personnes}
        provisoires = [attente.fiche_provisoire(p) for i, p in en_attente.items() if i not in deja]
        personnes = sorted(personnes + provisoires, key=lambda p: (p.nom, p.prenom, p.date_naissance))
    if request.method == "GET":
        journaliser(
            user=user,
            action=ActionAcces.PROPOSITION,
            nombre_personnes=sum(1 for p in personnes if p.pk is not None),
            detail=f"{clause.lot.marche.libelle}, lot {clause.lot.numero}, {libelle_mois(mois_date)}",
        )

    titulaire = clause.lot.titulaire
    entreprises = {r.employeur.siret: r.employeur for r in rangees if r.employeur.siret}
    if titulaire and titulaire.siret:
        entreprises.setdefault(titulaire.siret, titulaire)
    suggestions = sorted(entreprises.values(), key=lambda e: e.raison_sociale)
    contexte = ContexteGrille(
        clause=clause,
        mois=mois_date,
        personnes=personnes,
        rangees={r.pk: r for r in modifiables},
        entreprises=dict(entreprises),
    )
    page = page_de_la_grille(
        user=user,
        mois=mois_date,
        rangees=rangees,
        personnes=personnes,
        demandees=_uuids(request.GET.getlist("personne")),
        siret_titulaire=titulaire.siret if titulaire and titulaire.siret else "",
        recherche=request.GET.get("q", ""),
        numero=request.GET.get("page", 1),
        lecture_seule=bool(annee_cloturee),
    )
    ici = _parametres_de_page(page)
    if request.method == "POST" and annee_cloturee:
        messages.error(request, annee_cloturee)
        return redirect(_url_grille(clause, mois_date, **ici))

    erreurs_generales, confirmation_requise = [], False
    if request.method == "POST":
        sirets = GrilleFormSet.sirets_postes(request.POST, PREFIXE) - set(contexte.entreprises)
        if sirets:
            contexte.entreprises |= entreprises_par_siret(sirets)
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
                return redirect(_url_grille(clause, mois_date, **ici))
            try:
                resultat = enregistrer_grille(
                    user=user,
                    lignes=[f.ligne for f in a_enregistrer],
                    suppressions=suppressions,
                    nouvelles=en_attente,
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
                enregistrees = {str(f.ligne.beneficiaire.public_id) for f in a_enregistrer}
                attente.oublier(request, clause=clause, mois=mois_date, public_ids=enregistrees)
                messages.success(request, _message_resultat(resultat))
                if nouveaux := [e for e in contexte.nouveaux_employeurs.values() if e.pk is not None]:
                    messages.info(
                        request,
                        (
                            "Nouvel employeur enregistré"
                            if len(nouveaux) == 1
                            else "Nouveaux employeurs enregistrés"
                        )
                        + ", à vérifier par le Département : "
                        + ", ".join(f"{e.raison_sociale} (SIRET {e.siret})" for e in nouveaux)
                        + ".",
                    )
                for alerte in resultat.alertes:
                    messages.warning(request, f"Dépassement confirmé : {alerte}")
                return redirect(_url_grille(clause, mois_date, **ici))
    else:
        formset = GrilleFormSet(initial=page.initial, contexte=contexte, prefix=PREFIXE)

    lignes_en_erreur = sum(1 for f in formset.forms if f.errors) if formset.is_bound else 0
    marche = clause.lot.marche
    precedent, suivant = mois_precedent(mois_date), mois_suivant(mois_date)
    dernier_mois_possible = min(premier_jour(marche.date_fin), mois_courant())
    return render(
        request,
        "saisie/grille.html",
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
            "verrouillees": page.verrouillees,
            "annee_cloturee": annee_cloturee,
            "page": page,
            "url_pages": _url_grille(clause, mois_date, **({"q": page.recherche} if page.recherche else {})),
            "url_envoi": _url_grille(clause, mois_date, **ici),
            "formset": formset,
            "suggestions": suggestions,
            "erreurs_generales": erreurs_generales,
            "lignes_en_erreur": lignes_en_erreur,
            "confirmation_requise": confirmation_requise,
            "confirmation": ConfirmationForm(),
            "url_personne": reverse("saisie:personne", args=[clause.pk, code_mois(mois_date)]),
            "statut_rejetees": Statut.REJETEES,
            "statut_validees": Statut.VALIDEES,
        },
    )


def _detail_grille(clause) -> str:
    return f"ajout à la grille de saisie ({clause.lot.marche.libelle}, lot {clause.lot.numero})"


def _reprendre(request, *, clause, mois, personne, message: str):
    """Adds a known person to the grid (nothing is written but the access log) and shows the grid on them."""
    journaliser(
        user=request.user,
        action=ActionAcces.IDENTIFICATION,
        beneficiaire=personne,
        detail=_detail_grille(clause),
    )
    _retenir_personne(request, clause, personne)
    messages.info(request, f"{personne} (né·e le {personne.date_naissance:%d/%m/%Y}) {message}")
    return redirect(_url_grille(clause, mois, personne=str(personne.public_id)))


def _rechercher(request, *, clause) -> dict:
    """The search for a known person of the add page (GET), logged when it returns people."""
    if not ({"q", "annee"} & set(request.GET)):
        return {"recherche": RecherchePersonneForm()}
    recherche = RecherchePersonneForm(request.GET)
    if not recherche.is_valid():
        return {"recherche": recherche}
    criteres = recherche.cleaned_data
    trouvees, d_autres = rechercher_personnes(user=request.user, texte=criteres["q"], annee=criteres["annee"])
    termes = " ".join(filter(None, [criteres["q"], criteres["annee"] and f"né·e en {criteres['annee']}"]))
    journaliser(
        user=request.user,
        action=ActionAcces.RECHERCHE,
        nombre_personnes=len(trouvees),
        detail=f"{termes} — {_detail_grille(clause)}",
    )
    return {"recherche": recherche, "trouvees": trouvees, "d_autres": d_autres, "recherche_faite": True}


@utilisateur_ou_404("peut_declarer")
def ajouter_personne(request, clause_pk, mois):
    user = request.user
    clause = get_clause_for_user(user=user, pk=clause_pk)
    mois_date = _mois_ou_404(mois)
    if refus := _vers_la_grille_cloturee(request, clause, mois_date):
        return refus
    form = PersonneForm(request.POST or None, mois=mois_date)
    proches = []
    if request.method == "POST" and form.is_valid():
        donnees = form.donnees_personne()
        identite = {
            "nom": donnees["nom"],
            "prenom": donnees["prenom"],
            "date_naissance": donnees["date_naissance"],
        }
        # Looked up in the user's scope only; a new person is written with the grid, not now.
        connue = personne_connue(user=user, **identite)
        if connue is not None:
            message = "est déjà connu·e du portail : sa fiche existante est reprise, sans modification. "
            return _reprendre(
                request,
                clause=clause,
                mois=mois_date,
                personne=connue,
                message=f"{message}Saisissez ses heures ci-dessous.",
            )
        if not form.autre_personne_confirmee():
            proches = personnes_proches(user=user, **identite)
        if proches:
            journaliser(
                user=user,
                action=ActionAcces.IDENTIFICATION,
                beneficiaire=proches[0] if len(proches) == 1 else None,
                nombre_personnes=len(proches),
                detail=f"personnes proches proposées avant une création — {_detail_grille(clause)}",
            )
        else:
            nouvelle = attente.mettre_en_attente(request, clause=clause, mois=mois_date, donnees=donnees)
            messages.success(
                request,
                f"{attente.fiche_provisoire(nouvelle)} (né·e le {nouvelle.date_naissance:%d/%m/%Y}) est ajouté·e "
                "à la grille : saisissez ses heures ci-dessous. Sa fiche sera créée à l'enregistrement de la grille.",
            )
            return redirect(_url_grille(clause, mois_date, personne=str(nouvelle.public_id)))
    return render(
        request,
        "saisie/personne.html",
        {
            "clause": clause,
            "lot": clause.lot,
            "marche": clause.lot.marche,
            "libelle_mois": libelle_mois(mois_date),
            "url_grille": _url_grille(clause, mois_date),
            "url_reprendre": reverse("saisie:reprendre", args=[clause.pk, code_mois(mois_date)]),
            "form": form,
            "proches": proches,
            "cle_a_confirmer": form.cle_identite() if proches else "",
            **(
                _rechercher(request, clause=clause)
                if request.method == "GET"
                else {"recherche": RecherchePersonneForm()}
            ),
        },
    )


@utilisateur_ou_404("peut_declarer")
def reprendre_personne(request, clause_pk, mois):
    """A known person (found by the search, or close to a new one) added to the grid: a POST."""
    user = request.user
    clause = get_clause_for_user(user=user, pk=clause_pk)
    mois_date = _mois_ou_404(mois)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if refus := _vers_la_grille_cloturee(request, clause, mois_date):
        return refus
    personne = get_personne_a_reprendre_for_user(user=user, public_id=request.POST.get("personne", ""))
    return _reprendre(
        request,
        clause=clause,
        mois=mois_date,
        personne=personne,
        message="est ajouté·e à la grille avec sa fiche existante : saisissez ses heures ci-dessous.",
    )
