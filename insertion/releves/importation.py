"""Importing a checked statement: resolving contracts, employers and people, then writing all or nothing.

A statement is checked as a whole before anything is written: every error is reported with its spreadsheet
line number (the header is line 1). A clean file is written in one transaction, through `enregistrer_heures`,
so the grid's rules apply and importing the same file again updates rows instead of duplicating them.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Upper

from beneficiaires.enums import CodePublic
from beneficiaires.models import Beneficiaire, Public
from beneficiaires.regles import erreur_age_nouvelle_personne
from beneficiaires.selectors import personnes_connues
from beneficiaires.services import NouvellePersonne, PeriodePublic, creer_beneficiaires
from insertion.models import Clause
from insertion.regles import erreur_mois_declarable
from insertion.releves.lecture import Releve
from insertion.releves.verification import ErreurReleve, LigneVerifiee, verifier_ligne
from insertion.services import LigneHeures, SaisieInvalide, enregistrer_heures
from marches.entreprises import enregistrer_employeurs, nouvel_employeur
from marches.models import Entreprise, Marche
from portail.periodes import mois_courant
from territoires.models import Commune


@dataclass
class ResultatImport:
    lignes: int = 0
    crees: int = 0
    modifiees: int = 0
    inchangees: int = 0
    personnes_creees: list[str] = field(default_factory=list)
    employeurs_crees: list[str] = field(default_factory=list)  # "à vérifier" by the Département
    erreurs: list[ErreurReleve] = field(default_factory=list)
    alertes: list[str] = field(default_factory=list)
    confirmation_requise: bool = False

    @property
    def ecrit(self) -> bool:
        return not self.erreurs and not self.confirmation_requise


@dataclass
class _Nouvelle:
    """A person the portal does not know yet, gathered over the lines that name them."""

    ligne: LigneVerifiee
    sexe: str = ""
    commune_insee: str = ""
    brsa: bool | None = None
    brsa_debut: datetime.date | None = None
    premier_mois: datetime.date | None = None
    numero_premier_mois: int | None = None  # the line of the first month worked, where the age is checked
    erreur_age: str | None = None
    sexe_illisible: bool = False

    @property
    def creable(self) -> bool:
        return bool(self.sexe) and self.premier_mois is not None and self.erreur_age is None


class _Annulation(Exception):
    """Raised inside the transaction to undo everything when the file is not clean."""


def _resoudre_clauses(*, user, lignes: list[LigneVerifiee], erreurs: list[ErreurReleve]) -> dict[int, Clause]:
    """Clause of each line, looked up among the user's contracts only: one query for contracts, one for clauses."""
    # An empty reference or an invalid buyer SIRET is already reported: the contract cannot be looked up.
    lignes = [ligne for ligne in lignes if ligne.reference and ligne.siret_acheteur is not None]
    brutes = {ligne.reference for ligne in lignes}
    majuscules = {reference.upper() for reference in brutes}
    marches_par_reference = defaultdict(list)
    for marche in (
        Marche.objects.for_user(user)
        .annotate(reference_majuscules=Upper("reference"))
        .filter(Q(reference__in=brutes) | Q(reference_majuscules__in=majuscules))
        .select_related("acheteur")
    ):
        marches_par_reference[marche.reference.upper()].append(marche)
    clauses_par_marche = defaultdict(dict)
    marche_ids = [m.pk for marches in marches_par_reference.values() for m in marches]
    for clause in Clause.objects.filter(lot__marche_id__in=marche_ids).select_related(
        "lot__marche__acheteur"
    ):
        clauses_par_marche[clause.lot.marche_id][clause.lot.numero] = clause

    trouvees = {}
    for ligne in lignes:
        # Same answer for a reference that does not exist and for another territory's: never reveal the latter.
        candidats = marches_par_reference.get(ligne.reference.upper(), [])
        if ligne.siret_acheteur:
            candidats = [m for m in candidats if m.acheteur.siret == ligne.siret_acheteur]
        if not candidats:
            precision = f" pour l'acheteur de SIRET {ligne.siret_acheteur}" if ligne.siret_acheteur else ""
            erreurs.append(
                ErreurReleve(
                    ligne.numero,
                    f"Marché inconnu : « {ligne.reference} »{precision}. Vérifiez la référence : elle doit "
                    "désigner un marché que vous suivez dans le portail.",
                )
            )
            continue
        if len(candidats) > 1:
            erreurs.append(
                ErreurReleve(
                    ligne.numero,
                    f"La référence « {ligne.reference} » désigne {len(candidats)} marchés d'acheteurs différents : "
                    "indiquez le SIRET de l'acheteur dans la colonne siret_acheteur.",
                )
            )
            continue
        marche = candidats[0]
        clauses = clauses_par_marche.get(marche.pk, {})
        if not clauses:
            erreurs.append(
                ErreurReleve(ligne.numero, f"Le marché {marche.libelle} ne porte aucune clause d'insertion.")
            )
        elif ligne.lot_illisible:
            continue  # the lot number is already reported as unreadable: no clause can be chosen
        elif ligne.numero_lot is not None:
            if ligne.numero_lot in clauses:
                trouvees[ligne.numero] = clauses[ligne.numero_lot]
            else:
                numeros = ", ".join(str(n) for n in sorted(clauses))
                erreurs.append(
                    ErreurReleve(
                        ligne.numero,
                        f"Le marché {marche.libelle} n'a pas de lot n° {ligne.numero_lot} portant une clause "
                        f"d'insertion (lots avec clause : {numeros}).",
                    )
                )
        elif len(clauses) == 1:
            trouvees[ligne.numero] = next(iter(clauses.values()))
        else:
            numeros = ", ".join(str(n) for n in sorted(clauses))
            erreurs.append(
                ErreurReleve(
                    ligne.numero,
                    f"Le marché {marche.libelle} a plusieurs lots avec une clause ({numeros}) : indiquez le "
                    "numéro de lot dans la colonne numero_lot.",
                )
            )
    return trouvees


