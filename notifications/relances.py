"""The periodic notices of `envoyer_relances`, built on the rules of insertion.pilotage (never rewritten here).

- from the JOUR_DE_RELANCE of a month on, each active clerk of an EPCI whose contracts in execution last month
  have nothing declared for it gets one notice per EPCI and month, listing those contracts;
- each active Département account gets one notice per contract at risk, reason and month (the month of the day
  judged): a contract still at risk tomorrow is not notified again, next month it is.
"""

import datetime

from django.urls import reverse

from comptes.enums import Role
from comptes.models import User
from insertion.enums import MotifRisque
from insertion.pilotage import declarations_manquantes, marches_a_risque, mois_dernier
from notifications.enums import TypeNotification
from notifications.services import Avis, Bilan, agents_actifs, publier
from portail.formats import nombre
from portail.periodes import code_mois, libelle_mois, premier_jour

JOUR_DE_RELANCE = 10  # last month should be declared by the 10th


def _libelle_marche(marche) -> str:
    return f"marché {marche.libelle}"


def avis_declarations_manquantes(*, jour: datetime.date) -> list[Avis]:
    if jour.day < JOUR_DE_RELANCE:
        return []
    mois = mois_dernier(jour)
    avis = []
    for epci_id, agents in sorted(agents_actifs().items()):
        # A clerk's scope is their EPCI: the rules see exactly the contracts this EPCI must declare.
        for groupe in declarations_manquantes(user=agents[0], mois=mois, jour=jour):
            n = len(groupe.marches)
            s = "s" if n > 1 else ""
            titre = f"Déclaration de {libelle_mois(mois)} à faire : {nombre(n)} marché{s} sans heure déclarée"
            message = "\n".join(
                [
                    f"Aucune heure n'est déclarée pour {libelle_mois(mois)} sur ce{s} marché{s} en exécution :",
                    *(_libelle_marche(ligne.marche) for ligne in groupe.marches),
                ]
            )
            for agent in agents:
                avis.append(
                    Avis(
                        destinataire=agent,
                        type=TypeNotification.DECLARATION_MANQUANTE,
                        titre=titre,
                        message=message,
                        lien=reverse("saisie:choisir"),
                        cle=f"manquante:{epci_id}:{code_mois(mois)}",
                    )
                )
    return avis


def avis_marches_a_risque(*, jour: datetime.date) -> list[Avis]:
    agents = list(User.objects.filter(role=Role.DEPARTEMENT, is_active=True).order_by("pk"))
    if not agents:
        return []
    # Every Département account sees every contract: the rules are judged once.
    lignes = marches_a_risque(user=agents[0], jour=jour)
    mois = code_mois(premier_jour(jour))
    avis = []
    for ligne in lignes:
        marche = ligne.marche
        territoire = (
            f", {marche.epci.nom}" if marche.epci_id and marche.epci.nom != marche.acheteur.nom else ""
        )
        for code, motif in zip(ligne.codes, ligne.motifs, strict=True):
            for agent in agents:
                avis.append(
                    Avis(
                        destinataire=agent,
                        type=TypeNotification.MARCHE_A_RISQUE,
                        titre=f"Marché {marche.libelle} à risque : {MotifRisque(code).label}",
                        message=f"{_libelle_marche(marche)}{territoire}.\n{motif}",
                        lien=reverse("marches:detail", kwargs={"pk": marche.pk}),
                        cle=f"risque:{marche.pk}:{code}:{mois}",
                    )
                )
    return avis


def envoyer_relances(*, jour: datetime.date, simulation: bool = False) -> Bilan:
    bilan = publier(avis=avis_declarations_manquantes(jour=jour), simulation=simulation)
    bilan += publier(avis=avis_marches_a_risque(jour=jour), simulation=simulation)
    return bilan
