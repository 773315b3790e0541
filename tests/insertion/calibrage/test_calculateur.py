"""Calibration of a clause: the calculator page, its defaults, saving and the service."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from insertion.models import Clause, ParametresCalibrage
from insertion.services import CalibrageInvalide, calibrer_clause
from marches.enums import NatureMarche
from tests.factories import ClauseFactory, UserFactory
from tests.insertion.calibrage.aides import MILLION, en_clair, enregistrer, non_calibree, texte, url_calibrer

pytestmark = pytest.mark.django_db


# --- the calculator page: GET --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("nature", "initial", "explication"),
    [
        (NatureMarche.TRAVAUX, (50, 5, 30), "1 000 000 € × 50 % × 5 % ÷ 30 €/h = 833 h"),
        (NatureMarche.SERVICES, (60, 5, 28), "1 000 000 € × 60 % × 5 % ÷ 28 €/h = 1 071 h"),
        (NatureMarche.FOURNITURES, (20, 5, 28), "1 000 000 € × 20 % × 5 % ÷ 28 €/h = 357 h"),
    ],
)
def test_valeurs_par_defaut_selon_la_nature(client, departement, nature, initial, explication):
    clause = non_calibree(lot__marche__nature=nature, lot__montant_ht=MILLION)
    client.force_login(departement)
    response = client.get(url_calibrer(clause))
    assert response.status_code == 200
    form = response.context["form"]
    assert not form.is_bound
    valeurs = tuple(form.initial[champ] for champ in ("part_main_oeuvre", "taux_insertion", "cout_horaire"))
    assert valeurs == tuple(Decimal(v) for v in initial)
    assert "heures_fixees" not in form.initial
    page = texte(response)
    assert f"valeurs par défaut pour un marché de {NatureMarche(nature).label}" in page
    assert explication in page
    assert "clause non calibrée" in page


def test_valeurs_par_defaut_modifiees_dans_l_administration(client, departement):
    clause = non_calibree(lot__montant_ht=MILLION)
    admin = UserFactory(admin=True)
    client.force_login(admin)
    parametres = ParametresCalibrage.objects.get(nature=NatureMarche.TRAVAUX)
    response = client.post(
        reverse("admin:insertion_parametrescalibrage_change", args=[parametres.pk]),
        {
            "nature": "travaux",
            "part_main_oeuvre": "50",
            "taux_insertion": "5",
            "cout_horaire": "25",
            "_save": "1",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    client.force_login(departement)
    response = client.get(url_calibrer(clause))
    assert response.context["form"].initial["cout_horaire"] == Decimal(25)
    assert "1 000 000 € × 50 % × 5 % ÷ 25 €/h = 1 000 h" in texte(response)


def test_administration_refuse_un_pourcentage_hors_bornes(client):
    client.force_login(UserFactory(admin=True))
    parametres = ParametresCalibrage.objects.get(nature=NatureMarche.SERVICES)
    response = client.post(
        reverse("admin:insertion_parametrescalibrage_change", args=[parametres.pk]),
        {
            "nature": "services",
            "part_main_oeuvre": "120",
            "taux_insertion": "5",
            "cout_horaire": "28",
            "_save": "1",
        },
    )
    assert response.status_code == 200
    assert "La part de main-d'œuvre est un pourcentage entre 0 et 100." in texte(response)
    parametres.refresh_from_db()
    assert parametres.part_main_oeuvre == Decimal(60)


def test_valeurs_enregistrees_pre_remplissent_le_formulaire(client, departement):
    clause = ClauseFactory(
        lot__montant_ht=MILLION,
        part_main_oeuvre=Decimal("40.00"),
        taux_insertion=Decimal("7.50"),
        cout_horaire=Decimal("35.00"),
        heures_reservees=Decimal(857),  # 1 000 000 × 40 % × 7,5 % ÷ 35 = 857,14
    )
    client.force_login(departement)
    response = client.get(url_calibrer(clause))
    form = response.context["form"]
    assert form.initial == {
        "part_main_oeuvre": Decimal(40),
        "taux_insertion": Decimal("7.5"),
        "cout_horaire": Decimal(35),
    }
    page = response.content.decode()
    assert 'value="7,5"' in page  # French decimal comma in the field, no trailing zeros
    assert 'value="40"' in page
    assert "valeurs enregistrées sur la clause" in texte(response)
    assert "valeurs par défaut" not in texte(response)
    assert "1 000 000 € × 40 % × 7,5 % ÷ 35 €/h = 857 h" in texte(response)


def test_valeurs_enregistrees_incompletes_completees_par_les_defauts(client, departement):
    clause = non_calibree(lot__montant_ht=MILLION, cout_horaire=Decimal(40))
    client.force_login(departement)
    form = client.get(url_calibrer(clause)).context["form"]
    assert form.initial == {
        "part_main_oeuvre": Decimal(50),
        "taux_insertion": Decimal(5),
        "cout_horaire": Decimal(40),
    }


def test_sans_valeur_par_defaut_le_formulaire_est_vide(client, departement):
    ParametresCalibrage.objects.filter(nature=NatureMarche.FOURNITURES).delete()
    clause = non_calibree(lot__marche__nature=NatureMarche.FOURNITURES)
    client.force_login(departement)
    response = client.get(url_calibrer(clause))
    assert response.status_code == 200
    assert response.context["form"].initial == {}
    assert response.context["calcul"] is None
    assert "aucune valeur par défaut n'est définie pour un marché de fournitures" in texte(response)


# --- preview and record --------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["apercu", None])
def test_apercu_sans_enregistrement(client, departement, action):
    clause = non_calibree(lot__montant_ht=MILLION)
    client.force_login(departement)
    donnees = {"part_main_oeuvre": "50", "taux_insertion": "5,5", "cout_horaire": "30", "heures_fixees": ""}
    if action:
        donnees["action"] = action
    response = client.post(url_calibrer(clause), donnees)
    assert response.status_code == 200
    assert "1 000 000 € × 50 % × 5,5 % ÷ 30 €/h = 917 h" in texte(response)
    assert "Aperçu : rien n'est encore enregistré." in texte(response)
    clause.refresh_from_db()
    assert clause.heures_reservees is None
    assert clause.taux_insertion is None
    assert clause.history.count() == 1


def test_enregistrement_de_l_exemple(client, departement):
    clause = non_calibree(lot__montant_ht=MILLION)
    client.force_login(departement)
    response = enregistrer(client, clause)
    assert response.status_code == 302
    assert response["Location"] == reverse("marches:detail", args=[clause.lot.marche_id])
    clause.refresh_from_db()
    assert clause.heures_reservees == Decimal(833)
    assert (clause.part_main_oeuvre, clause.taux_insertion, clause.cout_horaire) == (
        Decimal(50),
        Decimal(5),
        Decimal(30),
    )
    page = client.get(response["Location"])
    assert "Clause calibrée : 833 h réservées" in texte(page)
    assert "Recalculer" in texte(page)


def test_virgule_decimale_acceptee(client, departement):
    clause = non_calibree(lot__montant_ht=MILLION)
    client.force_login(departement)
    response = enregistrer(client, clause, taux_insertion="5,5", cout_horaire="28,50")
    assert response.status_code == 302
    clause.refresh_from_db()
    assert clause.taux_insertion == Decimal("5.5")
    assert clause.cout_horaire == Decimal("28.5")
    assert clause.heures_reservees == Decimal(965)  # 1 000 000 × 50 % × 5,5 % ÷ 28,5 = 964,9


@pytest.mark.parametrize(
    ("valeurs", "champ", "message"),
    [
        (
            {"part_main_oeuvre": "150"},
            "part_main_oeuvre",
            "La part de main-d'œuvre est un pourcentage entre 0 et 100.",
        ),
        (
            {"part_main_oeuvre": "-1"},
            "part_main_oeuvre",
            "La part de main-d'œuvre est un pourcentage entre 0 et 100.",
        ),
        (
            {"taux_insertion": "100,5"},
            "taux_insertion",
            "Le taux d'insertion est un pourcentage entre 0 et 100.",
        ),
        ({"taux_insertion": "cinq"}, "taux_insertion", "Indiquez un nombre, par exemple 5 ou 5,5."),
        ({"taux_insertion": "5,555"}, "taux_insertion", "Indiquez au plus deux chiffres après la virgule."),
        ({"taux_insertion": ""}, "taux_insertion", "Indiquez le taux d'insertion."),
        ({"cout_horaire": "0"}, "cout_horaire", "Le coût horaire doit être supérieur à 0 €/h."),
        ({"cout_horaire": "-30"}, "cout_horaire", "Le coût horaire doit être supérieur à 0 €/h."),
        ({"cout_horaire": ""}, "cout_horaire", "Indiquez le coût horaire."),
        (
            {"heures_fixees": "0"},
            "heures_fixees",
            "Les heures fixées par le marché doivent être supérieures à 0 ; laissez le champ vide pour retenir le calcul.",
        ),
        (
            {"taux_insertion": "0"},
            "__all__",
            "Le calcul donne 1 000 000 € × 50 % × 0 % ÷ 30 €/h = 0 h : les heures réservées doivent être "
            "supérieures à 0. Vérifiez la part de main-d'œuvre et le taux d'insertion, ou indiquez les heures "
            "fixées par le marché.",
        ),
    ],
)
def test_valeurs_invalides_refusees_sans_rien_enregistrer(client, departement, valeurs, champ, message):
    clause = non_calibree(lot__montant_ht=MILLION)
    client.force_login(departement)
    response = enregistrer(client, clause, **valeurs)
    assert response.status_code == 200
    erreurs = response.context["form"].errors
    assert [en_clair(e) for e in erreurs[champ]] == [message]
    page = texte(response)
    assert message in page
    assert "Le calibrage n'est pas enregistré : corrigez les champs signalés." in page
    clause.refresh_from_db()
    assert clause.heures_reservees is None
    assert clause.part_main_oeuvre is None
    assert clause.history.count() == 1


def test_heures_fixees_par_le_marche(client, departement):
    clause = non_calibree(lot__montant_ht=MILLION)
    client.force_login(departement)
    response = enregistrer(client, clause, heures_fixees="1 200")
    assert response.status_code == 302
    clause.refresh_from_db()
    assert clause.heures_reservees == Decimal(1200)
    # The inputs are stored all the same.
    assert (clause.part_main_oeuvre, clause.taux_insertion, clause.cout_horaire) == (
        Decimal(50),
        Decimal(5),
        Decimal(30),
    )
    assert "Clause calibrée : 1 200 h réservées" in texte(client.get(response["Location"]))
    assert clause.history.latest().history_change_reason == "calibrage : heures fixées par le marché"

    # Back on the calculator: the override is proposed again and explained.
    response = client.get(url_calibrer(clause))
    assert response.context["form"].initial["heures_fixees"] == Decimal(1200)
    page = texte(response)
    assert "1 200 h réservées, fixées à la main" in page
    assert "le calcul donnerait : 1 000 000 € × 50 % × 5 % ÷ 30 €/h = 833 h" in page


def test_apercu_des_heures_fixees(client, departement):
    clause = non_calibree(lot__montant_ht=MILLION)
    client.force_login(departement)
    donnees = {"part_main_oeuvre": "50", "taux_insertion": "5", "cout_horaire": "30", "heures_fixees": "1500"}
    response = client.post(url_calibrer(clause), donnees | {"action": "apercu"})
    calcul = response.context["calcul"]
    assert calcul.heures_reservees == Decimal(1500)
    assert calcul.heures_calculees == Decimal(833)
    assert "1 500 h réservées, fixées à la main" in texte(response)


def test_recalcul_sans_heures_fixees_revient_au_calcul(client, departement):
    clause = ClauseFactory(lot__montant_ht=MILLION, heures_reservees=Decimal(1200))
    client.force_login(departement)
    assert enregistrer(client, clause, cout_horaire="25").status_code == 302
    clause.refresh_from_db()
    assert clause.heures_reservees == Decimal(1000)
    assert clause.cout_horaire == Decimal(25)


def test_l_historique_enregistre_le_calibrage(client, departement):
    clause = non_calibree(lot__montant_ht=MILLION)
    avant = clause.history.count()
    client.force_login(departement)
    enregistrer(client, clause)
    assert clause.history.count() == avant + 1
    dernier = clause.history.latest()
    assert dernier.history_user == departement
    assert dernier.heures_reservees == Decimal(833)
    assert dernier.history_change_reason == "calibrage : calcul"
    changements = {c.field for c in dernier.diff_against(dernier.prev_record).changes}
    assert {"heures_reservees", "part_main_oeuvre", "taux_insertion", "cout_horaire"} <= changements


# --- the service on its own ----------------------------------------------------------------------


def test_service_hors_requete_note_l_auteur(departement):
    clause = non_calibree(lot__montant_ht=MILLION)
    calibrer_clause(
        user=departement,
        clause=clause,
        part_main_oeuvre=Decimal(50),
        taux_insertion=Decimal(5),
        cout_horaire=Decimal(30),
    )
    assert Clause.objects.get(pk=clause.pk).heures_reservees == Decimal(833)
    assert clause.history.latest().history_user == departement


@pytest.mark.parametrize("trait", ["agent_epci", "lecteur", "lecteur_epci"])
def test_service_reserve_au_departement(trait):
    clause = non_calibree()
    with pytest.raises(PermissionDenied):
        calibrer_clause(
            user=UserFactory(**{trait: True}),
            clause=clause,
            part_main_oeuvre=Decimal(50),
            taux_insertion=Decimal(5),
            cout_horaire=Decimal(30),
        )
    clause.refresh_from_db()
    assert clause.heures_reservees is None


@pytest.mark.parametrize(
    ("entrees", "message"),
    [
        ({"part_main_oeuvre": Decimal(101)}, "La part de main-d'œuvre est un pourcentage entre 0 et 100."),
        ({"taux_insertion": Decimal(-1)}, "Le taux d'insertion est un pourcentage entre 0 et 100."),
        ({"cout_horaire": Decimal(0)}, "Le coût horaire doit être supérieur à 0 €/h."),
        (
            {"heures_fixees": Decimal(0)},
            "Les heures réservées fixées par le marché doivent être supérieures à 0.",
        ),
        ({"taux_insertion": Decimal(0)}, "Le calcul donne"),
    ],
)
def test_service_refuse_les_entrees_invalides(departement, entrees, message):
    clause = non_calibree(lot__montant_ht=MILLION)
    valeurs = {"part_main_oeuvre": Decimal(50), "taux_insertion": Decimal(5), "cout_horaire": Decimal(30)}
    with pytest.raises(CalibrageInvalide) as erreur:
        calibrer_clause(user=departement, clause=clause, **(valeurs | entrees))
    assert str(erreur.value).startswith(message)
    assert clause.part_main_oeuvre is None  # the object passed in is left untouched
    clause.refresh_from_db()
    assert clause.heures_reservees is None
    assert clause.history.count() == 1


REQUETES_CALCULATEUR = 10  # session, user, savepoint, clause (with lot, contract, buyer), defaults, release,
# the session saved again (savepoint, update, release) so that it ends after 30 minutes of inactivity, and the
# unread notifications of the navigation badge


@pytest.mark.parametrize("nombre", [1, 20])
def test_requetes_calculateur(client, departement, django_assert_num_queries, nombre):
    marche = non_calibree().lot.marche
    for _ in range(nombre - 1):
        non_calibree(lot__marche=marche)
    clause = marche.lots.first().clause
    client.force_login(departement)
    with django_assert_num_queries(REQUETES_CALCULATEUR):
        assert client.get(url_calibrer(clause)).status_code == 200
