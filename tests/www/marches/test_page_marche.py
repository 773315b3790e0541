"""Contracts pages: the page of one contract."""

from decimal import Decimal

import pytest
from django.urls import reverse

from insertion.enums import Statut
from portail.periodes import mois_courant
from tests.factories import (
    BeneficiaireFactory,
    ClauseFactory,
    HeuresRealiseesFactory,
)
from tests.requetes import assert_autant_de_requetes, requetes_de_la_page
from tests.www.marches.aides import NBSP, D, get, url_marche

pytestmark = pytest.mark.django_db


# --- contract page -------------------------------------------------------------------------------


def test_page_marche_pour_l_agent(client, jeu, agent_a):
    response = get(client, agent_a, url_marche(jeu["a1"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Mairie de Pommeraye-Témoin" in html
    assert "Réhabilitation de la salle des fêtes" in html
    assert f"1{NBSP}000{NBSP}000,00{NBSP}€" in html
    assert "du 01/03/2023 au 30/06/2024" in html
    assert "CC Alpha" in html
    assert "Clause sociale" in html
    assert "Bâtiments Durand" in html
    assert "condition d&#x27;exécution (L2112-2)" in html
    # 1 000 000 € × 50 % × 5 % ÷ 30 €/h ≈ 833 h, while 1 000 h were retained.
    assert "montant HT × part de main-d'œuvre × taux d'insertion ÷ coût horaire" in html
    assert f"≈ 833{NBSP}h" in html
    assert "diffèrent du calcul" in html
    assert f"20,0{NBSP}%" in html
    # Finished contract: the entry link points at its last month.
    assert reverse("saisie:grille", args=[jeu["clause_a1"].pk, "2024-06"]) in html


def test_page_marche_heures_par_mois(client, jeu, agent_a):
    response = get(client, agent_a, url_marche(jeu["a1"]))
    par_mois = [(m["mois"], m["validees"], m["declarees"]) for m in response.context["par_mois"]]
    assert par_mois == [
        (D(2023, 5, 1), Decimal(120), Decimal(0)),
        (D(2023, 6, 1), Decimal(80), Decimal(0)),
        (D(2024, 1, 1), Decimal(0), Decimal(50)),
    ]  # February 2024 held only rejected hours
    assert response.context["total_mois"] == {"validees": Decimal(200), "declarees": Decimal(50)}
    html = response.content.decode()
    assert "mai 2023" in html
    assert "février 2024" not in html


def test_page_marche_en_cours_lien_vers_le_mois_courant(client, jeu, agent_a):
    response = get(client, agent_a, url_marche(jeu["a2"]))
    html = response.content.decode()
    assert reverse("saisie:grille", args=[jeu["clause_a2"].pk, f"{mois_courant():%Y-%m}"]) in html
    assert "clause non calibrée" in html
    assert "(lots calibrés seulement)" in html
    assert f"25,0{NBSP}%" in html  # 100 validated ÷ 400 reserved on the contract
    assert response.context["totaux"]["declarees"] == Decimal(40)


def test_page_marche_a_venir_sans_lien_de_saisie(client, jeu, agent_a):
    html = get(client, agent_a, url_marche(jeu["a3"])).content.decode()
    assert "/saisie/" not in html.split('id="contenu"')[1]
    assert "La saisie des heures sera possible à partir du" in html
    assert "Aucune heure déclarée sur ce marché pour l'instant." in html


def test_lecteur_n_a_pas_de_lien_de_saisie(client, jeu, lecteur_a):
    response = get(client, lecteur_a, url_marche(jeu["a2"]))
    assert response.status_code == 200
    assert reverse("saisie:grille", args=[jeu["clause_a2"].pk, f"{mois_courant():%Y-%m}"]) not in (
        response.content.decode()
    )


def test_page_marche_d_un_autre_epci_introuvable(client, jeu, agent_a, agent_b, departement):
    assert get(client, agent_b, url_marche(jeu["a1"])).status_code == 404
    assert get(client, agent_a, url_marche(jeu["b1"])).status_code == 404
    assert get(client, agent_a, reverse("marches:detail", args=[999_999])).status_code == 404
    assert get(client, departement, url_marche(jeu["b1"])).status_code == 200


def _heures_du_marche(clause, personnes, debut, fin):
    """Rows `debut` to `fin` - 1, five a month from January 2018, every other one validated."""
    for i in range(debut, fin):
        mois = D(2018 + (i // 5) // 12, (i // 5) % 12 + 1, 1)
        statut = {"validees": True} if i % 2 else {}
        HeuresRealiseesFactory(clause=clause, beneficiaire=personnes[i % 5], mois=mois, **statut)


def test_requetes_detail_independantes_du_nombre_d_heures(client, agent_a, epci_a):
    clause = ClauseFactory(
        lot__marche__acheteur__epci=epci_a,
        lot__marche__date_debut=D(2018, 1, 1),
        lot__marche__date_fin=D(2026, 12, 31),
    )
    personnes = BeneficiaireFactory.create_batch(5)
    ClauseFactory(lot__marche=clause.lot.marche)  # a second lot
    client.force_login(agent_a)

    def page(nombre_de_mois):
        response, requetes = requetes_de_la_page(client, url_marche(clause.lot.marche))
        lignes = response.context["par_mois"]
        assert len(lignes) == nombre_de_mois
        total = sum(ligne["validees"] + ligne["declarees"] for ligne in lignes)
        assert total == sum(h.heures for h in clause.heures.exclude(statut=Statut.REJETEES))
        return requetes

    _heures_du_marche(clause, personnes, 0, 10)
    avec_n = page(2)
    _heures_du_marche(clause, personnes, 10, 100)
    avec_10_n = page(20)

    assert_autant_de_requetes(avec_n, avec_10_n)
