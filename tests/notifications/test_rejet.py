"""Rejected lines reach the clerks who declared them: a notice in the portal, an e-mail without names."""

from decimal import Decimal

import pytest
from django.urls import reverse

from insertion.enums import Statut
from notifications.enums import TypeNotification
from notifications.models import Notification
from tests.factories import (
    BeneficiaireFactory,
    HeuresRealiseesFactory,
    PreferenceNotificationFactory,
    UserFactory,
)
from tests.www.validation.aides import MARS, URL, avec_versions

pytestmark = pytest.mark.django_db

MOTIF = "Heures déjà déclarées sur un autre marché."


@pytest.fixture
def collegue_a(epci_a):
    """Another clerk of EPCI A, who declared nothing."""
    return UserFactory(agent_epci=True, epci=epci_a)


@pytest.fixture
def lignes_de_a(clause_a, agent_a):
    personnes = [
        BeneficiaireFactory(nom="Lemarchand", prenom="Odile"),
        BeneficiaireFactory(nom="Tessier", prenom="Bruno"),
        BeneficiaireFactory(nom="Vallée", prenom="Inès"),
    ]
    return [
        HeuresRealiseesFactory(
            clause=clause_a, beneficiaire=p, mois=MARS, heures=Decimal(35), saisi_par=agent_a
        )
        for p in personnes
    ]


def _rejeter(client, departement, lignes, motif=MOTIF):
    client.force_login(departement)
    return client.post(
        URL, avec_versions({"action": "rejeter", "selection": [r.pk for r in lignes], "motif": motif})
    )


