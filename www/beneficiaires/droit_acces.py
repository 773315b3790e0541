"""Right of access (RGPD art. 15): everything the portal holds on one person, as plain data shared by the
printable page and the JSON download."""

import datetime
import json
from decimal import Decimal

from django.utils import timezone

from beneficiaires import selectors
from beneficiaires.models import Beneficiaire
from insertion.selectors import heures_du_beneficiaire


def _identite(b: Beneficiaire) -> dict:
    anonyme = b.est_anonymise
    return {
        "identifiant": str(b.public_id),
        "anonymisee_le": b.anonymise_le,
        "nom": None if anonyme else b.nom,
        "prenom": None if anonyme else b.prenom,
        "date_naissance": None if anonyme else b.date_naissance,
        "annee_naissance": b.date_naissance.year,
        "sexe": b.get_sexe_display(),
        "commune": f"{b.commune.nom} ({b.commune.code_insee})" if b.commune else None,
        "niveau_qualification": b.get_niveau_qualification_display() or None,
        "date_entree": b.date_entree,
        "referent": b.get_referent_display() or None,
        "referent_precision": b.referent_precision or None,
        "cree_par_epci": b.cree_par_epci.nom if b.cree_par_epci else None,
        "cree_le": b.cree_le,
        "modifie_le": b.modifie_le,
    }


def _auteur(user) -> str | None:
    return (user.get_full_name() or user.get_username()) if user is not None else None


def dossier(*, user, beneficiaire: Beneficiaire) -> dict:
    """The person's whole record: identity, publics with their periods, hours, outcomes, history of the record
    and the access-log entries about them. A fixed number of queries."""
    heures = heures_du_beneficiaire(user=user, beneficiaire=beneficiaire).select_related(
        "clause__lot__marche"
    )
    return {
        "edite_le": timezone.now(),
        "edite_par": user.get_username(),
        "personne": _identite(beneficiaire),
        "publics": [
            {
                "public": p.eligibilite.public.libelle,
                "code": p.eligibilite.public.code,
                "debut": p.eligibilite.date_debut,
                "fin": p.eligibilite.date_fin,
                "en_cours": p.en_cours,
                "verification": p.eligibilite.get_verification_display(),
                "verifiee_par": _auteur(p.eligibilite.verifiee_par),
                "verifiee_le": p.eligibilite.verifiee_le,
                "justificatif_vu": p.eligibilite.justificatif or None,
                "motif_refus": p.eligibilite.motif_refus or None,
            }
            for p in selectors.publics_du_beneficiaire(beneficiaire=beneficiaire)
        ],
        "heures": [
            {
                "mois": h.mois,
                "marche": h.clause.lot.marche.reference,
                "objet": h.clause.lot.marche.objet,
                "lot": h.clause.lot.numero,
                "employeur": h.employeur.raison_sociale,
                "siret_employeur": h.employeur.siret or None,
                "modalite": h.get_modalite_display(),
                "type_contrat": h.get_type_contrat_display(),
                "heures": h.heures,
                "statut": h.get_statut_display(),
                "motif_rejet": h.motif_rejet or None,
            }
            for h in heures
        ],
        "sorties": [
            {"date": s.date, "categorie": s.get_categorie_display(), "detail": s.detail or None}
            for s in selectors.sorties_du_beneficiaire(beneficiaire=beneficiaire)
        ],
        "historique": [
            {
                "date": e.date,
                "auteur": e.auteur,
                "action": e.action,
                "modifications": [
                    {"champ": m.champ, "avant": m.avant, "apres": m.apres} for m in e.modifications
                ],
            }
            for e in selectors.historique_du_beneficiaire(beneficiaire=beneficiaire, taille=None)
        ],
        "acces": [
            {
                "horodatage": a.horodatage,
                "utilisateur": a.nom_utilisateur or None,
                "action": a.get_action_display(),
                "detail": a.detail or None,
            }
            for a in selectors.acces_du_beneficiaire(beneficiaire=beneficiaire)
        ],
    }


def _valeur_json(valeur):
    if isinstance(valeur, datetime.datetime):
        return timezone.localtime(valeur).isoformat()
    if isinstance(valeur, datetime.date):
        return valeur.isoformat()
    if isinstance(valeur, Decimal):
        return float(valeur)
    raise TypeError(f"{type(valeur).__name__} n'est pas sérialisable en JSON")


def en_json(contenu: dict) -> str:
    return json.dumps(contenu, default=_valeur_json, ensure_ascii=False, indent=2)
