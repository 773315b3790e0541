"""What every hostile request must respect: no server error, a French page, no invalid row written."""

import re
import traceback
from decimal import Decimal

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db.models import Min, Sum

from beneficiaires.regles import erreur_age_nouvelle_personne
from insertion.regles import SEUIL_MAX_HEURES_MOIS, erreur_mois_declarable
from portail.periodes import mois_courant
from tests.hostile import bilan
from tests.hostile.formulaires import textes_d_erreur

# Django's default English texts, which a French portal must never show.
ANGLAIS = [
    "Bad Request",
    "Server Error",
    "Not Found",
    "Forbidden",
    "Method Not Allowed",
    "CSRF verification failed",
    "This field is required",
    "Enter a valid",
    "Ensure this value",
    "Select a valid choice",
    "is not a valid",
    "is not one of the available choices",
    "The requested resource",
    "Page not found",
    "Traceback",
]
MOTS_ANGLAIS = re.compile(r"\b(the|this|field|enter|please|must|required|ensure|invalid|choice)\b", re.I)

APPS_DU_DOMAINE = ("territoires", "comptes", "marches", "beneficiaires", "insertion")


def demander(client, methode: str, url: str, **options):
    """The response, or the exception a view let escape (the test client re-raises it: a 500 in production)."""
    bilan.requete()
    try:
        return getattr(client, methode)(url, **options), None
    except Exception as exc:
        return None, exc


def verifier_reponse(reponse, exc, *, quoi: str):
    """No server error; a 4xx HTML page is the portal's French page; error messages are French."""
    if exc is not None:
        bilan.erreur_serveur(f"{quoi} : {exc!r}")
        pile = "".join(traceback.format_exception(exc)[-6:])
        raise AssertionError(f"Erreur serveur sur {quoi} : {exc!r}\n{pile}") from exc
    statut = reponse.status_code
    if statut >= 500:
        bilan.erreur_serveur(f"{quoi} : {statut}")
        raise AssertionError(f"Erreur serveur {statut} sur {quoi}")
    if not reponse.get("Content-Type", "").startswith("text/html") or getattr(reponse, "streaming", False):
        return
    html = reponse.content.decode("utf-8", errors="replace")
    if 400 <= statut < 500 and html.strip():
        assert 'lang="fr"' in html, f"{quoi} : page {statut} qui n'est pas la page française du portail"
    anglais = [texte for texte in ANGLAIS if texte in html]
    assert not anglais, f"{quoi} : texte anglais de Django dans la page {statut} : {anglais}"
    for erreur in textes_d_erreur(html):
        assert not MOTS_ANGLAIS.search(erreur), f"{quoi} : message d'erreur en anglais : « {erreur} »"


# --- rows ---------------------------------------------------------------------------------------------------


def modeles_du_domaine():
    return [
        modele
        for nom in APPS_DU_DOMAINE
        for modele in apps.get_app_config(nom).get_models()
        if not modele.__name__.startswith("Historical")
    ]


def photo() -> dict:
    """Every row of the domain models, by model and pk: their values, to tell what a request changed."""
    return {
        modele: {ligne["pk"]: ligne for ligne in modele._default_manager.values("pk", *_champs(modele))}
        for modele in modeles_du_domaine()
    }


def _champs(modele):
    return [f.attname for f in modele._meta.concrete_fields if not f.primary_key]


def lignes_changees(avant: dict) -> list:
    """The rows created or modified since `avant`, as model instances."""
    changees = []
    for modele, lignes in photo().items():
        anciennes = avant.get(modele, {})
        pks = [pk for pk, valeurs in lignes.items() if anciennes.get(pk) != valeurs]
        changees += list(modele._default_manager.filter(pk__in=pks))
    return changees


def defauts_d_une_ligne(objet) -> list[str]:
    """What is wrong with a row written by a request: its full_clean, plus the entry rules of hours."""
    defauts = []
    try:
        objet.full_clean()
    except ValidationError as erreur:
        defauts.append(f"full_clean : {erreur.message_dict if hasattr(erreur, 'error_dict') else erreur}")
    nom = type(objet).__name__
    if nom == "HeuresRealisees":
        marche = objet.clause.lot.marche
        if message := erreur_mois_declarable(marche=marche, mois=objet.mois, ce_mois=mois_courant()):
            defauts.append(message)
        total = type(objet)._default_manager.filter(
            beneficiaire=objet.beneficiaire, mois=objet.mois
        ).aggregate(total=Sum("heures"))["total"] or Decimal(0)
        if total > SEUIL_MAX_HEURES_MOIS:
            defauts.append(f"{total} h dans le mois pour une personne (plus de {SEUIL_MAX_HEURES_MOIS} h)")
    if nom == "Marche" and objet.date_debut and objet.date_fin and objet.date_fin < objet.date_debut:
        defauts.append("date de fin avant la date de début")
    return defauts


def defauts_des_personnes_nouvelles(nouvelles) -> list[str]:
    """A person created by a request is 16 to 75 years old on the last day of their first month worked."""
    defauts = []
    for personne in nouvelles:
        premier = personne.heures.aggregate(premier=Min("mois"))["premier"]
        if premier and (
            message := erreur_age_nouvelle_personne(date_naissance=personne.date_naissance, mois=premier)
        ):
            defauts.append(f"{personne} : {message}")
    return defauts


def verifier_lignes(avant: dict, *, quoi: str):
    changees = lignes_changees(avant)
    nouvelles_personnes = [
        o for o in changees if type(o).__name__ == "Beneficiaire" and o.pk not in avant.get(type(o), {})
    ]
    defauts = [f"{type(o).__name__} {o.pk} : {d}" for o in changees for d in defauts_d_une_ligne(o)]
    defauts += defauts_des_personnes_nouvelles(nouvelles_personnes)
    bilan.lignes_verifiees(changees)
    if defauts:
        bilan.lignes_invalides(len(defauts))
        raise AssertionError(f"Ligne(s) invalide(s) écrite(s) par {quoi} :\n" + "\n".join(defauts))
