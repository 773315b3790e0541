"""Each rule of `insertion.regles`, at its bounds: the one place the rules themselves are tested.

The grid, the statement import, the services and the constraints call these functions; their own tests
check that they do, not the thresholds again.
"""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest

from insertion import regles
from insertion.enums import Statut

D = datetime.date
DEPARTEMENT = SimpleNamespace(voit_tout=True)
AGENT = SimpleNamespace(voit_tout=False)
MARCHE = SimpleNamespace(
    reference="2026-T-001",
    libelle="Mairie d'Essai — 2026-T-001 — Voirie",
    date_debut=D(2026, 3, 15),
    date_fin=D(2026, 9, 10),
)


@pytest.mark.parametrize(
    ("heures", "valide"),
    [("0", False), ("0.01", True), ("744", True), ("744.01", False), ("-1", False)],
)
def test_heures_d_une_ligne(heures, valide):
    assert regles.heures_de_ligne_valides(Decimal(heures)) is valide


def test_message_des_heures_d_une_ligne():
    assert regles.MESSAGE_HEURES_LIGNE == (
        "Le nombre d'heures d'une ligne doit être supérieur à 0 et au plus 744 dans le mois."
    )


@pytest.mark.parametrize(
    ("total", "erreur", "alerte"),
    [("160", False, False), ("160.01", False, True), ("250", False, True), ("250.01", True, False)],
)
def test_total_mensuel_d_une_personne(total, erreur, alerte):
    arguments = {"personne": "MARTIN Camille", "mois": D(2026, 3, 1), "total": Decimal(total)}
    assert (regles.erreur_total_mensuel(**arguments) is not None) is erreur
    assert (regles.alerte_total_mensuel(**arguments) is not None) is alerte
    assert regles.total_mensuel_en_alerte(Decimal(total)) is (Decimal(total) > 160)


def test_messages_du_total_mensuel():
    refus = regles.erreur_total_mensuel(personne="MARTIN Camille", mois=D(2026, 3, 1), total=Decimal("251"))
    assert refus == (
        "MARTIN Camille totaliserait 251\u00a0h en mars 2026, tous marchés confondus : "
        "au-delà de 250\u00a0h par mois, la saisie est refusée."
    )
    alerte = regles.alerte_total_mensuel(
        personne="MARTIN Camille", mois=D(2026, 3, 1), total=Decimal("170.5")
    )
    assert (
        alerte
        == "MARTIN Camille totalise 170,5\u00a0h en mars 2026, tous marchés confondus (plus de 160\u00a0h)."
    )


@pytest.mark.parametrize(
    ("mois", "declarable"),
    [
        (D(2026, 2, 1), False),  # before the month the contract starts in
        (D(2026, 3, 1), True),  # the contract starts on the 15th: its month counts
        (D(2026, 9, 1), True),  # the contract ends on the 10th: its month counts
        (D(2026, 10, 1), False),
    ],
)
def test_mois_declarable_selon_l_execution(mois, declarable):
    erreur = regles.erreur_mois_declarable(marche=MARCHE, mois=mois, ce_mois=D(2026, 12, 1))
    assert (erreur is None) is declarable


def test_mois_non_commence():
    assert regles.erreur_mois_declarable(marche=MARCHE, mois=D(2026, 6, 1), ce_mois=D(2026, 6, 1)) is None
    erreur = regles.erreur_mois_declarable(marche=MARCHE, mois=D(2026, 7, 1), ce_mois=D(2026, 6, 1))
    assert erreur == "Impossible de déclarer des heures pour juillet 2026 : ce mois n'est pas commencé."


def test_message_hors_execution():
    erreur = regles.erreur_mois_declarable(marche=MARCHE, mois=D(2026, 10, 1), ce_mois=D(2026, 12, 1))
    assert erreur == (
        "Octobre 2026 est hors de la période d'exécution du marché Mairie d'Essai — 2026-T-001 — Voirie "
        "(du 15/03/2026 au 10/09/2026)."
    )


@pytest.mark.parametrize(
    ("statut", "user", "verrouillee"),
    [
        (Statut.VALIDEES, AGENT, True),
        (Statut.VALIDEES, DEPARTEMENT, False),
        (Statut.DECLAREES, AGENT, False),
        (Statut.REJETEES, AGENT, False),
    ],
)
def test_ligne_validee_verrouillee_pour_l_epci(statut, user, verrouillee):
    assert regles.ligne_verrouillee(statut=statut, user=user) is verrouillee


@pytest.mark.parametrize(("motif", "refuse"), [("", True), ("   ", True), (None, True), ("doublon", False)])
def test_un_rejet_est_motive(motif, refuse):
    assert (regles.erreur_motif_rejet(motif) == regles.MESSAGE_MOTIF_REJET) is refuse


@pytest.mark.parametrize(
    ("entrees", "message"),
    [
        (
            {"part_main_oeuvre": Decimal("-0.01")},
            "La part de main-d'œuvre est un pourcentage entre 0 et 100.",
        ),
        (
            {"part_main_oeuvre": Decimal("100.01")},
            "La part de main-d'œuvre est un pourcentage entre 0 et 100.",
        ),
        ({"taux_insertion": None}, "Le taux d'insertion est un pourcentage entre 0 et 100."),
        ({"cout_horaire": Decimal(0)}, "Le coût horaire doit être supérieur à 0 €/h."),
        (
            {"heures_fixees": Decimal(0)},
            "Les heures réservées fixées par le marché doivent être supérieures à 0.",
        ),
        ({"part_main_oeuvre": Decimal(0), "taux_insertion": Decimal(100)}, None),
    ],
)
def test_entrees_du_calibrage(entrees, message):
    valeurs = {
        "part_main_oeuvre": Decimal(50),
        "taux_insertion": Decimal(5),
        "cout_horaire": Decimal(30),
        "heures_fixees": None,
    }
    assert regles.erreur_entrees_calibrage(**(valeurs | entrees)) == message


@pytest.mark.parametrize(("heures", "refuse"), [(None, True), (Decimal(0), True), (Decimal(1), False)])
def test_un_calibrage_a_zero_heure_est_refuse(heures, refuse):
    erreur = regles.erreur_calibrage_nul(detail="1 000 € × 0 % × 5 % ÷ 30 €/h = 0 h", heures_reservees=heures)
    assert (erreur is not None) is refuse
    if refuse:
        assert erreur.startswith("Le calcul donne 1 000 € × 0 % × 5 % ÷ 30 €/h = 0 h : les heures réservées")
