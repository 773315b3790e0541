"""Creating people in bulk: history, publics, referent, creator's EPCI, a fixed number of queries, all or
nothing; the check of a declared public and the referent."""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from beneficiaires.enums import ActionAcces, CodePublic, Sexe, TypeReferent, VerificationEligibilite
from beneficiaires.models import AccesDonnees, Beneficiaire, Eligibilite
from beneficiaires.retention import anonymiser
from beneficiaires.services import (
    NouvellePersonne,
    PeriodePublic,
    PersonneAnonymisee,
    VerificationIncomplete,
    creer_beneficiaires,
    modifier_referent,
    verifier_eligibilite,
)
from tests.factories import BeneficiaireFactory, CommuneFactory, EligibiliteFactory, UserFactory, public

pytestmark = pytest.mark.django_db

D = datetime.date


def nouvelle(numero: int, **valeurs) -> NouvellePersonne:
    return NouvellePersonne(
        **{
            "nom": f"Personne{numero:04d}",
            "prenom": "Élodie",
            "date_naissance": D(1985, 6, 1),
            "sexe": Sexe.FEMME,
            "date_entree": D(2025, 3, 1),
        }
        | valeurs
    )


def test_cree_les_personnes_avec_historique_et_publics():
    agent = UserFactory(agent_epci=True)
    commune = CommuneFactory(epci=agent.epci)
    brsa, jeune = public(CodePublic.BRSA), public(CodePublic.JEUNE)
    periodes = (
        PeriodePublic(public=brsa, date_debut=D(2024, 9, 1), date_fin=D(2025, 6, 30)),
        PeriodePublic(public=jeune, date_debut=D(2025, 3, 1)),
    )
    personnes = [nouvelle(1, commune=commune, niveau_qualification="3", publics=periodes), nouvelle(2)]

    creees = creer_beneficiaires(user=agent, personnes=personnes)

    assert set(creees) == {"personne0001|elodie|1985-06-01", "personne0002|elodie|1985-06-01"}
    premiere = Beneficiaire.objects.get(nom="Personne0001")
    assert creees["personne0001|elodie|1985-06-01"] == premiere
    assert (premiere.prenom, premiere.date_naissance, premiere.sexe, premiere.date_entree) == (
        "Élodie",
        D(1985, 6, 1),
        Sexe.FEMME,
        D(2025, 3, 1),
    )
    assert (premiere.commune, premiere.niveau_qualification, premiere.cree_par_epci) == (
        commune,
        "3",
        agent.epci,
    )
    assert premiere.cle_identite == "personne0001|elodie|1985-06-01"
    assert [(h.history_type, h.history_user) for h in premiere.history.all()] == [("+", agent)]
    assert sorted(
        (e.public.code, e.date_debut, e.date_fin) for e in Eligibilite.objects.filter(beneficiaire=premiere)
    ) == [(CodePublic.BRSA, D(2024, 9, 1), D(2025, 6, 30)), (CodePublic.JEUNE, D(2025, 3, 1), None)]
    assert not Eligibilite.objects.filter(beneficiaire__nom="Personne0002").exists()


def test_le_departement_ne_rattache_pas_les_personnes_a_un_epci():
    creees = creer_beneficiaires(user=UserFactory(departement=True), personnes=[nouvelle(1)])
    assert next(iter(creees.values())).cree_par_epci is None


def test_rien_a_creer_aucune_requete(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert creer_beneficiaires(user=UserFactory.build(departement=True), personnes=[]) == {}


def test_une_identite_deja_connue_annule_tout():
    BeneficiaireFactory(nom="PERSONNE0002", prenom="elodie", date_naissance=D(1985, 6, 1), cree_par_epci=None)
    # As the statement import does: the caller's transaction is rolled back with the service's writes.
    with pytest.raises(IntegrityError), transaction.atomic():
        creer_beneficiaires(user=UserFactory(departement=True), personnes=[nouvelle(1), nouvelle(2)])
    assert not Beneficiaire.objects.filter(nom="Personne0001").exists()


def _requetes(personnes) -> list[str]:
    user = UserFactory(departement=True)
    with CaptureQueriesContext(connection) as requetes:
        creer_beneficiaires(user=user, personnes=personnes)
    return [q["sql"] for q in requetes.captured_queries]


def test_nombre_de_requetes_independant_du_nombre_de_personnes():
    brsa = public(CodePublic.BRSA)

    def lot(debut, nombre):
        periode = (PeriodePublic(public=brsa, date_debut=D(2025, 1, 1)),)
        return [nouvelle(n, publics=periode) for n in range(debut, debut + nombre)]

    petit, grand = _requetes(lot(0, 10)), _requetes(lot(100, 100))

    assert Beneficiaire.objects.count() == 110 and Eligibilite.objects.count() == 110
    # SQLite splits big INSERTs into batches: compare the other queries there, all of them on PostgreSQL.
    hors_insertions = [[q for q in r if not q.startswith("INSERT")] for r in (petit, grand)]
    assert len(hors_insertions[0]) == len(hors_insertions[1])
    if connection.vendor == "postgresql":
        assert len(petit) == len(grand)


def test_referent_enregistre_a_la_creation():
    creees = creer_beneficiaires(
        user=UserFactory(agent_epci=True),
        personnes=[nouvelle(1, referent=TypeReferent.CAP_EMPLOI), nouvelle(2)],
    )
    assert {p.nom: p.referent for p in creees.values()} == {"Personne0001": "cap_emploi", "Personne0002": ""}


def test_verification_d_une_eligibilite():
    departement = UserFactory(departement=True)
    eligibilite = EligibiliteFactory()
    with pytest.raises(VerificationIncomplete, match="Indiquez le document vu"):
        verifier_eligibilite(
            user=departement, eligibilite=eligibilite, verification="verifiee", justificatif=" "
        )
    with pytest.raises(VerificationIncomplete, match="Indiquez le motif du refus."):
        verifier_eligibilite(user=departement, eligibilite=eligibilite, verification="refusee")
    eligibilite.refresh_from_db()
    assert eligibilite.verification == VerificationEligibilite.DECLAREE
    assert eligibilite.history.count() == 1

    verifier_eligibilite(
        user=departement, eligibilite=eligibilite, verification="verifiee", justificatif=" attestation CAF "
    )
    eligibilite.refresh_from_db()
    assert (eligibilite.verifiee_par, eligibilite.justificatif) == (departement, "attestation CAF")
    assert AccesDonnees.objects.get(beneficiaire=eligibilite.beneficiaire).action == ActionAcces.MODIFICATION


def test_pas_de_verification_pour_une_personne_anonymisee():
    eligibilite = EligibiliteFactory()
    anonymiser(beneficiaires=Beneficiaire.objects.all(), maintenant=timezone.now())
    with pytest.raises(PersonneAnonymisee):
        verifier_eligibilite(
            user=UserFactory(departement=True),
            eligibilite=eligibilite,
            verification="refusee",
            motif_refus="x",
        )
    with pytest.raises(PersonneAnonymisee):
        modifier_referent(
            user=UserFactory(departement=True), beneficiaire=eligibilite.beneficiaire, referent="plie"
        )