def _resoudre_employeurs(
    *, lignes: list[LigneVerifiee], erreurs: list[ErreurReleve]
) -> tuple[dict[str, Entreprise], dict[str, Entreprise]]:
    """Known employers by SIRET (one query), and the new ones the file names with their raison sociale
    (unsaved: created "à vérifier" with the hours)."""
    # An empty or invalid SIRET is already reported: it is not looked up.
    lignes = [ligne for ligne in lignes if ligne.siret_employeur]
    employeurs = {
        e.siret: e for e in Entreprise.objects.filter(siret__in={ligne.siret_employeur for ligne in lignes})
    }
    nouveaux: dict[str, Entreprise] = {}
    premieres: dict[str, int] = {}
    for ligne in lignes:
        siret = ligne.siret_employeur
        if siret in employeurs:
            continue
        if not ligne.raison_sociale_employeur:
            if siret not in nouveaux:  # another line of the file gives its name
                erreurs.append(
                    ErreurReleve(
                        ligne.numero,
                        f"Employeur inconnu : aucune entreprise de SIRET {siret} dans le portail. Indiquez sa "
                        "raison sociale dans la colonne raison_sociale_employeur (et son type de structure dans "
                        "type_structure_employeur) pour l'ajouter ; le Département le vérifiera.",
                    )
                )
            continue
        if ligne.type_structure_employeur is None:  # unreadable: already reported
            continue
        if siret not in nouveaux:
            nouveaux[siret] = nouvel_employeur(
                siret=siret,
                raison_sociale=ligne.raison_sociale_employeur,
                type_structure=ligne.type_structure_employeur,
            )
            premieres[siret] = ligne.numero
        elif (nouveaux[siret].raison_sociale, nouveaux[siret].type_structure) != (
            ligne.raison_sociale_employeur,
            ligne.type_structure_employeur,
        ):
            erreurs.append(
                ErreurReleve(
                    ligne.numero,
                    f"Pour l'employeur de SIRET {siret}, la raison sociale ou le type de structure diffère de la "
                    f"ligne {premieres[siret]}.",
                )
            )
    return employeurs, nouveaux


