import datetime
from decimal import Decimal

import pytest
from django.db import connection

from beneficiaires.enums import CodePublic, NiveauQualification, Sexe
from insertion.enums import Modalite, Statut
from portail.periodes import ajouter_mois, mois_courant, mois_precedent
from tests.factories import (
    AcheteurFactory,
    BeneficiaireFactory,
    ClauseFactory,
    CommuneFactory,
    EligibiliteFactory,
    EpciFactory,
    HeuresRealiseesFactory,
    MarcheFactory,
    ObjectifFactory,
    SortieFactory,
    UserFactory,
)

# --- the cast: two EPCI, a contract on each, one account per role ------------------------------------
# Every test module takes its people and objects from here (healthchecks' alice / bob / charlie), so that
# "agent_a" means the same clerk of the same EPCI everywhere. A test that needs another variant builds it
# under another, explicit name.

# The cast's contracts started before every fixed month the tests declare hours for (2025 and 2026) and end
# a year from now: they are in execution today, whenever the tests run.
DEBUT_DES_MARCHES = datetime.date(2025, 1, 1)


@pytest.fixture
def epci_a():
    return EpciFactory(nom="CC Alpha")


@pytest.fixture
def epci_b():
    return EpciFactory(nom="CC Beta")


@pytest.fixture
def departement():
    """Département staff: sees and does everything, validates the hours."""
    return UserFactory(departement=True, first_name="Claire", last_name="Validatrice")


@pytest.fixture
def agent_a(epci_a):
    """The clerk of EPCI A: enters the hours of A's contracts."""
    return UserFactory(agent_epci=True, epci=epci_a, first_name="Paul", last_name="Saisisseur")


@pytest.fixture
def agent_b(epci_b):
    return UserFactory(agent_epci=True, epci=epci_b)


@pytest.fixture
def lecteur():
    """A reader of the whole Département: figures, no person."""
    return UserFactory(lecteur=True)


@pytest.fixture
def lecteur_a(epci_a):
    """A reader locked to EPCI A."""
    return UserFactory(lecteur_epci=True, epci=epci_a)


@pytest.fixture
def superuser():
    return UserFactory(admin=True)


def _marche_en_cours(epci, **valeurs):
    return MarcheFactory(
        acheteur=AcheteurFactory(epci=epci),
        date_notification=DEBUT_DES_MARCHES - datetime.timedelta(days=15),
        date_debut=DEBUT_DES_MARCHES,
        date_fin=ajouter_mois(mois_courant(), 12),
        **valeurs,
    )


@pytest.fixture
def marche_a(epci_a):
    """A contract of a buyer of EPCI A, in execution today."""
    return _marche_en_cours(epci_a, reference="2025-VOIRIE-07", objet="Réfection de la voirie communale")


@pytest.fixture
def clause_a(marche_a):
    """The calibrated clause (833 h reserved) of lot 2 of marche_a."""
    return ClauseFactory(
        lot__marche=marche_a,
        lot__numero=2,
        lot__intitule="Terrassement",
        lot__titulaire__raison_sociale="Terrassements du Loir",
    )


@pytest.fixture
def marche_b(epci_b):
    return _marche_en_cours(epci_b, reference="2025-ECOLE-03", objet="Extension de l'école élémentaire")


@pytest.fixture
def clause_b(marche_b):
    return ClauseFactory(lot__marche=marche_b, lot__numero=1, lot__intitule="Gros œuvre")


@pytest.fixture
def personne_a(epci_a, clause_a):
    """A person created by EPCI A, living there, with 35 declared hours on clause_a last month."""
    personne = BeneficiaireFactory(
        nom="Dupré", prenom="Maëlle", commune=CommuneFactory(epci=epci_a), cree_par_epci=epci_a
    )
    HeuresRealiseesFactory(
        clause=clause_a, beneficiaire=personne, mois=mois_precedent(mois_courant()), heures=Decimal(35)
    )
    return personne


# --- figures printed at the end of the run ---------------------------------------------------------

_COMPTES = pytest.StashKey[dict]()


@pytest.fixture
def compter(request):
    """Adds to a figure printed below the results (pairs of the access matrix, import arrows…): `libelle` holds
    `{nombre}`, e.g. "Matrice d'accès : {nombre} couples URL × rôle vérifiés"."""
    comptes = request.config.stash.setdefault(_COMPTES, {})

    def ajouter(libelle: str, nombre: int):
        comptes[libelle] = comptes.get(libelle, 0) + nombre

    return ajouter


def pytest_terminal_summary(terminalreporter):
    for libelle, nombre in terminalreporter.config.stash.get(_COMPTES, {}).items():
        terminalreporter.write_line(libelle.format(nombre=nombre))


@pytest.fixture
def sur_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("nécessite PostgreSQL")


@pytest.fixture(autouse=True)
def _hachage_rapide(settings):
    # The default PBKDF2 hasher makes every factory-made user cost a few hundred milliseconds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --- the small yearly fixture whose dashboard figures are computed by hand ---------------------------


D = datetime.date


