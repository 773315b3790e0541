"""envoyer_relances: missing declarations from the 10th, contracts at risk; idempotent, with a dry run."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command

from insertion.pilotage import marches_a_risque
from notifications.enums import TypeNotification
from notifications.models import Notification
from tests.factories import HeuresRealiseesFactory, PreferenceNotificationFactory, UserFactory

pytestmark = pytest.mark.django_db

LE_10_AVRIL = datetime.date(2026, 4, 10)
MARS = datetime.date(2026, 3, 1)


def relancer(*arguments):
    sortie = io.StringIO()
    call_command("envoyer_relances", *arguments, stdout=sortie)
    return sortie.getvalue()


@pytest.fixture
def situation(departement, agent_a, agent_b, epci_a, clause_a, clause_b):
    """EPCI A declared nothing for March 2026; EPCI B did. A second clerk of A; a reader, who gets nothing."""
    HeuresRealiseesFactory(clause=clause_b, mois=MARS, saisi_par=agent_b)
    return {"collegue_a": UserFactory(agent_epci=True, epci=epci_a), "lecteur": UserFactory(lecteur=True)}


def _faits():
    return sorted(Notification.objects.values_list("destinataire__username", "cle"))


def test_declaration_manquante_aux_agents_de_l_epci(
    situation, agent_a, agent_b, epci_a, marche_a, mailoutbox
):
    relancer("--date", "2026-04-10")

    manquantes = Notification.objects.filter(type=TypeNotification.DECLARATION_MANQUANTE)
    assert set(manquantes.values_list("destinataire", flat=True)) == {agent_a.pk, situation["collegue_a"].pk}
    notification = manquantes.get(destinataire=agent_a)
    assert notification.cle == f"manquante:{epci_a.pk}:2026-03"
    assert notification.titre == "Déclaration de mars 2026 à faire : 1 marché sans heure déclarée"
    assert marche_a.reference in notification.message
    assert notification.lien == "/saisie/"
    assert not Notification.objects.filter(destinataire__in=[agent_b, situation["lecteur"]]).exists()
    courriel = next(c for c in mailoutbox if c.to == [agent_a.email])
    assert marche_a.reference in courriel.body  # no person in it: the contract list travels


def test_marches_a_risque_au_departement(situation, departement, agent_a):
    relancer("--date", "2026-04-10")

    attendus = {
        f"risque:{ligne.marche.pk}:{code}:2026-04"
        for ligne in marches_a_risque(user=departement, jour=LE_10_AVRIL)
        for code in ligne.codes
    }
    assert attendus  # the cast's contracts are behind pace on that day
    risques = Notification.objects.filter(type=TypeNotification.MARCHE_A_RISQUE)
    assert set(risques.values_list("cle", flat=True)) == attendus
    assert set(risques.values_list("destinataire", flat=True)) == {departement.pk}
    assert not risques.filter(destinataire=agent_a).exists()


def test_deux_fois_le_meme_jour_un_seul_message_par_fait(situation, mailoutbox):
    premiere = relancer("--date", "2026-04-10")
    faits, courriels = _faits(), len(mailoutbox)
    assert faits and courriels == len(faits)
    assert (
        f"{len(faits)} notifications créées, {courriels} courriels envoyés, 0 déjà envoyée auparavant"
        in premiere
    )

    seconde = relancer("--date", "2026-04-10")

    assert _faits() == faits
    assert len(mailoutbox) == courriels
    assert f"0 notification créée, 0 courriel envoyé, {len(faits)} déjà envoyées auparavant" in seconde
    # One notice per recipient and fact.
    assert len(set(faits)) == len(faits)


def test_rien_de_nouveau_dans_le_mois_de_nouveau_le_mois_suivant(situation, epci_a, epci_b):
    relancer("--date", "2026-04-10")
    avril = set(Notification.objects.values_list("destinataire", "cle"))
    relancer("--date", "2026-04-20")
    assert (
        set(Notification.objects.values_list("destinataire", "cle")) == avril
    )  # still at risk: not repeated

    relancer("--date", "2026-05-11")
    nouvelles = {cle for _, cle in set(Notification.objects.values_list("destinataire", "cle")) - avril}
    assert any(cle.startswith("risque:") and cle.endswith(":2026-05") for cle in nouvelles)
    # April: nothing declared in either EPCI.
    assert {f"manquante:{epci_a.pk}:2026-04", f"manquante:{epci_b.pk}:2026-04"} <= nouvelles


def test_simulation_n_ecrit_ni_n_envoie_rien(situation, mailoutbox):
    sortie = relancer("--date", "2026-04-10", "--dry-run")
    assert not Notification.objects.exists()
    assert mailoutbox == []
    assert "simulation : rien n'est écrit ni envoyé" in sortie
    assert "notifications seraient créées" in sortie
    # The dry run announces what the real run then does.
    vraie = relancer("--date", "2026-04-10")
    assert sortie.splitlines()[1:-1] == vraie.splitlines()[1:-1]


def test_avant_le_10_pas_de_relance_des_declarations(situation):
    sortie = relancer("--date", "2026-04-09")
    assert not Notification.objects.filter(type=TypeNotification.DECLARATION_MANQUANTE).exists()
    assert Notification.objects.filter(type=TypeNotification.MARCHE_A_RISQUE).exists()
    assert "Avant le 10 du mois : pas de relance des déclarations du mois dernier." in sortie


def test_preference_desactivee_notification_sans_courriel(situation, agent_a, mailoutbox):
    PreferenceNotificationFactory(utilisateur=agent_a, recevoir_courriels=False)
    sortie = relancer("--date", "2026-04-10")
    notification = Notification.objects.get(destinataire=agent_a)
    assert notification.courriel_envoye_le is None
    assert agent_a.email not in {adresse for c in mailoutbox for adresse in c.to}
    total = Notification.objects.count()
    assert f"{total} notifications créées, {total - 1} courriels envoyés" in sortie


def test_la_sortie_dit_ce_qui_part(situation, agent_a):
    sortie = relancer("--date", "2026-04-10")
    assert sortie.startswith("Relances du 10/04/2026 :")
    assert f"- {agent_a.username} : Déclaration de mars 2026 à faire" in sortie


@pytest.mark.parametrize("date", ["10/04/2026", "2026-13-01", "demain"])
def test_date_invalide_refusee_en_francais(date):
    with pytest.raises(CommandError, match="AAAA-MM-JJ"):
        relancer("--date", date)


def test_les_liens_des_courriels_commencent_par_l_adresse_du_portail(
    situation, agent_a, settings, mailoutbox
):
    settings.ADRESSE_DU_PORTAIL = "https://clauses.example"
    relancer("--date", "2026-04-10")
    courriel = next(c for c in mailoutbox if c.to == [agent_a.email])
    assert "Voir le portail : https://clauses.example/saisie/" in courriel.body
    assert "https://clauses.example/compte/notifications/" in courriel.body  # where to turn them off
