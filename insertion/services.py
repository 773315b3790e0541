"""Writes on insertion hours (declaration by the grid and the import, validation, rejection) and clauses.

Every function takes keyword-only arguments and writes in one transaction: either all rows are written or none.
"""

import datetime
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from beneficiaires.models import Beneficiaire
from beneficiaires.selectors import personnes_connues
from beneficiaires.services import NouvellePersonne, creer_beneficiaires
from insertion import cloture, regles
from insertion.calibrage import CHAMPS_ENTREES, calculer
from insertion.enums import Statut
from insertion.models import Clause, HeuresRealisees, ReleveEnAttente
from marches.entreprises import enregistrer_employeurs
from marches.models import Entreprise, Marche
from portail.francais import de
from portail.historique import supprimer_avec_historique
from portail.periodes import mois_courant

# Rows written per query by the bulk writes: a month may hold thousands of rows (a statement import).
TAILLE_LOT = 500


@dataclass(frozen=True)
class LigneHeures:
    clause: Clause
    mois: datetime.date
    beneficiaire: Beneficiaire
    employeur: Entreprise
    heures: Decimal
    modalite: str
    type_contrat: str
    # (hours, contract type) of the row as the page showed it; None for a new line or a statement import.
    # Checked under the row's lock: a row changed meanwhile by someone else is reported, never overwritten.
    attendu: tuple[Decimal, str] | None = None

    @property
    def cle(self):
        return (self.clause.pk, self.beneficiaire.pk, self.employeur.pk, self.mois, self.modalite)


@dataclass
class ErreurLigne:
    index: int | None  # position of the line in the submission; None for an error on the whole submission
    message: str


class SaisieInvalide(Exception):
    def __init__(self, erreurs: list[ErreurLigne], *, confirmation_requise: bool = False):
        super().__init__("; ".join(e.message for e in erreurs))
        self.erreurs = erreurs
        # True when the only problems are monthly totals above the alert threshold.
        self.confirmation_requise = confirmation_requise


@dataclass
class ResultatSaisie:
    crees: int = 0
    modifiees: int = 0
    inchangees: int = 0
    supprimees: int = 0
    alertes: list[str] = field(default_factory=list)


def _verifier_perimetre(*, user, clauses) -> None:
    if not (user.is_authenticated and user.peut_declarer):
        raise PermissionDenied("Votre rôle ne permet pas de déclarer des heures.")
    marche_ids = {c.lot.marche_id for c in clauses}
    visibles = set(Marche.objects.for_user(user).filter(pk__in=marche_ids).values_list("pk", flat=True))
    if visibles != marche_ids:
        raise PermissionDenied("Ce marché n'est pas rattaché à votre EPCI.")


def _erreurs_de_periode(ligne: LigneHeures, index: int, ce_mois: datetime.date) -> list[ErreurLigne]:
    erreurs = []
    if message := regles.erreur_mois_declarable(
        marche=ligne.clause.lot.marche, mois=ligne.mois, ce_mois=ce_mois
    ):
        erreurs.append(ErreurLigne(index, message))
    if not regles.heures_de_ligne_valides(ligne.heures):
        erreurs.append(ErreurLigne(index, regles.MESSAGE_HEURES_LIGNE))
    return erreurs


