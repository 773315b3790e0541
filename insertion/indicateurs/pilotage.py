"""What the dashboard adds to steer the year: reserved hours of the year, the projection at 31 December,
last year at the same date, and the EPCI targets reconciled with the Département's.

`completer` runs a fixed number of queries (the clauses of the year, the validation rate for the current
year, last year's months and people); `rapprochement_objectifs` is pure, over figures already masked.
"""

import datetime
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

from insertion.indicateurs import projection, requetes
from insertion.indicateurs.requetes import Perimetre
from portail.formats import Masque

SANS_OBJECTIF = "EPCI sans objectif"


def _contrats(lignes: list[dict]) -> list[projection.Contrat]:
    return [
        projection.Contrat(
            heures_reservees=ligne["heures_reservees"],
            debut=ligne["debut"],
            fin=ligne["fin"],
            validees_avant=ligne["validees_avant"],
            declarees_avant=ligne["declarees_avant"],
            validees_reste=ligne["validees_reste"],
            declarees_reste=ligne["declarees_reste"],
        )
        for ligne in lignes
    ]


def reservees_annee(contrats: list[projection.Contrat], *, annee: int) -> Decimal:
    """Reserved hours of the year of the clauses, each spread pro rata of days over its execution, to the hour."""
    total = Decimal(0)
    for contrat in contrats:
        part = projection.heures_reservees_annee(
            heures_reservees=contrat.heures_reservees, debut=contrat.debut, fin=contrat.fin, annee=annee
        )
        total += part or 0
    return total.quantize(Decimal(1), rounding=ROUND_HALF_UP)


def mois_comparaison(*, annee: int, jour: datetime.date) -> datetime.date | None:
    """The last month of N-1 compared with the year: the same month for the current year, December for a
    year over, none for a year not begun."""
    if annee > jour.year:
        return None
    if annee == jour.year:
        return datetime.date(annee - 1, jour.month, 1)
    return datetime.date(annee - 1, 12, 1)


def completer(chiffres, *, user, jour: datetime.date, parametres):
    """The figures with the reserved hours of the year, last year's curve and figure at the same date, and
    (current year only) the projection."""
    perimetre = chiffres.perimetre
    annee = perimetre.annee
    contrats = _contrats(
        requetes.contrats_de_l_annee(
            user=user,
            perimetre=perimetre,
            fin_rythme=projection.fin_rythme(jour),
            # within the year: the hours recorded for those months are among the year's
            debut_reste=max(projection.debut_reste(jour), perimetre.debut),
        )
    )
    synthese = chiffres.synthese
    prevue = None
    if projection.projection_applicable(annee=annee, jour=jour):
        taux = requetes.taux_validation(user=user, perimetre=perimetre, jour=jour)
        prevue = projection.projeter(
            contrats,
            jour=jour,
            validees=synthese.heures_validees,
            declarees=synthese.heures_declarees,
            formation=synthese.heures_formation,
            taux=Decimal(1) if taux is None else taux,
            parametres=parametres,
        )

    precedente = Perimetre(annee=annee - 1, epci=perimetre.epci)
    mois_n1 = requetes.heures_par_mois(user=user, perimetre=precedente)
    nb_n1 = requetes.personnes_de_l_annee(user=user, perimetre=precedente)
    limite = mois_comparaison(annee=annee, jour=jour)
    cumul = Decimal(0)
    par_mois = []
    for ligne in chiffres.par_mois:
        cumul += mois_n1.get(ligne.mois.replace(year=annee - 1), {}).get("heures_validees", Decimal(0))
        par_mois.append(replace(ligne, cumul_validees_n1=cumul))
    n1 = None
    if limite is not None:
        n1 = par_mois[limite.month - 1].cumul_validees_n1

    return replace(
        chiffres,
        synthese=replace(
            synthese,
            heures_reservees_annee=reservees_annee(contrats, annee=annee),
            heures_validees_n1=n1,
            mois_comparaison=limite,
            nb_beneficiaires_n1=nb_n1,
            projection=prevue,
        ),
        par_mois=par_mois,
    )


# --- EPCI targets and the Département's ------------------------------------------------------------


@dataclass(frozen=True)
class LigneRapprochement:
    nom: str
    objectif_heures: int | None
    heures_comptees: Decimal | Masque | None
    nb_epci: int = 1


@dataclass(frozen=True)
class Rapprochement:
    objectif_departement: int | None
    somme_objectifs_epci: int
    lignes: list[LigneRapprochement]  # the EPCI with a target, then one line for those without

    @property
    def ecart(self) -> int | None:
        """The Département's target minus the sum of the EPCI targets (None without a Département target)."""
        if self.objectif_departement is None:
            return None
        return self.objectif_departement - self.somme_objectifs_epci


def _somme(valeurs):
    """The sum, masked when one of the values is (a masked EPCI's hours must not come back in a group)."""
    if any(isinstance(v, Masque) or v is None for v in valeurs):
        return next(v for v in valeurs if isinstance(v, Masque) or v is None)
    return sum(valeurs, Decimal(0))


def rapprochement_objectifs(chiffres) -> Rapprochement | None:
    """The EPCI targets beside the Département's, on the Département's dashboard only: each EPCI with a
    target and its counted hours, then the EPCI without a target (and the contracts attached to none) in one
    line. Pure: the figures may be masked already."""
    if chiffres.perimetre.epci is not None:
        return None
    objectifs = chiffres.objectifs_epci
    heures = {ligne.siren: ligne.heures_comptees for ligne in chiffres.par_epci}
    lignes = [
        LigneRapprochement(nom=nom, objectif_heures=objectif, heures_comptees=heures.get(siren, Decimal(0)))
        for siren, (nom, objectif) in objectifs.items()
    ]
    autres = [ligne for ligne in chiffres.par_epci if ligne.siren not in objectifs]
    lignes.append(
        LigneRapprochement(
            nom=SANS_OBJECTIF,
            objectif_heures=None,
            heures_comptees=_somme([ligne.heures_comptees for ligne in autres]),
            nb_epci=len([ligne for ligne in autres if ligne.siren is not None]),
        )
    )
    return Rapprochement(
        objectif_departement=chiffres.synthese.objectif_heures,
        somme_objectifs_epci=sum(objectif for _, objectif in objectifs.values()),
        lignes=lignes,
    )