def test_le_rejet_previent_l_agent_qui_a_declare(
    client,
    departement,
    agent_a,
    collegue_a,
    agent_b,
    lignes_de_a,
    marche_a,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        reponse = _rejeter(client, departement, lignes_de_a)

    assert reponse.status_code == 302
    notification = Notification.objects.get()
    assert notification.destinataire == agent_a
    assert notification.type == TypeNotification.LIGNES_REJETEES
    assert notification.titre == f"3 lignes rejetées sur le marché {marche_a.libelle} pour mars 2026"
    # In the portal, the clerk sees their people and the reason.
    assert "LEMARCHAND Odile" in notification.message
    assert MOTIF in notification.message
    assert notification.lien == reverse(
        "saisie:grille", kwargs={"clause_pk": lignes_de_a[0].clause_id, "mois": "2026-03"}
    )
    assert notification.lue_le is None
    assert notification.courriel_envoye_le is not None
    # Nobody else: not the colleague of A who declared nothing, not EPCI B.
    assert not Notification.objects.filter(destinataire__in=[collegue_a, agent_b, departement]).exists()

    (courriel,) = mailoutbox
    assert courriel.to == [agent_a.email]
    assert f"3 lignes rejetées sur le marché {marche_a.libelle} pour mars 2026" in courriel.subject
    assert f"http://127.0.0.1:8000{notification.lien}" in courriel.body


def test_le_courriel_ne_nomme_personne(
    client, departement, lignes_de_a, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _rejeter(client, departement, lignes_de_a, motif="Odile Lemarchand n'a pas travaillé ce mois-là.")

    (courriel,) = mailoutbox
    texte = f"{courriel.subject}\n{courriel.body}".lower()
    for rangee in lignes_de_a:
        assert rangee.beneficiaire.nom.lower() not in texte
        assert rangee.beneficiaire.prenom.lower() not in texte
    assert "pas travaillé" not in texte  # the reason may name people: it stays in the portal


def test_le_courriel_part_apres_la_validation_de_la_transaction(
    client, departement, lignes_de_a, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as rappels:
        _rejeter(client, departement, lignes_de_a)
    assert mailoutbox == []  # not before the commit
    assert len(rappels) == 1
    rappels[0]()
    assert len(mailoutbox) == 1


def test_auteur_parti_tous_les_agents_actifs_de_l_epci(
    client,
    departement,
    agent_a,
    collegue_a,
    agent_b,
    lignes_de_a,
    mailoutbox,
    epci_a,
    django_capture_on_commit_callbacks,
):
    agent_a.is_active = False
    agent_a.save()
    inactif = UserFactory(agent_epci=True, epci=epci_a, is_active=False)

    with django_capture_on_commit_callbacks(execute=True):
        _rejeter(client, departement, lignes_de_a)

    assert set(Notification.objects.values_list("destinataire", flat=True)) == {collegue_a.pk}
    assert [c.to for c in mailoutbox] == [[collegue_a.email]]
    assert not Notification.objects.filter(destinataire__in=[inactif, agent_b, agent_a]).exists()


def test_ligne_saisie_par_le_departement_previent_les_agents_de_l_epci(
    client, departement, agent_a, collegue_a, clause_a, django_capture_on_commit_callbacks
):
    ligne = HeuresRealiseesFactory(clause=clause_a, mois=MARS, saisi_par=departement)
    with django_capture_on_commit_callbacks(execute=True):
        _rejeter(client, departement, [ligne])
    assert set(Notification.objects.values_list("destinataire", flat=True)) == {agent_a.pk, collegue_a.pk}
    assert Notification.objects.filter(titre__startswith="1 ligne rejetée sur le marché").count() == 2


def test_un_rejet_sur_deux_epci_une_notification_par_agent_et_ses_lignes(
    client,
    departement,
    agent_a,
    agent_b,
    lignes_de_a,
    clause_b,
    marche_b,
    django_capture_on_commit_callbacks,
):
    de_b = HeuresRealiseesFactory(clause=clause_b, mois=MARS, saisi_par=agent_b)
    with django_capture_on_commit_callbacks(execute=True):
        _rejeter(client, departement, [*lignes_de_a, de_b])

    pour_a = Notification.objects.get(destinataire=agent_a)
    pour_b = Notification.objects.get(destinataire=agent_b)
    assert pour_a.titre.startswith("3 lignes rejetées")
    assert pour_b.titre == f"1 ligne rejetée sur le marché {marche_b.libelle} pour mars 2026"
    assert str(de_b.beneficiaire) not in pour_a.message
    assert str(lignes_de_a[0].beneficiaire) not in pour_b.message


def test_preference_desactivee_la_notification_reste_sans_courriel(
    client, departement, agent_a, lignes_de_a, mailoutbox, django_capture_on_commit_callbacks
):
    PreferenceNotificationFactory(utilisateur=agent_a, recevoir_courriels=False)
    with django_capture_on_commit_callbacks(execute=True):
        _rejeter(client, departement, lignes_de_a)

    notification = Notification.objects.get(destinataire=agent_a)
    assert notification.courriel_envoye_le is None
    assert mailoutbox == []


def test_le_rejet_d_une_seule_ligne_previent_aussi(
    client, departement, agent_a, lignes_de_a, mailoutbox, django_capture_on_commit_callbacks
):
    ligne = lignes_de_a[0]
    client.force_login(departement)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            URL,
            {
                "rejeter_ligne": str(ligne.pk),
                f"motif_{ligne.pk}": MOTIF,
                f"version_{ligne.pk}": ligne.modifie_le.isoformat(),
            },
        )
    ligne.refresh_from_db()
    assert ligne.statut == Statut.REJETEES
    assert Notification.objects.get(destinataire=agent_a).titre.startswith("1 ligne rejetée")
    assert len(mailoutbox) == 1


def test_valider_ne_previent_personne(client, departement, lignes_de_a, mailoutbox):
    client.force_login(departement)
    client.post(URL, avec_versions({"action": "valider", "selection": [r.pk for r in lignes_de_a]}))
    assert not Notification.objects.exists()
    assert mailoutbox == []


def test_deux_rejets_deux_notifications(
    client, departement, agent_a, lignes_de_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _rejeter(client, departement, lignes_de_a[:1])
        _rejeter(client, departement, lignes_de_a[1:])
    titres = sorted(Notification.objects.filter(destinataire=agent_a).values_list("titre", flat=True))
    assert [t.split(" sur ")[0] for t in titres] == ["1 ligne rejetée", "2 lignes rejetées"]


class _ServeurEnPanne:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def send_messages(self, courriels):
        raise ConnectionRefusedError("SMTP injoignable")


def test_serveur_de_courriel_en_panne_la_notification_reste(
    client, departement, agent_a, lignes_de_a, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    monkeypatch.setattr("notifications.services.get_connection", _ServeurEnPanne)
    with django_capture_on_commit_callbacks(execute=True):
        reponse = _rejeter(client, departement, lignes_de_a)
    assert reponse.status_code == 302
    notification = Notification.objects.get(destinataire=agent_a)
    assert notification.courriel_envoye_le is None
    assert "Courriels de notification non envoyés (1)" in caplog.text