def enregistrer_heures(
    *,
    user,
    lignes: list[LigneHeures],
    suppressions: list[HeuresRealisees] = (),
    confirmer_depassement: bool = False,
) -> ResultatSaisie:
    """Declares hours: creates or updates one row per person × clause × employer × month × modality.

    Checks every line before writing anything; raises SaisieInvalide with all the errors found.
    A row already validated is locked for EPCI clerks. A changed row goes back to "déclarées".
    """
    lignes = list(lignes)
    suppressions = list(suppressions)
    clauses = {ligne.clause.pk: ligne.clause for ligne in lignes} | {
        s.clause_id: s.clause for s in suppressions
    }
    _verifier_perimetre(user=user, clauses=clauses.values())
    ce_mois = mois_courant()

    erreurs: list[ErreurLigne] = []
    vues: dict[tuple, int] = {}
    premiere_ligne: dict[tuple, int] = {}  # (person, month) → index of its first line, for error messages
    for index, ligne in enumerate(lignes):
        premiere_ligne.setdefault((ligne.beneficiaire.pk, ligne.mois), index)
        erreurs += _erreurs_de_periode(ligne, index, ce_mois)
        if ligne.cle in vues:
            erreurs.append(
                ErreurLigne(
                    index,
                    f"{ligne.beneficiaire} apparaît deux fois pour le même employeur, le même mois et la même modalité.",
                )
            )
        vues.setdefault(ligne.cle, index)

    with transaction.atomic():
        # Serialise concurrent saves on the same clauses and people: the second waits, then sees the first's rows.
        list(
            Clause.objects.select_for_update().filter(pk__in=sorted(clauses)).order_by("pk").values_list("pk")
        )
        personnes = sorted({ligne.beneficiaire.pk for ligne in lignes})
        list(
            Beneficiaire.objects.select_for_update().filter(pk__in=personnes).order_by("pk").values_list("pk")
        )

        mois_concernes = {ligne.mois for ligne in lignes}
        # Locked too (in pk order, like _statuer): a validation under way is waited for, then seen.
        existantes = {
            (r.clause_id, r.beneficiaire_id, r.employeur_id, r.mois, r.modalite): r
            for r in HeuresRealisees.objects.select_for_update()
            .filter(beneficiaire_id__in=personnes, mois__in=mois_concernes)
            .order_by("pk")
        }
        # Deletions are judged on the rows as they are now, under the lock, not as the caller last saw them.
        suppressions = list(
            HeuresRealisees.objects.select_for_update(of=("self",))
            .select_related("beneficiaire")
            .filter(pk__in=[s.pk for s in suppressions])
            .order_by("pk")
        )
        a_supprimer = {s.pk for s in suppressions}
        refus = cloture.refus_des_annees_cloturees(
            mois_des_lignes=[ligne.mois for ligne in lignes], mois_supprimes=[s.mois for s in suppressions]
        )
        erreurs += [ErreurLigne(index, message) for index, message in refus]

        # Monthly totals per person, over every clause, once this submission is applied.
        totaux: dict[tuple, Decimal] = defaultdict(Decimal)
        for cle, rangee in existantes.items():
            if cle not in vues and rangee.pk not in a_supprimer and rangee.statut != Statut.REJETEES:
                totaux[(rangee.beneficiaire_id, rangee.mois)] += rangee.heures
        for ligne in lignes:
            totaux[(ligne.beneficiaire.pk, ligne.mois)] += ligne.heures

        alertes = []
        noms = {ligne.beneficiaire.pk: ligne.beneficiaire for ligne in lignes}
        for (personne, mois), total in sorted(totaux.items(), key=lambda item: (item[0][1], item[0][0])):
            if personne not in noms:
                continue
            index = premiere_ligne[(personne, mois)]
            if erreur := regles.erreur_total_mensuel(personne=noms[personne], mois=mois, total=total):
                erreurs.append(ErreurLigne(index, erreur))
            elif alerte := regles.alerte_total_mensuel(personne=noms[personne], mois=mois, total=total):
                alertes.append(alerte)

        maintenant = timezone.now()
        a_creer, a_modifier, inchangees = [], [], 0
        for index, ligne in enumerate(lignes):
            rangee = existantes.get(ligne.cle)
            if ligne.attendu is not None and (
                rangee is None
                or rangee.pk in a_supprimer
                or (rangee.heures, rangee.type_contrat) != ligne.attendu
            ):
                erreurs.append(
                    ErreurLigne(
                        index,
                        regles.message_modifiee_entre_temps(personne=ligne.beneficiaire, mois=ligne.mois),
                    )
                )
                continue
            if rangee is None:
                a_creer.append(
                    HeuresRealisees(
                        clause=ligne.clause,
                        beneficiaire=ligne.beneficiaire,
                        employeur=ligne.employeur,
                        mois=ligne.mois,
                        modalite=ligne.modalite,
                        heures=ligne.heures,
                        type_contrat=ligne.type_contrat,
                        statut=Statut.DECLAREES,
                        saisi_par=user,
                    )
                )
                continue
            if (
                rangee.heures == ligne.heures
                and rangee.type_contrat == ligne.type_contrat
                and rangee.statut != Statut.REJETEES
            ):
                inchangees += 1
                continue
            if regles.ligne_verrouillee(statut=rangee.statut, user=user):
                erreurs.append(
                    ErreurLigne(
                        index, regles.message_ligne_verrouillee(personne=ligne.beneficiaire, mois=ligne.mois)
                    )
                )
                continue
            rangee.heures = ligne.heures
            rangee.type_contrat = ligne.type_contrat
            a_modifier.append(rangee)

        for rangee in suppressions:
            if regles.ligne_verrouillee(statut=rangee.statut, user=user):
                erreurs.append(
                    ErreurLigne(
                        None,
                        f"Les heures validées {de(str(rangee.beneficiaire))} ne peuvent pas être supprimées.",
                    )
                )

        if erreurs:
            raise SaisieInvalide(sorted(erreurs, key=lambda e: (e.index is not None, e.index or 0)))
        if alertes and not confirmer_depassement:
            raise SaisieInvalide([ErreurLigne(None, a) for a in alertes], confirmation_requise=True)

        bulk_create_with_history(a_creer, HeuresRealisees, default_user=user, batch_size=TAILLE_LOT)
        _ecrire_modifications(a_modifier, user=user, maintenant=maintenant)
        supprimer_avec_historique(HeuresRealisees, suppressions, user=user, date=maintenant)
    return ResultatSaisie(
        crees=len(a_creer),
        modifiees=len(a_modifier),
        inchangees=inchangees,
        supprimees=len(suppressions),
        alertes=alertes,
    )


