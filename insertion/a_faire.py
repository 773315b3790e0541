"""The home page's "À faire": per role, what is waiting and how many, each read in one query whatever the volume.

The counts are those of the pages they link to: the same scoped querysets (validation queue, clauses to
calibrate, employers to verify, contracts at risk, missing declarations).
"""

import datetime
from dataclasses import dataclass

from beneficiaires.enums import VerificationEligibilite
from beneficiaires.models import Beneficiaire, Eligibilite
from insertion.entreprises import entreprises_a_verifier
from insertion.enums import Statut
from insertion.models import HeuresRealisees
from insertion.pilotage import MarcheSansDeclaration, declarations_manquantes, marches_a_risque, mois_dernier
from insertion.selectors import clauses_a_calibrer, file_de_validation

# The home page lists this many rows of each kind; the count gives the rest.
LIGNES_AFFICHEES = 5


@dataclass
class AFaireAgent:
    """An EPCI clerk: last month to declare on these contracts, rejected lines to correct."""

    mois: datetime.date
    a_declarer: list[MarcheSansDeclaration]
    nb_rejetees: int
    rejetees: list[HeuresRealisees]

    @property
    def nb_a_declarer(self) -> int:
        return len(self.a_declarer)

    @property
    def rien(self) -> bool:
        return not (self.a_declarer or self.nb_rejetees)


@dataclass
class AFaireDepartement:
    nb_a_valider: int
    nb_a_calibrer: int
    nb_a_risque: int
    nb_employeurs_a_verifier: int
    nb_eligibilites_a_verifier: int

    @property
    def rien(self) -> bool:
        return not any(
            (
                self.nb_a_valider,
                self.nb_a_calibrer,
                self.nb_a_risque,
                self.nb_employeurs_a_verifier,
                self.nb_eligibilites_a_verifier,
            )
        )


def lignes_rejetees(*, user):
    """Rejected rows in the user's scope, waiting for the clerk's correction, last rejected first."""
    return (
        HeuresRealisees.objects.for_user(user)
        .filter(statut=Statut.REJETEES)
        .select_related("beneficiaire", "clause__lot__marche__acheteur")
        .order_by("-valide_le", "-pk")
    )


def eligibilites_a_verifier(*, user):
    """Publics declared by clerks that the Département has not verified yet, on people the user may see."""
    return Eligibilite.objects.filter(
        verification=VerificationEligibilite.DECLAREE, beneficiaire__in=Beneficiaire.objects.for_user(user)
    )


def a_faire_agent(*, user, jour: datetime.date) -> AFaireAgent:
    mois = mois_dernier(jour)
    groupes = declarations_manquantes(user=user, mois=mois, jour=jour)
    rejetees = lignes_rejetees(user=user)
    return AFaireAgent(
        mois=mois,
        a_declarer=[ligne for groupe in groupes for ligne in groupe.marches],
        nb_rejetees=rejetees.count(),
        rejetees=list(rejetees[:LIGNES_AFFICHEES]),
    )


def a_faire_departement(*, user, jour: datetime.date) -> AFaireDepartement:
    return AFaireDepartement(
        nb_a_valider=file_de_validation(user=user).filter(statut=Statut.DECLAREES).count(),
        nb_a_calibrer=clauses_a_calibrer(user=user).count(),
        nb_a_risque=len(marches_a_risque(user=user, jour=jour)),
        nb_employeurs_a_verifier=entreprises_a_verifier().count(),
        nb_eligibilites_a_verifier=eligibilites_a_verifier(user=user).count(),
    )
