"""Monthly statement import: the upload page, its confirmation step and the template downloads."""

import uuid

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods, require_safe

from beneficiaires.enums import ActionAcces
from beneficiaires.journal import journaliser
from insertion.regles import MESSAGE_PLAFONDS_MENSUELS, MESSAGE_RELEVE_INDISPONIBLE
from insertion.releves.colonnes import COLONNES, valeurs_autorisees
from insertion.releves.importation import ResultatImport, importer_releve
from insertion.releves.lecture import LIGNES_MAX, lire_releve
from insertion.releves.modele import lignes_pre_remplies, modele_csv, modele_xlsx
from insertion.selectors import rangees_du_modele_de_releve, releve_en_attente
from insertion.services import (
    abandonner_releves_en_attente,
    mettre_releve_en_attente,
    prendre_releve_en_attente,
)
from portail.acces import utilisateur_ou_404
from portail.periodes import libelle_mois, mois_courant, mois_precedent
from www.releves.forms import ConfirmationReleveForm, ReleveForm

ERREURS_AFFICHEES_MAX = 500

TYPES_MODELE = {
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", modele_xlsx),
    "csv": ("text/csv; charset=utf-8", modele_csv),
}


@utilisateur_ou_404("peut_declarer")
@require_safe
def modele(request, format):
    """The template, pre-filled with last month's rows of the user's contracts in execution: personal data,
    so the download is recorded in the access log."""
    if format not in TYPES_MODELE:
        raise Http404
    type_contenu, generer = TYPES_MODELE[format]
    mois = mois_precedent(mois_courant())
    rangees = rangees_du_modele_de_releve(user=request.user, mois=mois, limite=LIGNES_MAX)
    journaliser(
        user=request.user,
        action=ActionAcces.EXPORT,
        nombre_personnes=len({rangee.beneficiaire_id for rangee in rangees}),
        detail=f"modèle de relevé pré-rempli ({format}), {libelle_mois(mois)}",
    )
    reponse = HttpResponse(generer(lignes_pre_remplies(rangees)), content_type=type_contenu)
    reponse["Content-Disposition"] = f'attachment; filename="modele-releve-heures.{format}"'
    return reponse


def _deposer(request) -> dict:
    """First step: read and check the uploaded file; import it unless a monthly total needs a confirmation."""
    abandonner_releves_en_attente(user=request.user)
    formulaire = ReleveForm(request.POST, request.FILES)
    if not formulaire.is_valid():
        return {"formulaire": formulaire}
    resultat = importer_releve(user=request.user, releve=formulaire.releve)
    contexte = {"resultat": resultat, "nom_fichier": formulaire.nom}
    if resultat.confirmation_requise:
        # Kept in the database so that the clerk confirms without picking the file again.
        en_attente = mettre_releve_en_attente(
            user=request.user,
            nom=formulaire.nom,
            contenu=formulaire.contenu,
            lignes=resultat.lignes,
            alertes=resultat.alertes,
        )
        contexte["confirmation"] = ConfirmationReleveForm(
            initial={"jeton": en_attente.jeton, "empreinte": en_attente.empreinte}
        )
    elif not resultat.ecrit:
        contexte["formulaire"] = formulaire
    return contexte


def _jeton(brut) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(brut))
    except ValueError:
        return None


def _confirmer(request) -> dict:
    """Second step: the clerk confirmed the totals above the alert threshold; the file is checked again."""
    jeton, empreinte = _jeton(request.POST.get("jeton")), request.POST.get("empreinte", "")
    confirmation = ConfirmationReleveForm(request.POST)
    if jeton is not None and not confirmation.is_valid():
        en_attente = releve_en_attente(user=request.user, jeton=jeton, empreinte=empreinte)
        if en_attente is not None:
            resultat = ResultatImport(
                lignes=en_attente.lignes, alertes=en_attente.alertes, confirmation_requise=True
            )
            return {"resultat": resultat, "confirmation": confirmation, "nom_fichier": en_attente.nom}
    en_attente = (
        prendre_releve_en_attente(user=request.user, jeton=jeton, empreinte=empreinte)
        if jeton is not None and confirmation.is_valid()
        else None
    )
    if en_attente is None:
        messages.error(request, MESSAGE_RELEVE_INDISPONIBLE)
        return {}
    releve = lire_releve(nom=en_attente.nom, contenu=bytes(en_attente.contenu))
    resultat = importer_releve(user=request.user, releve=releve, confirmer_depassement=True)
    return {"resultat": resultat, "nom_fichier": en_attente.nom}


@utilisateur_ou_404("peut_declarer")
@require_http_methods(["GET", "POST"])
def importer(request):
    contexte = {"formulaire": ReleveForm(), "confirmation": None, "resultat": None, "nom_fichier": ""}
    if request.method == "POST":
        contexte |= _confirmer(request) if "jeton" in request.POST else _deposer(request)
    erreurs = contexte["resultat"].erreurs if contexte["resultat"] else []
    contexte |= {
        "erreurs": erreurs[:ERREURS_AFFICHEES_MAX],
        "erreurs_masquees": max(0, len(erreurs) - ERREURS_AFFICHEES_MAX),
        "colonnes": COLONNES,
        "valeurs_autorisees": valeurs_autorisees(),
        "plafonds_mensuels": MESSAGE_PLAFONDS_MENSUELS,
    }
    return render(request, "releves/importer.html", contexte)