MESSAGE_PERSONNE_CREEE_ENTRE_TEMPS = (
    "Une personne ajoutée à la grille vient d'être enregistrée par un autre agent de votre EPCI : rechargez la "
    "grille, elle y est proposée avec sa fiche."
)


def enregistrer_grille(
    *,
    user,
    lignes: list[LigneHeures],
    suppressions: list[HeuresRealisees] = (),
    nouvelles: dict[str, NouvellePersonne] | None = None,
    confirmer_depassement: bool = False,
) -> ResultatSaisie:
    """The grid's save. The people added to the grid since it was opened (`nouvelles`, by public id) exist only
    in the lines naming them (`beneficiaire.pk` is None): they are created now, with those lines, in the same
    transaction — a person added then left without hours is never written. One of them who has been created
    meanwhile in the user's scope is reused. Likewise the employers typed with an unknown SIRET (`employeur.pk`
    is None): created "à vérifier" with the hours, never when the grid is refused.
    """
    a_creer = {str(ligne.beneficiaire.public_id) for ligne in lignes if ligne.beneficiaire.pk is None}
    employeurs = {ligne.employeur.siret: ligne.employeur for ligne in lignes if ligne.employeur.pk is None}
    if not a_creer and not employeurs:
        return enregistrer_heures(
            user=user, lignes=lignes, suppressions=suppressions, confirmer_depassement=confirmer_depassement
        )
    personnes = [(nouvelles or {})[public_id] for public_id in sorted(a_creer)]
    try:
        with transaction.atomic():
            if employeurs:
                # Employers typed by the clerk: created with the hours, or not at all.
                enregistres = enregistrer_employeurs(user=user, entreprises=list(employeurs.values()))
                lignes = [
                    replace(ligne, employeur=enregistres[ligne.employeur.siret])
                    if ligne.employeur.pk is None
                    else ligne
                    for ligne in lignes
                ]
            if personnes:
                connues = personnes_connues(user=user, cles=[p.cle_identite for p in personnes])
                creees = creer_beneficiaires(
                    user=user, personnes=[p for p in personnes if p.cle_identite not in connues]
                )
                enregistrees = {
                    str(p.public_id): connues.get(p.cle_identite) or creees[p.cle_identite] for p in personnes
                }
                lignes = [
                    replace(ligne, beneficiaire=enregistrees[str(ligne.beneficiaire.public_id)])
                    if ligne.beneficiaire.pk is None
                    else ligne
                    for ligne in lignes
                ]
            return enregistrer_heures(
                user=user,
                lignes=lignes,
                suppressions=suppressions,
                confirmer_depassement=confirmer_depassement,
            )
    except IntegrityError as erreur:
        raise SaisieInvalide([ErreurLigne(None, MESSAGE_PERSONNE_CREEE_ENTRE_TEMPS)]) from erreur


