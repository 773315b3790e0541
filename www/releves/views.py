"""Monthly statement import: the upload page, its confirmation step and the template downloads."""

import base64
import hashlib

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods, require_safe

from insertion.regles import SEUIL_ALERTE_HEURES_MOIS, SEUIL_MAX_HEURES_MOIS
from insertion.releves.colonnes import COLONNES, valeurs_autorisees
from insertion.releves.importation import ResultatImport, importer_releve
from insertion.releves.lecture import lire_releve
from insertion.releves.modele import modele_csv, modele_xlsx
from portail.acces import utilisateur_ou_404
from www.releves.forms import ConfirmationReleveForm, ReleveForm

# The file waiting for the clerk's confirmation of monthly totals above the alert threshold.
CLE_SESSION = "import_releve_a_confirmer"
ERREURS_AFFICHEES_MAX = 500

TYPES_MODELE = {
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", modele_xlsx),
    "csv": ("text/csv; charset=utf-8", modele_csv),
}


@utilisateur_ou_404("peut_declarer")
@require_safe
def modele(request, format):
    if format not in TYPES_MODELE:
        raise Http404
    type_contenu, generer = TYPES_MODELE[format]
    reponse = HttpResponse(generer(), content_type=type_contenu)
    reponse["Content-Disposition"] = f'attachment; filename="modele-releve-heures.{format}"'
    return reponse


def _deposer(request) -> dict:
    """First step: read and check the uploaded file; import it unless a monthly total needs a confirmation."""
    request.session.pop(CLE_SESSION, None)
    formulaire = ReleveForm(request.POST, request.FILES)
    if not formulaire.is_valid():
        return {"formulaire": formulaire}
    resultat = importer_releve(user=request.user, releve=formulaire.releve)
    contexte = {"resultat": resultat, "nom_fichier": formulaire.nom}
    if resultat.confirmation_requise:
        # Kept in the session so that the clerk confirms without picking the file again.
        empreinte = hashlib.sha256(formulaire.contenu).hexdigest()
        request.session[CLE_SESSION] = {
            "nom": formulaire.nom,
            "contenu": base64.b64encode(formulaire.contenu).decode("ascii"),
            "empreinte": empreinte,
            "alertes": resultat.alertes,
            "lignes": resultat.lignes,
        }
        contexte["confirmation"] = ConfirmationReleveForm(initial={"empreinte": empreinte})
    elif not resultat.ecrit:
        contexte["formulaire"] = formulaire
    return contexte


def _confirmer(request) -> dict:
    """Second step: the clerk confirmed the totals above the alert threshold; the file is checked again."""
    en_attente = request.session.get(CLE_SESSION)
    if en_attente is None or en_attente["empreinte"] != request.POST.get("empreinte"):
        messages.error(request, "Le fichier à confirmer n'est plus disponible : déposez-le de nouveau.")
        return {}
    confirmation = ConfirmationReleveForm(request.POST)
    if not confirmation.is_valid():
        resultat = ResultatImport(
            lignes=en_attente["lignes"], alertes=en_attente["alertes"], confirmation_requise=True
        )
        return {"resultat": resultat, "confirmation": confirmation, "nom_fichier": en_attente["nom"]}
    del request.session[CLE_SESSION]
    releve = lire_releve(nom=en_attente["nom"], contenu=base64.b64decode(en_attente["contenu"]))
    resultat = importer_releve(user=request.user, releve=releve, confirmer_depassement=True)
    return {"resultat": resultat, "nom_fichier": en_attente["nom"]}


@utilisateur_ou_404("peut_declarer")
@require_http_methods(["GET", "POST"])
def importer(request):
    contexte = {"formulaire": ReleveForm(), "confirmation": None, "resultat": None, "nom_fichier": ""}
    if request.method == "POST":
        contexte |= _confirmer(request) if "empreinte" in request.POST else _deposer(request)
    erreurs = contexte["resultat"].erreurs if contexte["resultat"] else []
    contexte |= {
        "erreurs": erreurs[:ERREURS_AFFICHEES_MAX],
        "erreurs_masquees": max(0, len(erreurs) - ERREURS_AFFICHEES_MAX),
        "colonnes": COLONNES,
        "valeurs_autorisees": valeurs_autorisees(),
        "seuil_alerte": SEUIL_ALERTE_HEURES_MOIS,
        "seuil_max": SEUIL_MAX_HEURES_MOIS,
    }
    return render(request, "releves/importer.html", contexte)
