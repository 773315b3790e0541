"""Everything the dashboard, its JSON and the yearly bilan show, as typed figures assembled from `requetes`.

One call, a fixed number of queries whatever the data size. Choice codes get their French labels here,
every breakdown lists all its categories (zero included) and shares are computed once for all three outputs.
Shares and rates are percentages rounded to 0.1, None when there is nothing to divide by.
For readers, `secret.masquer_chiffres` then replaces the figures that would reveal fewer than
`SEUIL_SECRET_STATISTIQUE` people by `Masque` values (hence the `| Masque` in the types below).
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from beneficiaires.enums import CategorieSortie, NiveauQualification, Sexe
from insertion import regles
from insertion.enums import Modalite
from insertion.indicateurs import matrices, pilotage, requetes, secret, secret_croise
from insertion.indicateurs.projection import Projection
from insertion.indicateurs.requetes import SANS_EPCI, TRANCHES_AGE, Perimetre
from insertion.selectors import parametres_objectif, taux_realisation
from portail.formats import Masque

HEURES_PAR_ETP = Decimal(1607)
NON_RENSEIGNE = "non renseigné"
A_LIRE = object()  # the training-hours setting, not read yet

Heures = Decimal | Masque
Effectif = int | Masque
Taux = Decimal | Masque | None


@dataclass(frozen=True)
class Synthese:
    annee: int
    heures_validees: Heures
    heures_declarees: Heures
    heures_brsa: Heures
    nb_beneficiaires: Effectif
    nb_beneficiaires_brsa: Effectif
    nb_marches: int
    heures_reservees: Decimal
    objectif_heures: int | None
    etp: Heures
    part_brsa: Taux
    progression: Taux
    heures_restantes: Heures | None
    # Training hours apart from hours worked, and the hours counted toward the target (`regles.heures_comptees`,
    # on which the progression and the remaining hours are computed).
    heures_formation: Heures = Decimal(0)
    heures_travaillees: Heures | None = None
    heures_comptees: Heures | None = None
    regle_formation: str = ""  # how training hours count, in words
    formation_toutes_comptees: bool = True  # counted hours = validated hours whatever the data
    # Reserved hours of the year (each clause's spread pro rata of days); `heures_reservees` is the lifetime
    # figure of the same contracts.
    heures_reservees_annee: Decimal | None = None
    # Last year at the same date: validated hours of N-1 worked from January to `mois_comparaison` (N-1).
    heures_validees_n1: Heures | None = None
    mois_comparaison: datetime.date | None = None
    nb_beneficiaires_n1: int = 0  # not shown: for the statistical secret of the N-1 figures
    # Counted hours at 31 December (`projection.Projection`), current year only.
    projection: "Projection | Masque | None" = None


@dataclass(frozen=True)
class LigneMois:
    mois: datetime.date
    heures_validees: Heures
    heures_declarees: Heures
    cumul_validees: Heures
    part_objectif: Taux  # of the counted hours, cumulated
    cumul_comptees: Heures | None = None
    cumul_avec_declarees: Heures | None = None  # validated and awaiting validation, cumulated
    cumul_validees_n1: Heures | None = None  # the same month of last year


@dataclass(frozen=True)
class LigneEpci:
    siren: str | None  # None for the contracts attached to no EPCI
    nom: str
    heures_validees: Heures
    heures_declarees: Heures
    nb_beneficiaires: Effectif
    objectif_heures: Decimal | None
    progression: Taux  # of the counted hours
    part: Taux
    heures_comptees: Heures | None = None
    # Not shown: the training hours and their people (for the statistical secret of the progression).
    heures_formation: Decimal = Decimal(0)
    nb_beneficiaires_formation: int = 0


@dataclass(frozen=True)
class LigneAcheteur:
    siret: str
    nom: str
    heures_validees: Heures
    heures_declarees: Heures
    part: Taux
    nb_beneficiaires: int = 0  # not shown: what the statistical secret looks at


@dataclass(frozen=True)
class LigneMarche:
    pk: int
    reference: str
    objet: str
    acheteur_nom: str
    epci_nom: str
    date_debut: datetime.date
    date_fin: datetime.date
    heures_reservees: Decimal | None
    heures_validees_annee: Heures
    heures_validees_cumul: Heures
    taux_realisation: Taux
    # Not shown: the people behind the hours of the year and since the start (for the statistical secret).
    nb_beneficiaires_annee: int = 0
    nb_beneficiaires_cumul: int = 0
    epci_siren: str | None = None


@dataclass(frozen=True)
class LignePublic:
    rang: int
    code: str
    libelle: str
    heures_validees: Heures
    nb_beneficiaires: Effectif
    part: Taux


@dataclass(frozen=True)
class LigneModalite:
    rang: int
    code: str
    libelle: str
    heures_validees: Heures
    part: Taux
    nb_beneficiaires: int = 0  # not shown: what the statistical secret looks at


@dataclass(frozen=True)
class LigneRepartition:
    """A category of people or of sorties: its count and share of the total."""

    rang: int
    code: str
    libelle: str
    nb: Effectif
    part: Taux


@dataclass(frozen=True)
class Chiffres:
    """The figures of the dashboard for a scope and a year (aggregates only: nobody's name or birth date)."""

    perimetre: Perimetre
    synthese: Synthese
    par_mois: list[LigneMois]
    par_epci: list[LigneEpci]
    par_acheteur: list[LigneAcheteur]
    par_marche: list[LigneMarche]
    par_public: list[LignePublic]
    par_modalite: list[LigneModalite]
    par_sexe: list[LigneRepartition]
    par_tranche_age: list[LigneRepartition]
    par_qualification: list[LigneRepartition]
    sorties: list[LigneRepartition]
    seuil_secret: int | None = None  # set when the statistical secret was applied (readers)
    # SIREN -> (name, target) of every EPCI with a target for the year (the reconciliation of targets).
    objectifs_epci: dict = field(default_factory=dict)


def part(valeur, total) -> Decimal | None:
    if not total:
        return None
    return (Decimal(valeur) * 100 / Decimal(total)).quantize(Decimal("0.1"))


def _comptees(lignes_ou_totaux: dict, parametres) -> Decimal:
    formation = lignes_ou_totaux.get("heures_formation", Decimal(0))
    travaillees = lignes_ou_totaux.get("heures_validees", Decimal(0)) - formation
    return regles.heures_comptees(travaillees=travaillees, formation=formation, parametres=parametres)


def _synthese(totaux: dict, *, annee: int, objectif: int | None, parametres) -> Synthese:
    validees = totaux["heures_validees"]
    formation = totaux["heures_formation"]
    comptees = _comptees(totaux, parametres)
    return Synthese(
        annee=annee,
        heures_validees=validees,
        heures_declarees=totaux["heures_declarees"],
        heures_brsa=totaux["heures_brsa"],
        nb_beneficiaires=totaux["nb_beneficiaires"],
        nb_beneficiaires_brsa=totaux["nb_beneficiaires_brsa"],
        nb_marches=totaux["nb_marches"],
        heures_reservees=totaux["heures_reservees"],
        objectif_heures=objectif,
        etp=(validees / HEURES_PAR_ETP).quantize(Decimal("0.01")),
        part_brsa=part(totaux["heures_brsa"], validees),
        progression=part(comptees, objectif),
        heures_restantes=max(Decimal(objectif) - comptees, Decimal(0)) if objectif else None,
        heures_formation=formation,
        heures_travaillees=validees - formation,
        heures_comptees=comptees,
        regle_formation=regles.phrase_heures_formation(parametres),
        formation_toutes_comptees=regles.formation_toutes_comptees(parametres),
    )


def _par_mois(lignes: dict, *, annee: int, objectif: int | None, parametres) -> list[LigneMois]:
    """Twelve months of the year, with the cumulative validated hours and the cumulative counted hours (the
    rule applied to the hours worked and trained since January)."""
    cumul = Decimal(0)
    cumul_declarees = Decimal(0)
    cumul_formation = Decimal(0)
    resultat = []
    for numero in range(1, 13):
        mois = datetime.date(annee, numero, 1)
        ligne = lignes.get(mois, {})
        validees = ligne.get("heures_validees", Decimal(0))
        cumul += validees
        cumul_declarees += ligne.get("heures_declarees", Decimal(0))
        cumul_formation += ligne.get("heures_formation", Decimal(0))
        comptees = _comptees({"heures_validees": cumul, "heures_formation": cumul_formation}, parametres)
        resultat.append(
            LigneMois(
                mois=mois,
                heures_validees=validees,
                heures_declarees=ligne.get("heures_declarees", Decimal(0)),
                cumul_validees=cumul,
                part_objectif=part(comptees, objectif),
                cumul_comptees=comptees,
                cumul_avec_declarees=cumul + cumul_declarees,
            )
        )
    return resultat


def _par_epci(lignes: list[dict], *, objectifs: dict, validees: Decimal, parametres) -> list[LigneEpci]:
    resultat = []
    for ligne in lignes:
        objectif = objectifs.get(ligne["siren"])
        objectif_heures = Decimal(objectif) if objectif else None
        comptees = _comptees(ligne, parametres)
        resultat.append(
            LigneEpci(
                siren=ligne["siren"],
                nom=ligne["nom"] or SANS_EPCI,
                heures_validees=ligne["heures_validees"],
                heures_declarees=ligne["heures_declarees"],
                nb_beneficiaires=ligne["nb_beneficiaires"],
                objectif_heures=objectif_heures,
                progression=part(comptees, objectif_heures),
                part=part(ligne["heures_validees"], validees),
                heures_comptees=comptees,
                heures_formation=ligne["heures_formation"],
                nb_beneficiaires_formation=ligne["nb_beneficiaires_formation"],
            )
        )
    return resultat


def _par_marche(lignes: list[dict]) -> list[LigneMarche]:
    """Realisation rate = hours validated since the start up to 31 December ÷ reserved hours."""
    resultat = []
    for ligne in lignes:
        taux = taux_realisation(validees=ligne["heures_validees_cumul"], reservees=ligne["heures_reservees"])
        resultat.append(
            LigneMarche(**ligne, taux_realisation=None if taux is None else taux.quantize(Decimal("0.1")))
        )
    return resultat


def _completer(lignes: list[dict], *, cle: str, choix, valeur: str = "nb") -> list[tuple]:
    """(rank, code, label, value, share) for all the choices in their order, zero for those not found.

    A code found in the data but missing from the choices (an old code) is listed last, as is."""
    trouve = {ligne[cle]: ligne[valeur] for ligne in lignes}
    total = sum(trouve.values(), 0)
    libelles = [*choix, *((code, code or NON_RENSEIGNE) for code in trouve if code not in dict(choix))]
    return [
        (rang, code, libelle, trouve.get(code, 0), part(trouve.get(code, 0), total))
        for rang, (code, libelle) in enumerate(libelles)
    ]


def _repartition(lignes: list[dict], *, cle: str, choix) -> list[LigneRepartition]:
    return [LigneRepartition(*colonnes) for colonnes in _completer(lignes, cle=cle, choix=choix)]


def calculer_chiffres(*, user, perimetre: Perimetre, jour: datetime.date | None = None) -> Chiffres:
    """The figures of the dashboard for a scope and a year, in a fixed number of queries; for readers, with
    the statistical secret applied, checked against every other scope (the breakdowns EPCI by EPCI, and
    on an EPCI's dashboard the Département's raw figures: a fixed number of queries more).

    `jour`: the day the figures are read at (today by default): the projection, last year at the same date."""
    jour = jour or timezone.localdate()
    parametres = parametres_objectif()
    chiffres = pilotage.completer(
        _chiffres_bruts(user=user, perimetre=perimetre, parametres=parametres),
        user=user,
        jour=jour,
        parametres=parametres,
    )
    if user.voit_donnees_personnelles:  # Département staff, and clerks who see their EPCI's people anyway
        return chiffres
    seuil = settings.SEUIL_SECRET_STATISTIQUE
    departement = chiffres
    if perimetre.epci is not None:
        departement = _chiffres_bruts(user=None, perimetre=Perimetre(annee=perimetre.annee))
    croise = secret_croise.etats_croises(
        matrices.matrices(annee=perimetre.annee),
        departement,
        siren=perimetre.epci.siren if perimetre.epci else None,
        seuil=seuil,
    )
    return secret.masquer_chiffres(chiffres, seuil=seuil, croise=croise)


def _chiffres_bruts(*, user, perimetre: Perimetre, parametres=A_LIRE) -> Chiffres:
    """Every figure, before the statistical secret; `user=None`: the whole Département's rows."""
    objectif = requetes.objectif(perimetre=perimetre)
    parametres = parametres_objectif() if parametres is A_LIRE else parametres
    synthese = _synthese(
        requetes.totaux(user=user, perimetre=perimetre),
        annee=perimetre.annee,
        objectif=objectif,
        parametres=parametres,
    )
    validees = synthese.heures_validees
    objectifs_epci = requetes.objectifs_des_epci(annee=perimetre.annee)
    par_mois = _par_mois(
        requetes.heures_par_mois(user=user, perimetre=perimetre),
        annee=perimetre.annee,
        objectif=objectif,
        parametres=parametres,
    )
    par_epci = _par_epci(
        requetes.par_epci(user=user, perimetre=perimetre),
        objectifs={siren: heures for siren, (_, heures) in objectifs_epci.items()},
        validees=validees,
        parametres=parametres,
    )
    par_acheteur = [
        LigneAcheteur(**ligne, part=part(ligne["heures_validees"], validees))
        for ligne in requetes.par_acheteur(user=user, perimetre=perimetre)
    ]
    par_public = [
        LignePublic(rang=rang, **ligne, part=part(ligne["heures_validees"], validees))
        for rang, ligne in enumerate(requetes.par_public(user=user, perimetre=perimetre))
    ]
    lignes_modalite = requetes.par_modalite(user=user, perimetre=perimetre)
    personnes_modalite = {ligne["modalite"]: ligne["nb_beneficiaires"] for ligne in lignes_modalite}
    par_modalite = [
        LigneModalite(rang, code, libelle, Decimal(heures), part_, personnes_modalite.get(code, 0))
        for rang, code, libelle, heures, part_ in _completer(
            lignes_modalite, cle="modalite", choix=Modalite.choices, valeur="heures_validees"
        )
    ]
    chiffres = Chiffres(
        perimetre=perimetre,
        synthese=synthese,
        par_mois=par_mois,
        par_epci=par_epci,
        par_acheteur=par_acheteur,
        par_marche=_par_marche(requetes.par_marche(user=user, perimetre=perimetre)),
        par_public=par_public,
        par_modalite=par_modalite,
        par_sexe=_repartition(
            requetes.par_sexe(user=user, perimetre=perimetre), cle="sexe", choix=Sexe.choices
        ),
        par_tranche_age=_repartition(
            requetes.par_tranche_age(user=user, perimetre=perimetre),
            cle="tranche",
            choix=[(tranche, tranche) for tranche in TRANCHES_AGE],
        ),
        par_qualification=_repartition(
            requetes.par_qualification(user=user, perimetre=perimetre),
            cle="niveau_qualification",
            choix=[*NiveauQualification.choices, ("", NON_RENSEIGNE)],
        ),
        sorties=_repartition(
            requetes.sorties_par_categorie(user=user, perimetre=perimetre),
            cle="categorie",
            choix=CategorieSortie.choices,
        ),
        objectifs_epci=objectifs_epci,
    )
    return chiffres


def nb_mois_ecoules(annee: int, aujourd_hui: datetime.date | None = None) -> int:
    """Months of the year already begun: 12 for a past year, 0 for a future one."""
    aujourd_hui = aujourd_hui or timezone.localdate()
    if annee < aujourd_hui.year:
        return 12
    if annee > aujourd_hui.year:
        return 0
    return aujourd_hui.month
