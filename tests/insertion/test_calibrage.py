""" "Clauses à calibrer" and the reserved-hours calculator: calculation, defaults, form, write, scope, queries."""

import html
import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from insertion.calibrage import calculer
from insertion.models import Clause, ParametresCalibrage
from insertion.services import CalibrageInvalide, calibrer_clause
from marches.enums import NatureMarche
from tests.factories import AcheteurFactory, ClauseFactory, EpciFactory, LotFactory, UserFactory
from tests.requetes import assert_autant_de_requetes, requetes_de_la_page
from www.calibrage.forms import CalibrageForm

pytestmark = pytest.mark.django_db

URL_LISTE = reverse("calibrage:liste")
NBSP = "\u00a0"
MILLION = Decimal("1000000")


def url_calibrer(clause):
    return reverse("calibrage:calibrer", args=[clause.pk])


def texte(response) -> str:
    """The page as a reader sees it: entities decoded, no-break spaces as spaces."""
    return html.unescape(response.content.decode()).replace(NBSP, " ")


def en_clair(valeur: str) -> str:
    return valeur.replace(NBSP, " ")


def definir_parametres(nature, part, taux, cout):
    return ParametresCalibrage.objects.update_or_create(
        nature=nature,
        defaults={
            "part_main_oeuvre": Decimal(part),
            "taux_insertion": Decimal(taux),
            "cout_horaire": Decimal(cout),
        },
    )[0]


@pytest.fixture(autouse=True)
def parametres():
    """The starting values of the data migration, set explicitly: a transactional test may have flushed them."""
    return {
        NatureMarche.TRAVAUX: definir_parametres(NatureMarche.TRAVAUX, 50, 5, 30),
        NatureMarche.SERVICES: definir_parametres(NatureMarche.SERVICES, 60, 5, 28),
        NatureMarche.FOURNITURES: definir_parametres(NatureMarche.FOURNITURES, 20, 5, 28),
    }


def non_calibree(**kwargs):
    return ClauseFactory(non_calibree=True, **kwargs)


def enregistrer(client, clause, **valeurs):
    donnees = {"part_main_oeuvre": "50", "taux_insertion": "5", "cout_horaire": "30", "heures_fixees": ""}
    return client.post(url_calibrer(clause), donnees | {"action": "enregistrer"} | valeurs)


# --- the calculation -----------------------------------------------------------------------------


def test_exemple_du_calculateur():
    lot = LotFactory.build(montant_ht=MILLION)
    calcul = calculer(
        lot=lot, part_main_oeuvre=Decimal(50), taux_insertion=Decimal(5), cout_horaire=Decimal(30)
    )
    assert calcul.heures_calculees == Decimal(833)
    assert calcul.heures_reservees == Decimal(833)
    assert not calcul.fixees_a_la_main
    assert en_clair(calcul.detail) == "1 000 000 € × 50 % × 5 % ÷ 30 €/h = 833 h"


@pytest.mark.parametrize(
    ("montant", "part", "taux", "cout", "attendu"),
    [
        ("800400", "50", "5", "20", 1001),  # 1 000,5 h: half-up, not to even (1 000)
        ("799600", "50", "5", "20", 1000),  # 999,5 h
        ("1000600", "50", "5", "30", 834),  # 833,83 h
        ("1000000", "50", "5", "30", 833),  # 833,33 h
        ("1000", "10", "1", "30", 0),  # 0,03 h
    ],
)
def test_arrondi_a_l_heure(montant, part, taux, cout, attendu):
    lot = LotFactory.build(montant_ht=Decimal(montant))
    calcul = calculer(
        lot=lot, part_main_oeuvre=Decimal(part), taux_insertion=Decimal(taux), cout_horaire=Decimal(cout)
    )
    assert calcul.heures_calculees == Decimal(attendu)