def _resoudre_personnes(
    *, user, lignes: list[LigneVerifiee], erreurs: list[ErreurReleve]
) -> tuple[dict[str, Beneficiaire], dict[str, _Nouvelle], dict[str, Commune]]:
    """Known people of the user's scope (one query), the new ones to create, and the communes named (one query)."""
    connues = personnes_connues(
        user=user, cles={ligne.cle_personne for ligne in lignes if ligne.cle_personne is not None}
    )
    codes = {ligne.commune_insee for ligne in lignes if ligne.commune_insee}
    communes = {c.code_insee: c for c in Commune.objects.filter(code_insee__in=codes)} if codes else {}

    nouvelles: dict[str, _Nouvelle] = {}
    for ligne in lignes:
        if ligne.commune_insee and ligne.commune_insee not in communes:
            erreurs.append(
                ErreurReleve(ligne.numero, f"Commune inconnue : code INSEE {ligne.commune_insee}.")
            )
        # An unreadable name or birth date is already reported: the person cannot be looked up.
        if ligne.cle_personne is None or ligne.cle_personne in connues:
            continue
        nouvelle = nouvelles.setdefault(ligne.cle_personne, _Nouvelle(ligne=ligne))
        nouvelle.sexe_illisible |= ligne.sexe_illisible
        if ligne.mois is not None and (nouvelle.premier_mois is None or ligne.mois < nouvelle.premier_mois):
            nouvelle.premier_mois, nouvelle.numero_premier_mois = ligne.mois, ligne.numero
        for attribut, libelle in (
            ("sexe", "le sexe"),
            ("commune_insee", "la commune"),
            ("brsa", "la colonne brsa"),
            ("brsa_debut", "le début du RSA"),
        ):
            valeur = getattr(ligne, attribut)
            if valeur in ("", None):
                continue
            deja = getattr(nouvelle, attribut)
            if deja in ("", None):
                setattr(nouvelle, attribut, valeur)
            elif deja != valeur:
                erreurs.append(
                    ErreurReleve(
                        ligne.numero,
                        f"Pour {ligne.personne}, {libelle} diffère de la ligne {nouvelle.ligne.numero}.",
                    )
                )
    for nouvelle in nouvelles.values():
        # Known people are not checked again: the rule is for a new person, at the first month they work
        # (skipped when no line of theirs has a readable month: that is already reported).
        if nouvelle.premier_mois is not None:
            nouvelle.erreur_age = erreur_age_nouvelle_personne(
                date_naissance=nouvelle.ligne.date_naissance, mois=nouvelle.premier_mois
            )
        if nouvelle.erreur_age:
            erreurs.append(ErreurReleve(nouvelle.numero_premier_mois, nouvelle.erreur_age))
        if not nouvelle.sexe and not nouvelle.sexe_illisible:  # an unreadable sex is already reported
            erreurs.append(
                ErreurReleve(
                    nouvelle.ligne.numero,
                    f"{nouvelle.ligne.personne} n'est pas encore connu·e du portail : indiquez son sexe (F ou H) "
                    "dans la colonne sexe pour l'ajouter.",
                )
            )
    return connues, nouvelles, communes


def _personnes_a_creer(*, nouvelles: list[_Nouvelle], communes: dict[str, Commune]) -> list[NouvellePersonne]:
    """What the beneficiaries service needs to create the new people, BRSA period included."""
    brsa = Public.objects.get(code=CodePublic.BRSA) if any(n.brsa for n in nouvelles) else None
    return [
        NouvellePersonne(
            nom=n.ligne.nom,
            prenom=n.ligne.prenom,
            date_naissance=n.ligne.date_naissance,
            sexe=n.sexe,
            commune=communes.get(n.commune_insee),
            date_entree=n.premier_mois,
            publics=(PeriodePublic(public=brsa, date_debut=n.brsa_debut or n.premier_mois),)
            if n.brsa
            else (),
        )
        for n in nouvelles
    ]


