"""French alphabetical order in the database (SQLite here, PostgreSQL in CI): accents and case aside."""

import pytest
from django.db import connection
from django.urls import reverse

from beneficiaires.models import Beneficiaire
from beneficiaires.selectors import communes_du_departement
from insertion.selectors import personnes_proposees
from marches.models import Acheteur, Entreprise
from marches.selectors import epci_du_territoire
from portail.tri import cle_francaise, ordre_francais
from territoires.models import Commune, Epci
from tests.factories import (
    AcheteurFactory,
    BeneficiaireFactory,
    ClauseFactory,
    CommuneFactory,
    EntrepriseFactory,
    EpciFactory,
    HeuresRealiseesFactory,
)

pytestmark = pytest.mark.django_db

# In French order; a byte order puts "briollay" after the capitals and "Écouflant", "Étriché" after "Zola".
COMMUNES = ["Angers", "Avrillé", "briollay", "Écouflant", "Erdre", "Étriché", "Feneu", "Zola"]
PRENOMS = ["Eliott", "Elodie", "Élodie", "Emma", "éric", "Zoé"]


def _melange(noms):
    return noms[1::2] + noms[::2]


def test_cle_francaise_en_python():
    assert sorted(_melange(COMMUNES), key=cle_francaise) == COMMUNES
    assert sorted(_melange(PRENOMS), key=cle_francaise) == PRENOMS


def test_communes_et_epci_dans_l_ordre_francais():
    epci = EpciFactory(nom="Écouflant et environs")
    for nom in _melange(COMMUNES):
        CommuneFactory(nom=nom, epci=epci)
    epcis = [EpciFactory(nom="Zola Agglomération").pk, EpciFactory(nom="Angers Loire Métropole").pk, epci.pk]
    communes = Commune.objects.filter(epci=epci)
    assert [c.nom for c in communes] == COMMUNES
    assert [c.nom for c in communes.order_by(ordre_francais("-nom"))] == COMMUNES[::-1]
    assert [c.nom for c in communes_du_departement().filter(epci=epci)] == COMMUNES
    attendus = ["Angers Loire Métropole", "Écouflant et environs", "Zola Agglomération"]
    assert [e.nom for e in epci_du_territoire().filter(pk__in=epcis)] == attendus
    assert [e.nom for e in Epci.objects.filter(pk__in=epcis)] == attendus


def test_entreprises_et_acheteurs_dans_l_ordre_francais():
    noms = ["Atelier du Val", "entreprise Dupuis", "Établissements Martin", "Œuvres réunies", "Ouest BTP"]
    for nom in _melange(noms):
        EntrepriseFactory(raison_sociale=nom)
        AcheteurFactory(nom=nom)
    assert [e.raison_sociale for e in Entreprise.objects.filter(raison_sociale__in=noms)] == noms
    assert [a.nom for a in Acheteur.objects.filter(nom__in=noms)] == noms


def test_personnes_dans_l_ordre_francais(agent_a):
    personnes = [BeneficiaireFactory(nom="Dupont", prenom=prenom) for prenom in _melange(PRENOMS)]
    BeneficiaireFactory(nom="Élan", prenom="Zoé")
    BeneficiaireFactory(nom="Zimmer", prenom="Anna")
    tous = Beneficiaire.objects.all()
    assert [(b.nom, b.prenom) for b in tous] == [
        *(("Dupont", prenom) for prenom in PRENOMS),
        ("Élan", "Zoé"),
        ("Zimmer", "Anna"),
    ]
    clause = ClauseFactory(lot__marche__epci=agent_a.epci)
    for personne in personnes:
        HeuresRealiseesFactory(clause=clause, beneficiaire=personne)
    proposees = personnes_proposees(user=agent_a, clause=clause, public_ids=[])
    assert [p.prenom for p in proposees] == PRENOMS


def test_liste_des_beneficiaires_triee_dans_l_ordre_francais(client, departement):
    client.force_login(departement)
    for nom in _melange(COMMUNES):
        BeneficiaireFactory(nom=nom)
    url = reverse("beneficiaires:liste")
    for tri, attendu in (("", COMMUNES), ("nom", COMMUNES), ("-nom", COMMUNES[::-1])):
        contenu = client.get(url, {"sort": tri} if tri else {}).content.decode()
        positions = [contenu.index(f">{nom}<") for nom in attendu]
        assert positions == sorted(positions), tri


def test_la_base_compare_avec_sa_collation_francaise():
    sql = str(Commune.objects.order_by(ordre_francais("nom")).query)
    attendu = {"sqlite": "COLLATE portail_fr", "postgresql": 'COLLATE "fr-x-icu"'}[connection.vendor]
    assert f"{attendu} ASC" in sql
