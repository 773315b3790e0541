"""Writes on contracts by Département staff: a contract with its lots, buyer and holders; closing; the follow-up log.

Every function takes keyword-only arguments and writes in one transaction; every change of a contract, a lot or a
company goes in its history with the author and a reason. The clauses are written by insertion.services, which
calls `enregistrer_marche` inside its own transaction.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from marches import regles
from marches.enums import EtapeSuivi, TypeIdentifiant
from marches.models import Acheteur, Entreprise, EvenementSuivi, Lot, Marche
from marches.selectors import reference_prise
from marches.siret import normaliser_siret, siret_valide

CHAMPS_MARCHE = (
    "reference",
    "objet",
    "nature",
    "montant_ht",
    "date_notification",
    "date_debut",
    "date_fin",
    "epci",
    "clause_sociale",
    "critere_social",
    "marche_reserve",
)
CHAMPS_LOT = ("numero", "intitule", "montant_ht", "titulaire")
# A lot number out of the way while lots swap numbers (unique per contract at every write).
NUMERO_TEMPORAIRE = 32767


@dataclass(frozen=True)
class NouvelAcheteur:
    siret: str
    nom: str
    type: str
    epci: object = None  # territoires.Epci, the contract's when given


@dataclass(frozen=True)
class NouvelleEntreprise:
    siret: str
    raison_sociale: str
    type_structure: str


@dataclass(frozen=True)
class LotSaisi:
    numero: int
    intitule: str
    montant_ht: Decimal
    titulaire: Entreprise | NouvelleEntreprise | None = None
    lot: Lot | None = None  # the lot changed; None for a new one


class MarcheInvalide(Exception):
    """Refused input: `erreurs` maps a field name ("reference", "lots", "acheteur"…) to its French messages."""

    def __init__(self, erreurs: dict[str, list[str]]):
        super().__init__("; ".join(m for messages in erreurs.values() for m in messages))
        self.erreurs = erreurs


def _verifier_departement(user) -> None:
    if not (user.is_authenticated and user.voit_tout):
        raise PermissionDenied("Seul le Département crée et modifie les marchés.")


def _historiser(objet, *, user, raison: str):
    objet._history_user = user
    objet._change_reason = raison
    return objet


def _erreurs(*, marche, acheteur, valeurs, lots) -> dict[str, list[str]]:
    erreurs: dict[str, list[str]] = {}
    if message := regles.erreur_periode(debut=valeurs.get("date_debut"), fin=valeurs.get("date_fin")):
        erreurs["date_fin"] = [message]
    if Decimal(valeurs.get("montant_ht") or 0) < 0 or any(Decimal(lot.montant_ht) < 0 for lot in lots):
        erreurs["montant_ht"] = [regles.MESSAGE_MONTANT_NEGATIF]
    if not lots:
        erreurs["lots"] = [regles.MESSAGE_SANS_LOT]
    if doubles := regles.numeros_en_double(lot.numero for lot in lots):
        erreurs["lots"] = [regles.MESSAGE_LOT_EN_DOUBLE.format(numero=n) for n in doubles]
    if isinstance(acheteur, NouvelAcheteur):
        if not siret_valide(normaliser_siret(acheteur.siret)):
            erreurs["acheteur"] = ["Le SIRET de l'acheteur n'est pas valide."]
        elif Acheteur.objects.filter(siret=normaliser_siret(acheteur.siret)).exists():
            erreurs["acheteur"] = [regles.MESSAGE_ACHETEUR_EXISTANT]
    elif reference_prise(acheteur=acheteur, reference=valeurs.get("reference", ""), sauf=marche):
        erreurs["reference"] = [regles.MESSAGE_REFERENCE_EN_DOUBLE]
    for lot in lots:
        if isinstance(lot.titulaire, NouvelleEntreprise) and not siret_valide(lot.titulaire.siret):
            erreurs.setdefault("lots", []).append(
                f"Le SIRET du titulaire du lot {lot.numero} n'est pas valide."
            )
    return erreurs


def _entreprise(nouvelle: NouvelleEntreprise, *, user, creees: dict) -> Entreprise:
    """The company of this SIRET: created once per submission (two lots may name the same new holder)."""
    siret = normaliser_siret(nouvelle.siret)
    if siret not in creees:
        existante = Entreprise.objects.filter(siret=siret).first()
        creees[siret] = existante or _historiser(
            Entreprise(
                type_identifiant=TypeIdentifiant.SIRET,
                siret=siret,
                raison_sociale=nouvelle.raison_sociale.strip(),
                type_structure=nouvelle.type_structure,
                cree_par=user,
            ),
            user=user,
            raison="création depuis la fiche d'un marché",
        )
        if existante is None:
            creees[siret].save()
    return creees[siret]


def _enregistrer_lots(*, user, marche: Marche, lots: list[LotSaisi]) -> list[Lot]:
    creees: dict[str, Entreprise] = {}
    renumerotes = [s.lot for s in lots if s.lot is not None and s.lot.numero != s.numero]
    for decalage, lot in enumerate(renumerotes):
        Lot.objects.filter(pk=lot.pk).update(numero=NUMERO_TEMPORAIRE - decalage)
    resultat = []
    for saisi in lots:
        titulaire = saisi.titulaire
        if isinstance(titulaire, NouvelleEntreprise):
            titulaire = _entreprise(titulaire, user=user, creees=creees)
        lot = saisi.lot or Lot(marche=marche)
        valeurs = {
            "numero": saisi.numero,
            "intitule": saisi.intitule.strip(),
            "montant_ht": saisi.montant_ht,
            "titulaire": titulaire,
        }
        change = lot.pk is None or lot in renumerotes or any(getattr(lot, c) != v for c, v in valeurs.items())
        for champ, valeur in valeurs.items():
            setattr(lot, champ, valeur)
        if change:
            raison = "création depuis le portail" if lot.pk is None else "modification depuis le portail"
            _historiser(lot, user=user, raison=raison).save()
        resultat.append(lot)
    return resultat


def enregistrer_marche(
    *, user, marche: Marche | None, acheteur: Acheteur | NouvelAcheteur, valeurs: dict, lots: list[LotSaisi]
) -> tuple[Marche, list[Lot]]:
    """Creates (`marche` None) or changes a contract and its lots; a new buyer or holder is created with it.

    The EPCI defaults to the buyer's. Raises MarcheInvalide with every message found, before writing anything.
    """
    _verifier_departement(user)
    if erreurs := _erreurs(marche=marche, acheteur=acheteur, valeurs=valeurs, lots=lots):
        raise MarcheInvalide(erreurs)
    creation = marche is None
    try:
        with transaction.atomic():
            if isinstance(acheteur, NouvelAcheteur):
                acheteur = Acheteur.objects.create(
                    siret=normaliser_siret(acheteur.siret),
                    nom=acheteur.nom.strip(),
                    type=acheteur.type,
                    epci=acheteur.epci,
                )
            marche = marche or Marche()
            marche.acheteur = acheteur
            for champ in CHAMPS_MARCHE:
                if champ in valeurs:
                    setattr(marche, champ, valeurs[champ])
            marche.reference = marche.reference.strip()
            if marche.epci_id is None:
                marche.epci_id = acheteur.epci_id
            raison = "création depuis le portail" if creation else "modification depuis le portail"
            _historiser(marche, user=user, raison=raison).save()
            enregistres = _enregistrer_lots(user=user, marche=marche, lots=lots)
    except IntegrityError as exc:
        # Another user wrote the same reference or lot number meanwhile: the constraint answers.
        if reference_prise(acheteur=acheteur, reference=valeurs.get("reference", ""), sauf=marche):
            raise MarcheInvalide({"reference": [regles.MESSAGE_REFERENCE_EN_DOUBLE]}) from exc
        raise MarcheInvalide({"lots": [regles.MESSAGE_LOT_DEJA_PRIS]}) from exc
    return marche, enregistres


# --- closing and the follow-up log -------------------------------------------------------------------


def ajouter_evenement_suivi(
    *, user, marche: Marche, date: datetime.date, etape: str, commentaire: str = ""
) -> EvenementSuivi:
    _verifier_departement(user)
    commentaire = (commentaire or "").strip()
    if etape == EtapeSuivi.AUTRE and not commentaire:
        raise MarcheInvalide({"commentaire": [regles.MESSAGE_EVENEMENT_SANS_COMMENTAIRE]})
    evenement = EvenementSuivi(marche=marche, date=date, etape=etape, commentaire=commentaire, auteur=user)
    _historiser(evenement, user=user, raison="ajout au journal de suivi").save()
    return evenement


def cloturer_marche(*, user, marche: Marche, jour: datetime.date, commentaire: str = "") -> Marche:
    """Closes the follow-up of the clause on `jour`, and writes it in the follow-up log."""
    _verifier_departement(user)
    if marche.cloture_le is not None:
        raise MarcheInvalide(
            {"cloture_le": [f"Ce marché est déjà clôturé depuis le {marche.cloture_le:%d/%m/%Y}."]}
        )
    if message := regles.erreur_cloture(debut=marche.date_debut, cloture_le=jour):
        raise MarcheInvalide({"cloture_le": [message]})
    with transaction.atomic():
        marche.cloture_le = jour
        _historiser(marche, user=user, raison="clôture du suivi").save(
            update_fields=["cloture_le", "modifie_le"]
        )
        ajouter_evenement_suivi(
            user=user, marche=marche, date=jour, etape=EtapeSuivi.CLOTURE, commentaire=commentaire
        )
    return marche


def rouvrir_marche(*, user, marche: Marche, jour: datetime.date) -> Marche:
    """Reopens a closed follow-up; the log keeps the closing and says when it was reopened."""
    _verifier_departement(user)
    if marche.cloture_le is None:
        raise MarcheInvalide({"cloture_le": ["Ce marché n'est pas clôturé."]})
    with transaction.atomic():
        ancienne = marche.cloture_le
        marche.cloture_le = None
        _historiser(marche, user=user, raison="réouverture du suivi").save(
            update_fields=["cloture_le", "modifie_le"]
        )
        ajouter_evenement_suivi(
            user=user,
            marche=marche,
            date=jour,
            etape=EtapeSuivi.AUTRE,
            commentaire=f"Suivi rouvert (il était clôturé depuis le {ancienne:%d/%m/%Y}).",
        )
    return marche