def _ecrire_modifications(rangees: list[HeuresRealisees], *, user, maintenant) -> None:
    """A changed row goes back to "déclarées" by this user: one UPDATE for what all rows share, a bulk update
    of hours and contract type only (a CASE per row and per field is what makes bulk_update slow)."""
    if not rangees:
        return
    communs = {
        "statut": Statut.DECLAREES,
        "saisi_par": user,
        "valide_par": None,
        "valide_le": None,
        "motif_rejet": "",
        "modifie_le": maintenant,
    }
    for debut in range(0, len(rangees), TAILLE_LOT):
        HeuresRealisees.objects.filter(pk__in=[r.pk for r in rangees[debut : debut + TAILLE_LOT]]).update(
            **communs
        )
    for rangee in rangees:
        for nom, valeur in communs.items():
            setattr(rangee, nom, valeur)
    bulk_update_with_history(
        rangees,
        HeuresRealisees,
        ["heures", "type_contrat"],
        batch_size=TAILLE_LOT,
        default_user=user,
        default_date=maintenant,
    )


def valider_heures(*, user, rangees, versions: dict[int, str] | None = None) -> list[HeuresRealisees]:
    """Validates declared rows (Département only). Returns the rows validated (with their person and contract,
    to name them).

    `versions` maps a row's pk to the `modifie_le` (ISO format) the validator saw: a row changed since then by
    its EPCI is left alone, so nobody validates hours they have not seen.
    """
    return _statuer(user=user, rangees=rangees, statut=Statut.VALIDEES, motif="", versions=versions)


def rejeter_heures(
    *, user, rangees, motif: str, versions: dict[int, str] | None = None
) -> list[HeuresRealisees]:
    if erreur := regles.erreur_motif_rejet(motif):
        raise SaisieInvalide([ErreurLigne(None, erreur)])
    motif = motif.strip()
    return _statuer(user=user, rangees=rangees, statut=Statut.REJETEES, motif=motif, versions=versions)


def _statuer(*, user, rangees, statut, motif, versions=None) -> list[HeuresRealisees]:
    if not user.voit_tout:
        raise PermissionDenied("Seul le Département valide ou rejette les heures.")
    with transaction.atomic():
        ids = [r.pk for r in rangees]
        a_traiter = list(
            HeuresRealisees.objects.select_for_update(of=("self",))
            .select_related("beneficiaire", "clause__lot__marche__acheteur")
            .filter(pk__in=ids, statut=Statut.DECLAREES)
            .order_by("pk")
        )
        if versions is not None:
            a_traiter = [r for r in a_traiter if versions.get(r.pk) == r.modifie_le.isoformat()]
        if erreur := cloture.erreur_annees_cloturees(r.mois.year for r in a_traiter):
            raise SaisieInvalide([ErreurLigne(None, erreur)])
        maintenant = timezone.now()
        for rangee in a_traiter:
            rangee.statut = statut
            rangee.motif_rejet = motif
            rangee.valide_par = user
            rangee.valide_le = maintenant
            rangee.modifie_le = maintenant
        bulk_update_with_history(
            a_traiter,
            HeuresRealisees,
            ["statut", "motif_rejet", "valide_par", "valide_le", "modifie_le"],
            default_user=user,
        )
    return a_traiter