def test_explication_avec_decimales():
    lot = LotFactory.build(montant_ht=Decimal("1234567.89"))
    calcul = calculer(
        lot=lot,
        part_main_oeuvre=Decimal("42.5"),
        taux_insertion=Decimal("5.5"),
        cout_horaire=Decimal("28.50"),
    )
    # 1 234 567,89 × 0,425 × 0,055 ÷ 28,5 = 1 012,54… → 1 013 h
    assert en_clair(calcul.detail) == "1 234 567,89 € × 42,5 % × 5,5 % ÷ 28,50 €/h = 1 013 h"


def test_parametres_par_defaut_de_la_migration():
    migration = importlib.import_module("insertion.migrations.0003_parametres_calibrage_par_defaut")
    ParametresCalibrage.objects.all().delete()
    migration.creer_parametres(apps, None)
    valeurs = {
        p.nature: (p.part_main_oeuvre, p.taux_insertion, p.cout_horaire)
        for p in ParametresCalibrage.objects.all()
    }
    assert valeurs == {
        "travaux": (Decimal(50), Decimal(5), Decimal(30)),
        "services": (Decimal(60), Decimal(5), Decimal(28)),
        "fournitures": (Decimal(20), Decimal(5), Decimal(28)),
    }
    # Run again (e.g. a re-applied migration): values changed by the Département are kept.
    ParametresCalibrage.objects.filter(nature="travaux").update(cout_horaire=Decimal(32))
    migration.creer_parametres(apps, None)
    assert ParametresCalibrage.objects.get(nature="travaux").cout_horaire == Decimal(32)


# --- the form ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("saisie", "attendu"),
    [
        ("5,5", Decimal("5.5")),
        ("5.5", Decimal("5.5")),
        (" 5,5 % ", Decimal("5.5")),
        ("12,25", Decimal("12.25")),
        ("100", Decimal(100)),
        ("0", Decimal(0)),
    ],
)
def test_pourcentage_a_la_francaise(saisie, attendu):
    lot = LotFactory.build(montant_ht=MILLION)
    form = CalibrageForm(
        {"part_main_oeuvre": saisie, "taux_insertion": "5", "cout_horaire": "30", "heures_fixees": ""},
        lot=lot,
    )
    if attendu == 0:  # 0 % is a valid percentage, but gives 0 h
        assert not form.is_valid()
        assert list(form.errors) == ["__all__"]
    else:
        assert form.is_valid(), form.errors
        assert form.cleaned_data["part_main_oeuvre"] == attendu