@pytest.fixture
def jeu_annuel():
    """Two EPCI, one contract each, three named people; hours of 2024, 2025 and 2026.

    2025, hand-computed (Département):
      validated 10 + 20 + 30 + 40 (p1, Alpha) + 50 (p2, Alpha) + 60 (p3, Beta) = 210 h; declared 5 h (p2,
      December); rejected 100 h (November) left out; 2024 and 2026 hours left out.
      BRSA: p1 in March and June (20 + 30) + p3 (60) = 110 h = 52,4 %; 3 people, 2 BRSA.
      Target 1 000 h → 21,0 %, 790 h left; ETP 210 / 1 607 = 0,13.
      Alpha 150 h (target 400 → 37,5 %), Beta 60 h.
      Contracts in execution: A (reserved 1 000, 150 in 2025, 150 to date → 15,0 %);
      B (reserved 500, 60 in 2025, 80 in 2024 + 60 = 140 to date → 28,0 %).
    """
    alpha, beta = EpciFactory(nom="CC Alpha"), EpciFactory(nom="CC Beta")
    clause_a = ClauseFactory(
        lot__marche__acheteur=AcheteurFactory(epci=alpha, nom="Mairie d'Alpha"),
        lot__marche__reference="A-2025",
        lot__marche__date_debut=D(2025, 1, 1),
        lot__marche__date_fin=D(2026, 12, 31),
        heures_reservees=Decimal(1000),
    )
    clause_b = ClauseFactory(
        lot__marche__acheteur=AcheteurFactory(epci=beta, nom="Mairie de Beta"),
        lot__marche__reference="B-2024",
        lot__marche__date_debut=D(2024, 6, 1),
        lot__marche__date_fin=D(2026, 6, 30),
        heures_reservees=Decimal(500),
    )
    p1 = BeneficiaireFactory(
        nom="Tartempion",
        prenom="Honorine",
        sexe=Sexe.FEMME,
        date_naissance=D(2001, 5, 1),
        date_entree=D(2024, 1, 1),
        niveau_qualification=NiveauQualification.NIVEAU_3,
    )
    p2 = BeneficiaireFactory(
        nom="Croquignol",
        prenom="Anatole",
        sexe=Sexe.HOMME,
        date_naissance=D(1990, 1, 1),
        date_entree=D(2024, 1, 1),
        niveau_qualification=NiveauQualification.NIVEAU_3,
    )
    p3 = BeneficiaireFactory(
        nom="Filochard",
        prenom="Eulalie",
        sexe=Sexe.HOMME,
        date_naissance=D(1970, 1, 1),
        date_entree=D(2024, 1, 1),
        niveau_qualification="",
    )
    EligibiliteFactory(beneficiaire=p1, date_debut=D(2025, 3, 15), date_fin=D(2025, 6, 10))
    EligibiliteFactory(beneficiaire=p1, code=CodePublic.JEUNE, date_debut=D(2024, 1, 1))
    EligibiliteFactory(beneficiaire=p3, date_debut=D(2024, 2, 1))
    EligibiliteFactory(beneficiaire=p3, code=CodePublic.SENIOR, date_debut=D(2024, 2, 1))

    def heures(clause, personne, mois, nombre, statut=Statut.VALIDEES, modalite=Modalite.EMBAUCHE_DIRECTE):
        trait = {Statut.VALIDEES: {"validees": True}, Statut.REJETEES: {"rejetees": True}}.get(statut, {})
        return HeuresRealiseesFactory(
            clause=clause,
            beneficiaire=personne,
            mois=mois,
            heures=Decimal(nombre),
            modalite=modalite,
            **trait,
        )

    heures(clause_a, p1, D(2025, 2, 1), 10)
    heures(clause_a, p1, D(2025, 3, 1), 20)
    heures(clause_a, p1, D(2025, 6, 1), 30)
    heures(clause_a, p1, D(2025, 7, 1), 40, modalite=Modalite.MISE_A_DISPOSITION)
    heures(clause_a, p2, D(2025, 12, 1), 50)
    heures(clause_a, p2, D(2025, 12, 1), 5, statut=Statut.DECLAREES, modalite=Modalite.FORMATION)
    heures(clause_a, p2, D(2025, 11, 1), 100, statut=Statut.REJETEES)
    heures(clause_b, p3, D(2025, 1, 1), 60)
    heures(clause_b, p3, D(2026, 1, 1), 70)
    heures(clause_b, p2, D(2024, 12, 1), 80)
    ObjectifFactory(annee=2025, heures=1000)
    ObjectifFactory(annee=2025, epci=alpha, heures=400)
    SortieFactory(beneficiaire=p1, date=D(2025, 9, 1))
    SortieFactory(beneficiaire=p2, date=D(2024, 9, 1))
    return {
        "alpha": alpha,
        "beta": beta,
        "departement": UserFactory(departement=True),
        "agent_alpha": UserFactory(agent_epci=True, epci=alpha),
        "agent_beta": UserFactory(agent_epci=True, epci=beta),
        "lecteur": UserFactory(lecteur=True),
        "lecteur_beta": UserFactory(lecteur_epci=True, epci=beta),
    }
