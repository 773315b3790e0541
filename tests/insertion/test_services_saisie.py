"""Rules of insertion.services.enregistrer_heures: periods, monthly totals, one row per key, locks, scope."""

import datetime
import threading
import time
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction

from insertion.enums import Modalite, Statut, TypeContrat
from insertion.models import Clause, HeuresRealisees
from insertion.services import LigneHeures, SaisieInvalide, enregistrer_heures, valider_heures
from portail.periodes import mois_courant, mois_precedent
from tests.factories import (
    BeneficiaireFactory,
    ClauseFactory,
    EntrepriseFactory,
    EpciFactory,
    HeuresRealiseesFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

H = Decimal


def mois_suivant(mois):
    return (mois + datetime.timedelta(days=31)).replace(day=1)


@pytest.fixture
def ce_mois():
    return mois_courant()


@pytest.fixture
def mois(ce_mois):
    """The month being declared: last month, as clerks usually do."""
    return mois_precedent(ce_mois)


def nouvelle_clause(epci, ce_mois):
    """A clause whose contract runs from about two years ago to a year from now."""
    clause = ClauseFactory(
        lot__marche__acheteur__epci=epci,
        lot__marche__date_debut=ce_mois - datetime.timedelta(days=730),
        lot__marche__date_fin=ce_mois + datetime.timedelta(days=365),
    )
    return Clause.objects.select_related("lot__marche", "lot__titulaire").get(pk=clause.pk)


@pytest.fixture
def personne():
    return BeneficiaireFactory(nom="Martin", prenom="Léa")


def ligne(
    clause, mois, personne, heures, *, employeur=None, modalite=Modalite.EMBAUCHE_DIRECTE, contrat=None
):
    return LigneHeures(
        clause=clause,
        mois=mois,
        beneficiaire=personne,
        employeur=employeur or clause.lot.titulaire,
        heures=H(heures),
        modalite=modalite,
        type_contrat=contrat or TypeContrat.CDD,
    )


def messages_de(exc_info):
    return [e.message for e in exc_info.value.erreurs]


# --- creation, update, one row per key -------------------------------------------------------------


def test_cree_une_ligne_par_personne_et_trace_l_historique(agent_a, clause_a, mois, personne):
    autre = BeneficiaireFactory()
    resultat = enregistrer_heures(
        user=agent_a, lignes=[ligne(clause_a, mois, personne, 35), ligne(clause_a, mois, autre, "12.5")]
    )

    assert (resultat.crees, resultat.modifiees, resultat.inchangees) == (2, 0, 0)
    rangee = HeuresRealisees.objects.get(beneficiaire=personne)
    assert (rangee.heures, rangee.statut, rangee.saisi_par, rangee.mois) == (
        H(35),
        Statut.DECLAREES,
        agent_a,
        mois,
    )
    assert rangee.history.get().history_user == agent_a


def test_une_seconde_saisie_met_a_jour_la_meme_ligne(agent_a, clause_a, mois, personne):
    enregistrer_heures(user=agent_a, lignes=[ligne(clause_a, mois, personne, 35)])
    resultat = enregistrer_heures(
        user=agent_a, lignes=[ligne(clause_a, mois, personne, 40, contrat=TypeContrat.CDI)]
    )

    assert (resultat.crees, resultat.modifiees) == (0, 1)
    rangee = HeuresRealisees.objects.get()
    assert (rangee.heures, rangee.type_contrat) == (H(40), TypeContrat.CDI)
    assert rangee.history.count() == 2


def test_une_saisie_identique_ne_change_rien(agent_a, clause_a, mois, personne):
    enregistrer_heures(user=agent_a, lignes=[ligne(clause_a, mois, personne, 35)])
    resultat = enregistrer_heures(user=agent_a, lignes=[ligne(clause_a, mois, personne, "35.00")])

    assert (resultat.crees, resultat.modifiees, resultat.inchangees) == (0, 0, 1)
    assert HeuresRealisees.objects.get().history.count() == 1


def test_autre_employeur_ou_autre_modalite_donne_une_autre_ligne(agent_a, clause_a, mois, personne):
    etti = EntrepriseFactory(siae=True)
    enregistrer_heures(
        user=agent_a,
        lignes=[
            ligne(clause_a, mois, personne, 20),
            ligne(clause_a, mois, personne, 20, employeur=etti, modalite=Modalite.MISE_A_DISPOSITION),
            ligne(clause_a, mois, personne, 10, modalite=Modalite.FORMATION),
        ],
    )
    assert HeuresRealisees.objects.count() == 3


def test_la_meme_ligne_deux_fois_dans_une_saisie_est_refusee(agent_a, clause_a, mois, personne):
    with pytest.raises(SaisieInvalide) as exc_info:
        enregistrer_heures(
            user=agent_a, lignes=[ligne(clause_a, mois, personne, 20), ligne(clause_a, mois, personne, 30)]
        )
    assert exc_info.value.erreurs[0].index == 1
    assert "apparaît deux fois" in messages_de(exc_info)[0]
    assert not HeuresRealisees.objects.exists()


def test_une_ligne_en_erreur_et_rien_n_est_ecrit(agent_a, clause_a, mois, personne, ce_mois):
    bonne = ligne(clause_a, mois, BeneficiaireFactory(), 35)
    future = ligne(clause_a, mois_suivant(ce_mois), personne, 35)

    with pytest.raises(SaisieInvalide) as exc_info:
        enregistrer_heures(user=agent_a, lignes=[bonne, future])

    assert [e.index for e in exc_info.value.erreurs] == [1]
    assert not HeuresRealisees.objects.exists()


# --- periods --------------------------------------------------------------------------------------


def test_mois_futur_refuse_mois_courant_accepte(agent_a, clause_a, personne, ce_mois):
    with pytest.raises(SaisieInvalide) as exc_info:
        enregistrer_heures(user=agent_a, lignes=[ligne(clause_a, mois_suivant(ce_mois), personne, 10)])
    assert "ce mois n'est pas commencé" in messages_de(exc_info)[0]

    enregistrer_heures(user=agent_a, lignes=[ligne(clause_a, ce_mois, personne, 10)])
    assert HeuresRealisees.objects.get().mois == ce_mois


def test_mois_hors_execution_refuse(agent_a, clause_a, personne):
    marche = clause_a.lot.marche
    avant = mois_precedent(marche.date_debut.replace(day=1))
    with pytest.raises(SaisieInvalide) as exc_info:
        enregistrer_heures(user=agent_a, lignes=[ligne(clause_a, avant, personne, 10)])

    message = messages_de(exc_info)[0]
    assert "hors de la période d'exécution" in message
    assert f"du {marche.date_debut:%d/%m/%Y} au {marche.date_fin:%d/%m/%Y}" in message
    # The first month of execution is accepted even when the contract starts mid-month.
    enregistrer_heures(user=agent_a, lignes=[ligne(clause_a, marche.date_debut.replace(day=1), personne, 10)])
    assert HeuresRealisees.objects.count() == 1


def test_mois_apres_la_fin_d_execution_refuse(agent_a, epci_a, personne, ce_mois):
    clause = nouvelle_clause(epci_a, ce_mois)
    marche = clause.lot.marche
    marche.date_debut, marche.date_fin = (
        ce_mois - datetime.timedelta(days=400),
        ce_mois - datetime.timedelta(days=100),
    )
    marche.save()
    apres = mois_suivant(marche.date_fin)
    with pytest.raises(SaisieInvalide, match="hors de la période d'exécution"):
        enregistrer_heures(user=agent_a, lignes=[ligne(clause, apres, personne, 10)])


# --- monthly totals -------------------------------------------------------------------------------


def test_plus_de_250_heures_par_mois_tous_marches_confondus_refuse(
    agent_a, epci_a, clause_a, mois, personne, ce_mois
):
    autre_clause = nouvelle_clause(epci_a, ce_mois)
    HeuresRealiseesFactory(
        clause=autre_clause, beneficiaire=personne, mois=mois, heures=H(200), validees=True
    )

    with pytest.raises(SaisieInvalide) as exc_info:
        enregistrer_heures(
            user=agent_a, lignes=[ligne(clause_a, mois, personne, "50.5")], confirmer_depassement=True
        )

    assert not exc_info.value.confirmation_requise
    assert "totaliserait 250,5\xa0h" in messages_de(exc_info)[0]
    assert "la saisie est refusée" in messages_de(exc_info)[0]
    assert HeuresRealisees.objects.count() == 1


def test_250_heures_exactement_demande_confirmation_sans_refus(agent_a, clause_a, mois, personne):
    with pytest.raises(SaisieInvalide) as exc_info:
        enregistrer_heures(
            user=agent_a,
            lignes=[
                ligne(clause_a, mois, personne, 150),
                ligne(clause_a, mois, personne, 100, modalite=Modalite.FORMATION),
            ],
        )
    assert exc_info.value.confirmation_requise

    enregistrer_heures(
        user=agent_a,
        lignes=[
            ligne(clause_a, mois, personne, 150),
            ligne(clause_a, mois, personne, 100, modalite=Modalite.FORMATION),
        ],
        confirmer_depassement=True,
    )
    assert HeuresRealisees.objects.count() == 2


def test_plus_de_160_heures_demande_une_confirmation(agent_a, clause_a, mois, personne):
    with pytest.raises(SaisieInvalide) as exc_info:
        enregistrer_heures(user=agent_a, lignes=[ligne(clause_a, mois, personne, 161)])

    assert exc_info.value.confirmation_requise
    assert "totalise 161\xa0h" in messages_de(exc_info)[0]
    assert not HeuresRealisees.objects.exists()

    resultat = enregistrer_heures(
        user=agent_a, lignes=[ligne(clause_a, mois, personne, 161)], confirmer_depassement=True
    )
    assert resultat.crees == 1
    assert resultat.alertes and "161\xa0h" in resultat.alertes[0]


def test_160_heures_passent_sans_confirmation(agent_a, clause_a, mois, personne):
    assert enregistrer_heures(user=agent_a, lignes=[ligne(clause_a, mois, personne, 160)]).crees == 1


def test_les_heures_rejetees_ne_comptent_pas_dans_le_total(
    agent_a, epci_a, clause_a, mois, personne, ce_mois
):
    autre_clause = nouvelle_clause(epci_a, ce_mois)
    HeuresRealiseesFactory(
        clause=autre_clause, beneficiaire=personne, mois=mois, heures=H(200), rejetees=True
    )

    assert enregistrer_heures(user=agent_a, lignes=[ligne(clause_a, mois, personne, 100)]).crees == 1


def test_la_ligne_remplacee_ne_compte_pas_deux_fois(agent_a, clause_a, mois, personne):
    enregistrer_heures(user=agent_a, lignes=[ligne(clause_a, mois, personne, 150)])
    # 150 h replaced by 155 h: 155 h in the month, not 305 h.
    assert enregistrer_heures(user=agent_a, lignes=[ligne(clause_a, mois, personne, 155)]).modifiees == 1


def test_les_heures_supprimees_ne_comptent_pas_dans_le_total(agent_a, clause_a, mois, personne):
    ancienne = HeuresRealiseesFactory(clause=clause_a, beneficiaire=personne, mois=mois, heures=H(150))
    resultat = enregistrer_heures(
        user=agent_a,
        lignes=[ligne(clause_a, mois, personne, 150, modalite=Modalite.FORMATION)],
        suppressions=[ancienne],
    )
    assert (resultat.crees, resultat.supprimees) == (1, 1)
    assert list(HeuresRealisees.objects.values_list("modalite", flat=True)) == [Modalite.FORMATION]


# --- statuses -------------------------------------------------------------------------------------


def test_ligne_validee_verrouillee_pour_l_epci(agent_a, clause_a, mois, personne):
    validee = HeuresRealiseesFactory(
        clause=clause_a, beneficiaire=personne, mois=mois, heures=H(30), validees=True
    )

    with pytest.raises(SaisieInvalide) as exc_info:
        enregistrer_heures(user=agent_a, lignes=[ligne(clause_a, mois, personne, 35)])
    assert "déjà validées par le Département" in messages_de(exc_info)[0]

    with pytest.raises(SaisieInvalide, match="ne peuvent pas être supprimées"):
        enregistrer_heures(user=agent_a, lignes=[], suppressions=[validee])

    validee.refresh_from_db()
    assert (validee.heures, validee.statut) == (H(30), Statut.VALIDEES)


def test_le_departement_corrige_une_ligne_validee_qui_redevient_declaree(
    departement, clause_a, mois, personne
):
    HeuresRealiseesFactory(clause=clause_a, beneficiaire=personne, mois=mois, heures=H(30), validees=True)

    enregistrer_heures(user=departement, lignes=[ligne(clause_a, mois, personne, 35)])

    rangee = HeuresRealisees.objects.get()
    assert (rangee.heures, rangee.statut, rangee.valide_par, rangee.valide_le) == (
        H(35),
        Statut.DECLAREES,
        None,
        None,
    )


def test_une_ligne_rejetee_corrigee_est_declaree_a_nouveau(agent_a, clause_a, mois, personne):
    HeuresRealiseesFactory(clause=clause_a, beneficiaire=personne, mois=mois, heures=H(30), rejetees=True)

    assert enregistrer_heures(user=agent_a, lignes=[ligne(clause_a, mois, personne, 25)]).modifiees == 1

    rangee = HeuresRealisees.objects.get()
    assert (rangee.heures, rangee.statut, rangee.motif_rejet) == (H(25), Statut.DECLAREES, "")


# --- scope ----------------------------------------------------------------------------------------


def test_un_agent_d_un_autre_epci_ne_declare_pas(clause_a, mois, personne):
    with pytest.raises(PermissionDenied):
        enregistrer_heures(user=UserFactory(agent_epci=True), lignes=[ligne(clause_a, mois, personne, 10)])
    assert not HeuresRealisees.objects.exists()


def test_un_lecteur_ne_declare_pas(lecteur_a, clause_a, mois, personne):
    with pytest.raises(PermissionDenied):
        enregistrer_heures(user=lecteur_a, lignes=[ligne(clause_a, mois, personne, 10)])


def test_un_agent_ne_supprime_pas_les_heures_d_un_autre_epci(agent_a, mois, personne, ce_mois):
    ailleurs = HeuresRealiseesFactory(clause=nouvelle_clause(EpciFactory(), ce_mois), mois=mois)
    with pytest.raises(PermissionDenied):
        enregistrer_heures(user=agent_a, lignes=[], suppressions=[ailleurs])
    assert HeuresRealisees.objects.filter(pk=ailleurs.pk).exists()


# --- concurrency (PostgreSQL: SQLite serialises every write anyway) ---------------------------------


@pytest.fixture(scope="module")
def donnees_de_reference_restaurees(django_db_blocker):
    """Transactional tests end with a flush that also empties the rows created by data migrations (the
    publics): reload the database's initial contents so later tests, and the next --reuse-db run, find them."""
    yield
    contenu = getattr(connection, "_test_serialized_contents", None)
    if contenu:
        with django_db_blocker.unblock():
            connection.creation.deserialize_db_from_string(contenu)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_deux_agents_enregistrent_la_meme_ligne_en_meme_temps(
    donnees_de_reference_restaurees, sur_postgresql, epci_a, ce_mois, mois
):
    clause = nouvelle_clause(epci_a, ce_mois)
    personne = BeneficiaireFactory()
    agents = [UserFactory(agent_epci=True, epci=epci_a) for _ in range(2)]

    mois_essayes = [mois, mois_precedent(mois), mois_precedent(mois_precedent(mois))]
    for mois_tour, valeurs in zip(
        mois_essayes, [(H(10), H(20)), (H(30), H(40)), (H(50), H(60))], strict=True
    ):
        depart = threading.Barrier(2)
        resultats, erreurs = [], []

        def saisir(agent, heures, mois_tour=mois_tour, depart=depart, resultats=resultats, erreurs=erreurs):
            try:
                depart.wait(timeout=10)
                resultats.append(
                    enregistrer_heures(user=agent, lignes=[ligne(clause, mois_tour, personne, heures)])
                )
            except Exception as exc:  # every exception must reach the assertion below
                erreurs.append(exc)
            finally:
                connection.close()

        fils = [
            threading.Thread(target=saisir, args=(agent, heures))
            for agent, heures in zip(agents, valeurs, strict=True)
        ]
        for fil in fils:
            fil.start()
        for fil in fils:
            fil.join(timeout=30)

        assert not any(fil.is_alive() for fil in fils)
        assert erreurs == []
        rangees = list(HeuresRealisees.objects.filter(mois=mois_tour))
        assert len(rangees) == 1
        assert rangees[0].heures in valeurs
        assert sorted((r.crees, r.modifiees) for r in resultats) == [(0, 1), (1, 0)]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_une_validation_en_cours_verrouille_la_ligne_pour_l_agent(
    donnees_de_reference_restaurees, sur_postgresql, epci_a, ce_mois, mois
):
    """The Département validates a row while a clerk changes it: the clerk waits, then sees it validated."""
    clause = nouvelle_clause(epci_a, ce_mois)
    personne = BeneficiaireFactory()
    rangee = HeuresRealiseesFactory(clause=clause, beneficiaire=personne, mois=mois, heures=H(30))
    agent, departement = UserFactory(agent_epci=True, epci=epci_a), UserFactory(departement=True)
    validation_faite, fin_de_validation = threading.Event(), threading.Event()
    saisie_lancee = threading.Event()
    erreurs, refus = [], []

    def valider():
        try:
            with transaction.atomic():
                valider_heures(user=departement, rangees=[rangee])
                validation_faite.set()
                fin_de_validation.wait(timeout=10)  # commit only once the clerk's save is under way
        except Exception as exc:  # every exception must reach the assertion below
            erreurs.append(exc)
        finally:
            connection.close()

    def saisir():
        try:
            validation_faite.wait(timeout=10)
            saisie_lancee.set()
            enregistrer_heures(user=agent, lignes=[ligne(clause, mois, personne, 35)])
        except SaisieInvalide as exc:
            refus.append(exc)
        except Exception as exc:  # every exception must reach the assertion below
            erreurs.append(exc)
        finally:
            connection.close()

    fils = [threading.Thread(target=valider), threading.Thread(target=saisir)]
    for fil in fils:
        fil.start()
    saisie_lancee.wait(timeout=10)
    time.sleep(0.5)  # let the clerk's transaction reach the row
    fin_de_validation.set()
    for fil in fils:
        fil.join(timeout=30)

    assert not any(fil.is_alive() for fil in fils)
    assert erreurs == []
    assert len(refus) == 1 and "déjà validées par le Département" in str(refus[0])
    rangee.refresh_from_db()
    assert (rangee.heures, rangee.statut) == (H(30), Statut.VALIDEES)