@pytest.mark.parametrize(
    ("saisie", "attendu"),
    [("1 200", Decimal(1200)), (f"1{NBSP}200", Decimal(1200)), ("1\u202f200,5 h", Decimal("1200.5"))],
)
def test_heures_avec_separateur_de_milliers(saisie, attendu):
    lot = LotFactory.build(montant_ht=MILLION)
    form = CalibrageForm(
        {"part_main_oeuvre": "50", "taux_insertion": "5", "cout_horaire": "30 €/h", "heures_fixees": saisie},
        lot=lot,
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["heures_fixees"] == attendu
    assert form.cleaned_data["cout_horaire"] == Decimal(30)


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


# --- the list ------------------------------------------------------------------------------------


@pytest.fixture
def jeu(epci_a, epci_b):
    """The cast's two EPCI; uncalibrated clauses on both sides, calibrated ones that must not show."""
    alpha, beta = epci_a, epci_b
    mairie = AcheteurFactory(epci=alpha, nom="Mairie d'Alphaville")
    office = AcheteurFactory(epci=beta, nom="Office Beta Habitat")
    calibreur = AcheteurFactory(epci=beta, nom="Syndicat Toujours Calibré")
    return {
        "alpha": alpha,
        "beta": beta,
        "mairie": mairie,
        "office": office,
        "a1": non_calibree(
            lot__marche__acheteur=mairie,
            lot__marche__reference="A-001",
            lot__marche__nature=NatureMarche.TRAVAUX,
            lot__montant_ht=Decimal(200_000),
        ),
        "a2": non_calibree(
            lot__marche__acheteur=mairie,
            lot__marche__reference="A-002",
            lot__marche__nature=NatureMarche.SERVICES,
            lot__montant_ht=Decimal(1_500_000),
            lot__marche__marche_reserve=True,
        ),
        "b1": non_calibree(
            lot__marche__acheteur=office,
            lot__marche__reference="B-001",
            lot__marche__nature=NatureMarche.TRAVAUX,
            lot__montant_ht=Decimal(800_000),
        ),
        "b_calibree": ClauseFactory(lot__marche__acheteur=office, lot__marche__reference="B-CALIBREE"),
        "c_calibree": ClauseFactory(lot__marche__acheteur=calibreur, lot__marche__reference="C-CALIBREE"),
    }


def references(response):
    return [ligne.record.lot.marche.reference for ligne in response.context["table"].paginated_rows]


def test_liste_des_clauses_non_calibrees_par_montant_decroissant(client, departement, jeu):
    client.force_login(departement)
    response = client.get(URL_LISTE)
    assert response.status_code == 200
    assert references(response) == ["A-002", "B-001", "A-001"]
    page = texte(response)
    assert "Clauses à calibrer (3)" in page
    assert "B-CALIBREE" not in page
    assert "Syndicat Toujours Calibré" not in page  # not even in the buyer filter
    ligne = {c.name: v for c, v in response.context["table"].paginated_rows[0].items()}
    assert en_clair(ligne["montant_ht"]) == "1 500 000,00 €"
    assert ligne["nature"] == "services"
    assert ligne["epci"] == "CC Alpha"
    assert ligne["considerations_sociales"] == "Clause sociale, Marché réservé"
    assert ligne["date_notification"] == "15/01/2026"
    assert f'href="{reverse("marches:detail", args=[jeu["a2"].lot.marche_id])}"' in response.content.decode()
    assert f'href="{url_calibrer(jeu["a2"])}"' in response.content.decode()
    assert "<caption>" in response.content.decode()


def test_options_des_filtres_tirees_des_clauses_a_calibrer(client, departement, jeu):
    client.force_login(departement)
    formulaire = client.get(URL_LISTE).context["filtre"].form
    assert list(formulaire.fields["epci"].queryset) == [jeu["alpha"], jeu["beta"]]
    assert list(formulaire.fields["acheteur"].queryset) == [jeu["mairie"], jeu["office"]]
    assert [valeur for valeur, _ in formulaire.fields["nature"].choices] == ["", "travaux", "services"]


@pytest.mark.parametrize(
    ("filtre", "attendu"),
    [
        ({"epci": "beta"}, ["B-001"]),
        ({"nature": "travaux"}, ["B-001", "A-001"]),
        ({"acheteur": "mairie"}, ["A-002", "A-001"]),
        ({"nature": "travaux", "epci": "alpha"}, ["A-001"]),
    ],
)
def test_filtres(client, departement, jeu, filtre, attendu):
    client.force_login(departement)
    parametres = {cle: jeu[valeur].pk if valeur in jeu else valeur for cle, valeur in filtre.items()}
    assert references(client.get(URL_LISTE, parametres)) == attendu


def test_filtre_sans_resultat_et_filtre_invalide(client, departement, jeu):
    client.force_login(departement)
    response = client.get(URL_LISTE, {"nature": "fournitures"})
    assert references(response) == []
    assert "Aucune clause à calibrer ne correspond à ces critères." in texte(response)
    assert "Un filtre n'est pas valide" in texte(response)  # no uncalibrated supply contract: not an option


def test_tri_par_reference(client, departement, jeu):
    client.force_login(departement)
    assert references(client.get(URL_LISTE, {"sort": "marche"})) == ["A-001", "A-002", "B-001"]
    assert references(client.get(URL_LISTE, {"sort": "montant_ht"})) == ["A-001", "B-001", "A-002"]


def test_etat_vide(client, departement):
    ClauseFactory()
    client.force_login(departement)
    response = client.get(URL_LISTE)
    assert response.status_code == 200
    assert "Clauses à calibrer (0)" in texte(response)
    assert "Toutes les clauses sont calibrées." in texte(response)


# --- who may ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("qui", ["agent_a", "lecteur", "lecteur_a"])
def test_reserve_au_departement(client, request, jeu, qui):
    # An agent of the clause's own EPCI, a reader of the whole Département, a reader of that EPCI: all 404.
    client.force_login(request.getfixturevalue(qui))
    assert client.get(URL_LISTE).status_code == 404
    assert client.get(url_calibrer(jeu["a1"])).status_code == 404
    assert enregistrer(client, jeu["a1"]).status_code == 404
    jeu["a1"].refresh_from_db()
    assert jeu["a1"].heures_reservees is None


def test_clause_inconnue(client, departement):
    client.force_login(departement)
    assert client.get(reverse("calibrage:calibrer", args=[999_999])).status_code == 404


def test_visiteur_anonyme_renvoye_vers_la_connexion(client, jeu):
    for url in (URL_LISTE, url_calibrer(jeu["a1"])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"/connexion/?next={url}"
    response = enregistrer(client, jeu["a1"])
    assert response.status_code == 302
    jeu["a1"].refresh_from_db()
    assert jeu["a1"].heures_reservees is None


def test_boutons_de_la_page_marche(client, departement, agent_a, jeu):
    calibree = ClauseFactory(lot__marche=jeu["a1"].lot.marche)
    url = reverse("marches:detail", args=[jeu["a1"].lot.marche_id])
    client.force_login(departement)
    page = client.get(url).content.decode()
    assert f'href="{url_calibrer(jeu["a1"])}">Calibrer<' in page
    assert f'href="{url_calibrer(calibree)}">Recalculer<' in page
    client.force_login(agent_a)
    page = client.get(url).content.decode()
    assert "clause non calibrée" in page
    assert url_calibrer(jeu["a1"]) not in page
    assert url_calibrer(calibree) not in page


# --- query counts --------------------------------------------------------------------------------


def _clauses(acheteurs, debut, fin):
    for i in range(debut, fin):
        non_calibree(lot__marche__acheteur=acheteurs[i % 3], lot__montant_ht=Decimal(10_000 * (i + 1)))
        ClauseFactory(lot__marche__acheteur=acheteurs[i % 3])  # calibrated: left out


def test_requetes_liste_independantes_du_nombre_de_clauses(client, departement):
    acheteurs = [AcheteurFactory(epci=epci) for epci in EpciFactory.create_batch(3)]
    client.force_login(departement)
    parametres = {"sort": "-montant_ht", "per_page": 100}

    _clauses(acheteurs, 0, 10)
    response, avec_n = requetes_de_la_page(client, URL_LISTE, parametres)
    assert response.context["table"].paginator.count == 10
    assert len(response.context["table"].paginated_rows) == 10

    _clauses(acheteurs, 10, 100)
    response, avec_10_n = requetes_de_la_page(client, URL_LISTE, parametres)
    assert response.context["table"].paginator.count == 100
    assert len(response.context["table"].paginated_rows) == 100
    assert_autant_de_requetes(avec_n, avec_10_n)

    par_defaut = client.get(URL_LISTE, {"sort": "-montant_ht"})
    assert len(par_defaut.context["table"].paginated_rows) == 50  # pages of 50


REQUETES_CALCULATEUR = 6  # session, user, savepoint, clause (with lot, contract, buyer), defaults, release


@pytest.mark.parametrize("nombre", [1, 20])
def test_requetes_calculateur(client, departement, django_assert_num_queries, nombre):
    marche = non_calibree().lot.marche
    for _ in range(nombre - 1):
        non_calibree(lot__marche=marche)
    clause = marche.lots.first().clause
    client.force_login(departement)
    with django_assert_num_queries(REQUETES_CALCULATEUR):
        assert client.get(url_calibrer(clause)).status_code == 200