def importer_releve(*, user, releve: Releve, confirmer_depassement: bool = False) -> ResultatImport:
    """Checks every line of a statement, then writes it in one transaction, or nothing at all.

    The result carries either the errors (line number and French message), or the monthly totals that need a
    confirmation, or the counts of rows created / modified / unchanged and the people created.
    """
    resultat = ResultatImport(lignes=len(releve.lignes))
    erreurs: list[ErreurReleve] = []
    # Every line is checked, resolved and run through the month rules, whatever its other faults: one pass.
    lignes = [verifier_ligne(brute, erreurs) for brute in releve.lignes]

    clauses = _resoudre_clauses(user=user, lignes=lignes, erreurs=erreurs)
    employeurs, nouveaux_employeurs = _resoudre_employeurs(lignes=lignes, erreurs=erreurs)
    connues, nouvelles, communes = _resoudre_personnes(user=user, lignes=lignes, erreurs=erreurs)

    a_creer = [n for n in nouvelles.values() if n.creable]
    possibles = {n.ligne.cle_personne for n in a_creer} | set(connues)
    # A line goes through the service when every value of an hours row is readable and resolved, even if the
    # line has other faults (commune, RSA…): the service's rules (period, monthly totals, locked rows) apply.
    bonnes = [
        ligne
        for ligne in lignes
        if ligne.numero in clauses
        and ligne.mois is not None
        and ligne.cle_personne in possibles
        and (ligne.siret_employeur in employeurs or ligne.siret_employeur in nouveaux_employeurs)
        and ligne.heures is not None
        and ligne.modalite is not None
        and ligne.type_contrat is not None
    ]
    # The others still get the month rule when their contract and month are known; the totals need the hours.
    envoyees = {ligne.numero for ligne in bonnes}
    ce_mois = mois_courant()
    for ligne in lignes:
        if ligne.numero in clauses and ligne.mois is not None and ligne.numero not in envoyees:
            marche = clauses[ligne.numero].lot.marche
            if message := erreur_mois_declarable(marche=marche, mois=ligne.mois, ce_mois=ce_mois):
                erreurs.append(ErreurReleve(ligne.numero, message))

    # Even when some lines are already wrong, the others go through the service inside the transaction, so that
    # the file's errors are all reported at once; the transaction is then rolled back.
    try:
        with transaction.atomic():
            if nouveaux_employeurs:
                employeurs |= enregistrer_employeurs(
                    user=user, entreprises=list(nouveaux_employeurs.values())
                )
            personnes = connues | creer_beneficiaires(
                user=user,
                personnes=_personnes_a_creer(nouvelles=a_creer, communes=communes),
                detail="import d'un relevé mensuel",
            )
            lignes_heures = [
                LigneHeures(
                    clause=clauses[ligne.numero],
                    mois=ligne.mois,
                    beneficiaire=personnes[ligne.cle_personne],
                    employeur=employeurs[ligne.siret_employeur],
                    heures=ligne.heures,
                    modalite=ligne.modalite,
                    type_contrat=ligne.type_contrat,
                )
                for ligne in bonnes
            ]
            if lignes_heures:
                try:
                    saisie = enregistrer_heures(
                        user=user,
                        lignes=lignes_heures,
                        confirmer_depassement=confirmer_depassement or bool(erreurs),
                    )
                except SaisieInvalide as refus:
                    if refus.confirmation_requise:
                        resultat.confirmation_requise = True
                        resultat.alertes = [e.message for e in refus.erreurs]
                    else:
                        erreurs += [
                            ErreurReleve(None if e.index is None else bonnes[e.index].numero, e.message)
                            for e in refus.erreurs
                        ]
                    raise _Annulation from refus
            if erreurs:
                raise _Annulation
    except _Annulation:
        resultat.erreurs = sorted(erreurs, key=lambda e: (e.ligne is not None, e.ligne or 0))
        return resultat
    except IntegrityError:
        resultat.erreurs = [
            ErreurReleve(
                None,
                "Une autre saisie a modifié les mêmes personnes ou les mêmes heures pendant l'import : rien n'a "
                "été enregistré. Déposez à nouveau le fichier.",
            )
        ]
        return resultat

    resultat.crees, resultat.modifiees, resultat.inchangees = (
        saisie.crees,
        saisie.modifiees,
        saisie.inchangees,
    )
    resultat.alertes = saisie.alertes
    resultat.personnes_creees = sorted(str(personnes[n.ligne.cle_personne]) for n in a_creer)
    resultat.employeurs_crees = sorted(
        f"{e.raison_sociale} (SIRET {e.siret})" for e in nouveaux_employeurs.values() if e.pk is not None
    )
    return resultat
