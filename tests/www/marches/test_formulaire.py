"""Creating and changing a contract through its pages: buyer, lots, holders, clauses; every wrong input refused."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils.html import escape

from insertion.enums import BaseJuridique
from marches import regles
from marches.enums import TypeStructure
from marches.models import Acheteur, Entreprise, Lot, Marche
from tests.factories import AcheteurFactory, ClauseFactory, EntrepriseFactory, MarcheFactory, siret_aleatoire
from tests.www.marches.aides import get

pytestmark = pytest.mark.django_db
URL_NOUVEAU = reverse("marches:nouveau")


def _lot(index, **valeurs):
    return {f"lots-{index}-{cle}": valeur for cle, valeur in valeurs.items()}


def donnees(*lots, initiaux=0, **marche):
    """What the page posts: the contract, then `lots` (dicts of a lot's fields)."""
    champs = {
        "acheteur": "",
        "acheteur_siret": "",
        "acheteur_nom": "",
        "acheteur_type": "commune",
        "reference": "2026-T-002",
        "objet": "Rénovation de la piscine",
        "nature": "travaux",
        "montant_ht": "1 000 000",
        "date_notification": "",
        "date_debut": "2026-01-01",
        "date_fin": "2026-12-31",
        "epci": "",
        "clause_sociale": "on",
        "lots-TOTAL_FORMS": str(len(lots)),
        "lots-INITIAL_FORMS": str(initiaux),
        "lots-MIN_NUM_FORMS": "0",
        "lots-MAX_NUM_FORMS": "50",
    } | marche
    for index, lot in enumerate(lots):
        defauts = {"titulaire_type_structure": "entreprise", "base_juridique": ""}
        champs |= _lot(index, **(defauts | lot))
    return champs


def poster(client, user, url, data):
    client.force_login(user)
    return client.post(url, data)


def test_creer_un_marche_avec_deux_lots_un_titulaire_et_une_clause_calibree(client, departement, epci_a):
    acheteur = AcheteurFactory(epci=epci_a, nom="Mairie de Val-Témoin")
    connu = EntrepriseFactory(raison_sociale="Étanchéité Durand")
    nouveau_siret = siret_aleatoire()
    reponse = poster(
        client,
        departement,
        URL_NOUVEAU,
        donnees(
            {
                "numero": "1",
                "intitule": "Gros œuvre",
                "montant_ht": "600 000",
                "titulaire": nouveau_siret,
                "titulaire_raison_sociale": "Bâti Insertion",
                "titulaire_type_structure": "ei",
                "base_juridique": BaseJuridique.CONDITION_EXECUTION,
                "part_main_oeuvre": "50",
                "taux_insertion": "5",
                "cout_horaire": "30",
            },
            {
                "numero": "2",
                "intitule": "Étanchéité",
                "montant_ht": "400000",
                "titulaire": f"Étanchéité Durand ({connu.siret})",
                "base_juridique": BaseJuridique.RESERVE_SIAE,
                "heures_reservees": "150",
            },
            acheteur=str(acheteur.pk),
        ),
    )
    marche = Marche.objects.get(reference="2026-T-002")
    assert reponse.status_code == 302
    assert reponse.url == reverse("marches:detail", args=[marche.pk])
    assert marche.epci == epci_a
    lot1, lot2 = marche.lots.order_by("numero")
    assert lot1.titulaire.siret == nouveau_siret
    assert lot1.titulaire.type_structure == TypeStructure.EI
    assert lot1.clause.heures_reservees == Decimal(500)  # 600 000 × 50 % × 5 % ÷ 30
    assert lot2.titulaire == connu
    assert lot2.clause.heures_reservees == Decimal(150)
    assert marche.history.get().history_user == departement

    page = client.get(reponse.url).content.decode()
    assert escape(marche.libelle) in page
    assert "Mairie de Val-Témoin — 2026-T-002 — Rénovation de la piscine" in marche.libelle


def test_titulaire_par_son_nom_accents_ignores(client, departement):
    connu = EntrepriseFactory(raison_sociale="Élagage Vert")
    data = donnees(
        {"numero": "1", "intitule": "Élagage", "montant_ht": "1000", "titulaire": "elagage VERT"},
        acheteur=str(AcheteurFactory().pk),
    )
    assert poster(client, departement, URL_NOUVEAU, data).status_code == 302
    assert Lot.objects.get().titulaire == connu


def test_nouvel_acheteur_cree_depuis_la_page(client, departement, epci_b):
    siret = siret_aleatoire()
    data = donnees(
        {"numero": "1", "intitule": "Lot unique", "montant_ht": "1000"},
        acheteur_siret=siret,
        acheteur_nom="Syndicat des eaux",
        acheteur_type="autre",
        epci=str(epci_b.pk),
    )
    assert poster(client, departement, URL_NOUVEAU, data).status_code == 302
    acheteur = Acheteur.objects.get(siret=siret)
    assert acheteur.nom == "Syndicat des eaux"
    assert Marche.objects.get().epci == epci_b


def _refus(reponse):
    assert reponse.status_code == 200
    assert not Marche.objects.filter(reference="2026-T-002", objet="Rénovation de la piscine").exists()
    return reponse.content.decode()


def test_reference_en_double_pour_le_meme_acheteur_refusee(client, departement):
    existant = MarcheFactory(reference="2026-T-002")
    lot = {"numero": "1", "intitule": "Lot", "montant_ht": "1000"}
    html = _refus(poster(client, departement, URL_NOUVEAU, donnees(lot, acheteur=str(existant.acheteur.pk))))
    assert escape(regles.MESSAGE_REFERENCE_EN_DOUBLE) in html
    assert 'id="id_reference_error"' in html  # on the field itself
    # The same reference for another buyer is accepted.
    reponse = poster(client, departement, URL_NOUVEAU, donnees(lot, acheteur=str(AcheteurFactory().pk)))
    assert reponse.status_code == 302
    assert Marche.objects.filter(reference="2026-T-002").count() == 2


@pytest.mark.parametrize(
    ("marche", "lots", "message"),
    [
        ({"date_fin": "2025-12-31"}, [{}], regles.MESSAGE_FIN_AVANT_DEBUT),
        ({"montant_ht": "-5"}, [{}], regles.MESSAGE_MONTANT_NEGATIF),
        ({}, [{"montant_ht": "-1"}], regles.MESSAGE_MONTANT_NEGATIF),
        ({}, [{}, {"intitule": "Autre"}], regles.MESSAGE_LOT_EN_DOUBLE.format(numero=1)),
        ({"acheteur": "", "acheteur_siret": "12345678901234", "acheteur_nom": "X"}, [{}], "clé de contrôle"),
        ({}, [{"titulaire": "12345678901234"}], "clé de contrôle"),
        ({}, [{"titulaire": "Entreprise inconnue"}], "Aucune entreprise connue ne porte ce nom"),
        ({}, [{"titulaire": siret_aleatoire()}], "indiquez sa raison sociale"),
        ({}, [{"part_main_oeuvre": "50"}], "Choisissez la base juridique"),
        (
            {},
            [
                {
                    "base_juridique": "L2112-2",
                    "part_main_oeuvre": "150",
                    "taux_insertion": "5",
                    "cout_horaire": "30",
                }
            ],
            "entre 0 et 100",
        ),
        ({}, [{"base_juridique": "L2112-2", "part_main_oeuvre": "50"}], "indiquez la part de main-d"),
        ({}, [{"base_juridique": "L2112-2", "heures_reservees": "0"}], "supérieures à 0"),
        ({"date_debut": "31/02/2026"}, [{}], "date valide"),
        ({"reference": ""}, [{}], "Indiquez la référence du marché."),
        ({}, [], regles.MESSAGE_SANS_LOT),
    ],
)
def test_saisie_invalide_message_en_francais_rien_d_ecrit(client, departement, marche, lots, message):
    acheteur = AcheteurFactory()
    lots = [{"numero": "1", "intitule": "Lot", "montant_ht": "1000"} | lot for lot in lots]
    data = donnees(*lots, **({"acheteur": str(acheteur.pk)} | marche))
    html = _refus(poster(client, departement, URL_NOUVEAU, data))
    assert escape(message) in html
    assert not Lot.objects.exists()
    assert Entreprise.objects.count() == 0


def test_modifier_un_marche_et_ses_lots(client, departement):
    clause = ClauseFactory(lot__numero=1, lot__intitule="Voirie", lot__montant_ht=Decimal("300000"))
    marche = clause.lot.marche
    url = reverse("marches:modifier", args=[marche.pk])
    page = get(client, departement, url)
    assert page.status_code == 200
    assert page.context["formset"].forms[0].initial["intitule"] == "Voirie"
    data = donnees(
        {
            "numero": "1",
            "intitule": "Voirie et réseaux",
            "montant_ht": "600000",
            "titulaire": clause.lot.titulaire.siret,
            "base_juridique": BaseJuridique.CONDITION_EXECUTION,
            "part_main_oeuvre": "50",
            "taux_insertion": "5",
            "cout_horaire": "30",
        },
        {"numero": "2", "intitule": "Signalisation", "montant_ht": "1000"},
        initiaux=1,
        acheteur=str(marche.acheteur.pk),
        reference=marche.reference,
        objet=marche.objet,
    )
    reponse = poster(client, departement, url, data)
    assert reponse.status_code == 302
    clause.refresh_from_db()
    assert clause.lot.intitule == "Voirie et réseaux"
    assert clause.heures_reservees == Decimal(500)
    assert marche.lots.count() == 2
    assert clause.lot.history.latest().history_change_reason == "modification depuis le portail"


def test_une_clause_existante_ne_peut_etre_retiree(client, departement):
    clause = ClauseFactory(lot__numero=1)
    marche = clause.lot.marche
    lot = {"numero": "1", "intitule": "Lot", "montant_ht": "1000", "base_juridique": ""}
    data = donnees(lot, initiaux=1, acheteur=str(marche.acheteur.pk), reference=marche.reference)
    reponse = poster(client, departement, reverse("marches:modifier", args=[marche.pk]), data)
    assert reponse.status_code == 200
    assert "elle ne peut être retirée" in reponse.content.decode()


def test_pages_du_formulaire_refusees_hors_departement(client, agent_a, lecteur, marche_a):
    for user in (agent_a, lecteur):
        assert get(client, user, URL_NOUVEAU).status_code == 404
        assert poster(client, user, URL_NOUVEAU, donnees()).status_code == 404
        assert (
            poster(client, user, reverse("marches:modifier", args=[marche_a.pk]), donnees()).status_code
            == 404
        )
    assert not Marche.objects.exclude(pk=marche_a.pk).exists()


def test_un_titulaire_etranger_reste_titulaire_a_la_modification(client, departement):
    etrangere = EntrepriseFactory(etrangere=True, raison_sociale="Bouw NV")
    clause = ClauseFactory(lot__numero=1, lot__titulaire=etrangere)
    marche = clause.lot.marche
    url = reverse("marches:modifier", args=[marche.pk])
    initial = get(client, departement, url).context["formset"].forms[0].initial
    assert initial["titulaire"] == f"Bouw NV ({etrangere.autre_identifiant})"
    lot = {
        "numero": "1",
        "intitule": "Lot modifié",
        "montant_ht": "1000",
        "titulaire": initial["titulaire"],
        "base_juridique": clause.base_juridique,
        "heures_reservees": "100",
    }
    data = donnees(lot, initiaux=1, acheteur=str(marche.acheteur.pk), reference=marche.reference)
    assert poster(client, departement, url, data).status_code == 302
    clause.lot.refresh_from_db()
    assert clause.lot.titulaire == etrangere
    assert clause.lot.intitule == "Lot modifié"
