"""The statement awaiting confirmation: kept in the database for its owner, an hour, and taken once."""

import datetime
import hashlib
import io
import uuid

import pytest
from django.core.management import call_command
from django.utils import timezone

from insertion.models import HeuresRealisees, ReleveEnAttente
from insertion.services import prendre_releve_en_attente
from tests.factories import UserFactory
from tests.insertion.releves.aides import URL, deposer, fichier_xlsx, ligne

pytestmark = pytest.mark.django_db

INDISPONIBLE = "Le fichier à confirmer n'est plus disponible : déposez-le de nouveau."


def _en_attente(client, jeu) -> tuple[bytes, dict]:
    contenu = fichier_xlsx([ligne(jeu, heures="170")])
    reponse = deposer(client, contenu)
    assert reponse.context["resultat"].confirmation_requise
    confirmation = reponse.context["confirmation"]
    return contenu, {nom: str(confirmation[nom].value()) for nom in ("jeton", "empreinte")}


def _messages(reponse) -> list[str]:
    return [str(m) for m in reponse.context["messages"]]


def test_le_fichier_attend_en_base_pas_dans_la_session(client, jeu):
    client.force_login(jeu.agent)
    contenu, champs = _en_attente(client, jeu)

    en_attente = ReleveEnAttente.objects.get()
    assert en_attente.utilisateur == jeu.agent
    assert bytes(en_attente.contenu) == contenu
    assert en_attente.empreinte == champs["empreinte"] == hashlib.sha256(contenu).hexdigest()
    assert str(en_attente.jeton) == champs["jeton"]
    assert en_attente.expire_le - en_attente.cree_le == datetime.timedelta(hours=1)
    assert en_attente.nom == "releve.xlsx" and en_attente.lignes == 1
    session = client.session
    assert len(session.encode(dict(session.items()))) < 1000  # the file is not in the session

    confirme = client.post(URL, champs | {"je_confirme": "on"})
    assert confirme.context["resultat"].ecrit
    assert HeuresRealisees.objects.count() == 1
    assert not ReleveEnAttente.objects.exists()


def test_seul_son_auteur_peut_le_confirmer(client, jeu):
    client.force_login(jeu.agent)
    _, champs = _en_attente(client, jeu)

    collegue = UserFactory(agent_epci=True, epci=jeu.agent.epci)  # same EPCI, same contracts
    client.force_login(collegue)
    assert _messages(client.post(URL, champs | {"je_confirme": "on"})) == [INDISPONIBLE]
    assert _messages(client.post(URL, champs)) == [INDISPONIBLE]  # not even shown again
    assert not HeuresRealisees.objects.exists()
    assert ReleveEnAttente.objects.filter(utilisateur=jeu.agent).exists()  # its author still can

    client.force_login(jeu.agent)
    assert client.post(URL, champs | {"je_confirme": "on"}).context["resultat"].ecrit


def test_expire_apres_une_heure(client, jeu):
    client.force_login(jeu.agent)
    _, champs = _en_attente(client, jeu)
    en_attente = ReleveEnAttente.objects.get()
    # An hour and a second later: the deposit time shifted back rather than the clock moved forward, the
    # session would expire with it.
    decalage = datetime.timedelta(hours=1, seconds=1)
    ReleveEnAttente.objects.update(
        cree_le=en_attente.cree_le - decalage, expire_le=en_attente.expire_le - decalage
    )

    reponse = client.post(URL, champs | {"je_confirme": "on"})

    assert _messages(reponse) == [INDISPONIBLE]
    assert not HeuresRealisees.objects.exists()


def test_un_nouveau_depot_supprime_l_ancien_et_les_expires(client, jeu):
    autre = UserFactory(agent_epci=True)
    maintenant = timezone.now()
    for expire_le in (
        maintenant - datetime.timedelta(minutes=1),
        maintenant + datetime.timedelta(minutes=30),
    ):
        ReleveEnAttente.objects.create(
            utilisateur=autre,
            nom="ancien.csv",
            contenu=b"x",
            empreinte="0" * 64,
            lignes=1,
            cree_le=expire_le - datetime.timedelta(hours=1),
            expire_le=expire_le,
        )
    client.force_login(jeu.agent)
    _, premier = _en_attente(client, jeu)

    _, second = _en_attente(client, jeu)

    assert set(ReleveEnAttente.objects.values_list("utilisateur__username", "nom")) == {
        (autre.username, "ancien.csv"),  # the other clerk's unexpired one stays
        (jeu.agent.username, "releve.xlsx"),
    }
    assert _messages(client.post(URL, premier | {"je_confirme": "on"})) == [INDISPONIBLE]
    assert client.post(URL, second | {"je_confirme": "on"}).context["resultat"].ecrit


@pytest.mark.parametrize("jeton", ["", "pas-un-uuid", str(uuid.uuid4())])
def test_un_jeton_inconnu_ou_mal_forme(client, jeu, jeton):
    client.force_login(jeu.agent)
    _, champs = _en_attente(client, jeu)
    reponse = client.post(URL, champs | {"jeton": jeton, "je_confirme": "on"})
    assert reponse.status_code == 200
    assert _messages(reponse) == [INDISPONIBLE]
    assert not HeuresRealisees.objects.exists()


def test_pris_une_seule_fois(jeu, client):
    client.force_login(jeu.agent)
    _, champs = _en_attente(client, jeu)
    premier = prendre_releve_en_attente(user=jeu.agent, jeton=champs["jeton"], empreinte=champs["empreinte"])
    second = prendre_releve_en_attente(user=jeu.agent, jeton=champs["jeton"], empreinte=champs["empreinte"])
    assert premier is not None and second is None


def test_la_commande_purge_les_expires_seulement(jeu):
    maintenant = timezone.now()
    for minutes in (-5, 5):
        ReleveEnAttente.objects.create(
            utilisateur=jeu.agent,
            nom=f"{minutes}.csv",
            contenu=b"x",
            empreinte="0" * 64,
            lignes=1,
            cree_le=maintenant - datetime.timedelta(hours=1),
            expire_le=maintenant + datetime.timedelta(minutes=minutes),
        )
    sortie = io.StringIO()
    call_command("purger_releves_en_attente", stdout=sortie)
    assert sortie.getvalue() == "Relevés en attente expirés supprimés : 1\n"
    assert list(ReleveEnAttente.objects.values_list("nom", flat=True)) == ["5.csv"]