class CalibrageInvalide(Exception):
    """Inputs the calculator refuses; the message is French and meant for the user."""


def calibrer_clause(
    *, user, clause: Clause, part_main_oeuvre, taux_insertion, cout_horaire, heures_fixees=None
) -> Clause:
    """Stores the inputs and the reserved hours on the clause, in one transaction, with its history.

    The hours are the calculation, or `heures_fixees` when the contract states them itself; the inputs are
    stored either way. Raises PermissionDenied for anyone but the Département, CalibrageInvalide for
    inputs out of bounds or a result of 0 h.
    """
    if not (user.is_authenticated and user.voit_tout):
        raise PermissionDenied("Seul le Département calibre les clauses d'insertion.")
    entrees = {
        "part_main_oeuvre": part_main_oeuvre,
        "taux_insertion": taux_insertion,
        "cout_horaire": cout_horaire,
        "heures_fixees": heures_fixees,
    }
    if erreur := regles.erreur_entrees_calibrage(**entrees):
        raise CalibrageInvalide(erreur)
    calcul = calculer(lot=clause.lot, **entrees)
    if erreur := regles.erreur_calibrage_nul(detail=calcul.detail, heures_reservees=calcul.heures_reservees):
        raise CalibrageInvalide(erreur)
    with transaction.atomic():
        clause.part_main_oeuvre = part_main_oeuvre
        clause.taux_insertion = taux_insertion
        clause.cout_horaire = cout_horaire
        clause.heures_reservees = calcul.heures_reservees
        # simple-history: the author even outside a request, and why the row changed.
        clause._history_user = user
        clause._change_reason = (
            "calibrage : heures fixées par le marché" if calcul.fixees_a_la_main else "calibrage : calcul"
        )
        clause.save(update_fields=[*CHAMPS_ENTREES, "heures_reservees", "modifie_le"])
    return clause


# --- statements waiting for a confirmation -----------------------------------------------------------


def abandonner_releves_en_attente(*, user) -> int:
    """On each deposit: the user's pending statement and every expired one go, in one DELETE."""
    supprimes, _ = ReleveEnAttente.objects.filter(
        Q(utilisateur=user) | Q(expire_le__lte=timezone.now())
    ).delete()
    return supprimes


def mettre_releve_en_attente(*, user, nom: str, contenu: bytes, lignes: int, alertes: list[str]):
    """Keeps a statement for its owner's confirmation, for regles.DUREE_RELEVE_EN_ATTENTE."""
    maintenant = timezone.now()
    return ReleveEnAttente.objects.create(
        utilisateur=user,
        nom=nom[:255],
        contenu=contenu,
        empreinte=hashlib.sha256(contenu).hexdigest(),
        lignes=lignes,
        alertes=alertes,
        cree_le=maintenant,
        expire_le=maintenant + regles.DUREE_RELEVE_EN_ATTENTE,
    )


@transaction.atomic
def prendre_releve_en_attente(*, user, jeton, empreinte: str):
    """The user's unexpired pending statement, deleted as it is taken: it is confirmed once only.

    None when it is not theirs, expired, already taken, or the fingerprint differs.
    """
    releve = (
        ReleveEnAttente.objects.select_for_update()
        .filter(utilisateur=user, jeton=jeton, empreinte=empreinte, expire_le__gt=timezone.now())
        .first()
    )
    if releve is not None:
        ReleveEnAttente.objects.filter(pk=releve.pk).delete()
    return releve


def purger_releves_expires() -> int:
    """Deletes the pending statements past their expiry (manage.py purger_releves_en_attente)."""
    supprimes, _ = ReleveEnAttente.objects.filter(expire_le__lte=timezone.now()).delete()
    return supprimes
