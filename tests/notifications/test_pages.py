"""The list of one's own notifications, marking them read, the e-mail preference, the navigation badge."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification, PreferenceNotification
from tests.factories import NotificationFactory
from tests.requetes import assert_autant_de_requetes, requetes_de_la_page

pytestmark = pytest.mark.django_db

LISTE = reverse("notifications:liste")
PREFERENCES = reverse("notifications:preferences")


def _marquer(pk):
    return reverse("notifications:marquer_lue", args=[pk])


def test_la_liste_ne_montre_que_les_siennes_plus_recentes_d_abord(client, agent_a, agent_b):
    maintenant = timezone.now()
    ancienne = NotificationFactory(
        destinataire=agent_a,
        titre="Ancienne",
        cree_le=maintenant - datetime.timedelta(days=3),
        lue_le=maintenant,
    )
    recente = NotificationFactory(destinataire=agent_a, titre="Récente", cree_le=maintenant)
    NotificationFactory(destinataire=agent_b, titre="Celle de B")

    client.force_login(agent_a)
    reponse = client.get(LISTE)

    assert reponse.status_code == 200
    assert list(reponse.context["page"].object_list) == [recente, ancienne]
    contenu = reponse.content.decode()
    assert "Celle de B" not in contenu
    assert contenu.count("Non lue") == 1  # the unread one is highlighted, in words too
    assert "list-group-item-primary" in contenu
    assert f'href="{recente.lien}"' in contenu
    assert "Tout marquer comme lu" in contenu


def test_un_lecteur_a_une_liste_vide(client, lecteur):
    client.force_login(lecteur)
    reponse = client.get(LISTE)
    assert reponse.status_code == 200
    assert "Vous n'avez aucune notification." in reponse.content.decode()


def test_marquer_comme_lue(client, agent_a):
    notification = NotificationFactory(destinataire=agent_a)
    client.force_login(agent_a)
    reponse = client.post(_marquer(notification.pk), {"page": "2"})
    assert reponse.status_code == 302
    assert reponse["Location"] == f"{LISTE}?page=2"
    notification.refresh_from_db()
    assert notification.lue_le is not None


@pytest.mark.parametrize("qui", ["agent_b", "departement", "superuser", "lecteur_a"])
def test_la_notification_d_un_autre_repond_404(client, request, agent_a, qui):
    notification = NotificationFactory(destinataire=agent_a)
    client.force_login(request.getfixturevalue(qui))
    assert client.post(_marquer(notification.pk)).status_code == 404
    notification.refresh_from_db()
    assert notification.lue_le is None


def test_tout_marquer_lu_ne_touche_que_les_siennes(client, agent_a, agent_b):
    NotificationFactory.create_batch(2, destinataire=agent_a)
    autre = NotificationFactory(destinataire=agent_b)
    client.force_login(agent_a)
    reponse = client.post(reverse("notifications:tout_marquer_lu"), follow=True)
    assert "2 notifications marquées comme lues." in reponse.content.decode()
    assert not Notification.objects.filter(destinataire=agent_a, lue_le__isnull=True).exists()
    autre.refresh_from_db()
    assert autre.lue_le is None


def test_preference_des_courriels(client, agent_a):
    client.force_login(agent_a)
    reponse = client.get(PREFERENCES)
    assert reponse.status_code == 200
    assert reponse.context["form"]["recevoir_courriels"].value() is True
    assert 'for="id_recevoir_courriels"' in reponse.content.decode()

    reponse = client.post(PREFERENCES, {}, follow=True)  # box unticked
    assert PreferenceNotification.objects.get(utilisateur=agent_a).recevoir_courriels is False
    assert "Vous ne recevez pas ces notifications par courriel." in reponse.content.decode()

    client.post(PREFERENCES, {"recevoir_courriels": "on"})
    assert PreferenceNotification.objects.get(utilisateur=agent_a).recevoir_courriels is True


@pytest.mark.parametrize("page", ["0", "-1", "abc", "9" * 50])
def test_page_invalide_demande_invalide(client, agent_a, page):
    client.force_login(agent_a)
    reponse = client.get(LISTE, {"page": page})
    assert reponse.status_code == 400
    assert "page" in reponse.content.decode()


def test_la_liste_ne_grossit_pas_en_requetes(client, agent_a):
    client.force_login(agent_a)
    NotificationFactory.create_batch(2, destinataire=agent_a)
    _, avec_n = requetes_de_la_page(client, LISTE)
    NotificationFactory.create_batch(18, destinataire=agent_a)
    _, avec_10_n = requetes_de_la_page(client, LISTE)
    assert_autant_de_requetes(avec_n, avec_10_n)


def _requetes_du_badge(client):
    client.get("/")
    with CaptureQueriesContext(connection) as capture:
        reponse = client.get("/")
    return reponse, [q["sql"] for q in capture.captured_queries if "notifications_notification" in q["sql"]]


def test_le_badge_compte_les_non_lues_en_une_requete(client, agent_a, agent_b):
    NotificationFactory.create_batch(3, destinataire=agent_a)
    NotificationFactory(destinataire=agent_a, lue_le=timezone.now())
    NotificationFactory(destinataire=agent_b)
    client.force_login(agent_a)

    reponse, requetes = _requetes_du_badge(client)

    assert len(requetes) == 1
    contenu = reponse.content.decode()
    assert 'badge rounded-pill text-bg-warning">3<span class="visually-hidden"> non lues</span>' in contenu

    NotificationFactory.create_batch(27, destinataire=agent_a)
    reponse, requetes = _requetes_du_badge(client)
    assert len(requetes) == 1
    assert ">30<" in reponse.content.decode()


def test_pas_de_badge_sans_notification_non_lue(client, lecteur):
    client.force_login(lecteur)
    reponse, requetes = _requetes_du_badge(client)
    assert len(requetes) == 1
    contenu = reponse.content.decode()
    assert f'href="{LISTE}">Notifications</a>' in contenu
    assert "non lue" not in contenu
