"""Retention: purge_beneficiaires anonymises people inactive for N months (free text of their checks and referent
included), keeps every yearly figure, is idempotent, writes nothing in a dry run, and deletes access-log entries older than one year."""

import datetime
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from beneficiaires.enums import ActionAcces, CodePublic
from beneficiaires.models import NOM_ANONYMISE, AccesDonnees, Beneficiaire, Eligibilite, Sortie
from beneficiaires.retention import TEXTE_EFFACE
from beneficiaires.services import verifier_eligibilite
from insertion.models import HeuresRealisees
from insertion.retention import MOTIF_EFFACE, beneficiaires_inactifs
from portail.periodes import ajouter_mois, ecart_mois, mois_courant
from tests.factories import BeneficiaireFactory, EligibiliteFactory, HeuresRealiseesFactory, SortieFactory

pytestmark = pytest.mark.django_db

D = datetime.date
IL_Y_A_LONGTEMPS = timezone.make_aware(datetime.datetime(2020, 1, 1, 12))


def purge(*options) -> str:
    sortie = StringIO()
    call_command("purge_beneficiaires", *options, stdout=sortie)
    return sortie.getvalue()


def vieillir(*personnes):
    """As if the people had been created in the portal long ago (cree_le is set on creation)."""
    Beneficiaire.objects.filter(pk__in=[p.pk for p in personnes]).update(cree_le=IL_Y_A_LONGTEMPS)


@pytest.fixture
def inactive(clause_a):
    """Worked in January 2020, left in March 2020 (a CDI), one row rejected with a reason naming her."""
    personne = BeneficiaireFactory(
        nom="Oubliée", prenom="Berthe", date_naissance=D(1980, 7, 14), date_entree=D(2019, 11, 4)
    )
    personne.nom = "Oubliée-Martin"  # a second version in the history
    personne.save()
    HeuresRealiseesFactory(clause=clause_a, beneficiaire=personne, mois=D(2020, 1, 1), validees=True)
    HeuresRealiseesFactory(
        clause=clause_a,
        beneficiaire=personne,
        mois=D(2020, 2, 1),
        rejetees=True,
        motif_rejet="Mme Oubliée-Martin était en arrêt maladie ce mois-là.",
    )
    SortieFactory(beneficiaire=personne, date=D(2020, 3, 2), detail="CDI chez Oubliée et fils")
    vieillir(personne)
    return personne


@pytest.fixture
def active(clause_a):
    """Worked last month."""
    personne = BeneficiaireFactory(nom="Présente", prenom="Adèle", date_entree=D(2019, 1, 7))
    HeuresRealiseesFactory(clause=clause_a, beneficiaire=personne, mois=ajouter_mois(mois_courant(), -1))
    vieillir(personne)
    return personne


def test_anonymise_les_inactifs_et_garde_les_actifs(inactive, active):
    sortie = purge()

    assert "Personnes sans heure ni sortie depuis le" in sortie
    assert "(24 mois) anonymisées : 1" in sortie
    assert "Purge terminée." in sortie
    inactive.refresh_from_db()
    assert inactive.anonymise_le is not None
    assert (inactive.nom, inactive.prenom, inactive.date_naissance) == (NOM_ANONYMISE, "", D(1980, 1, 1))
    assert inactive.cle_identite == f"anonyme|{inactive.pk}"
    assert str(inactive) == "Personne anonymisée"
    # Kept: sex, commune, entry date, hours, outcome category.
    assert inactive.commune is not None and inactive.date_entree == D(2019, 11, 4)
    assert inactive.heures.count() == 2
    sortie_inactive = inactive.sorties.get()
    assert (sortie_inactive.detail, sortie_inactive.categorie) == ("", "emploi_durable")
    assert inactive.heures.get(statut="rejetees").motif_rejet == MOTIF_EFFACE

    active.refresh_from_db()
    assert active.anonymise_le is None and active.nom == "Présente"


def test_historique_anonymise(inactive):
    purge()
    versions = list(inactive.history.order_by("history_date"))
    assert len(versions) == 3  # creation, change of name, anonymisation
    assert {(v.nom, v.prenom, v.date_naissance) for v in versions} == {(NOM_ANONYMISE, "", D(1980, 1, 1))}
    assert versions[-1].history_change_reason == "anonymisation au terme de la durée de conservation"
    assert not Sortie.history.filter(beneficiaire_id=inactive.pk).exclude(detail="").exists()
    motifs = set(
        HeuresRealisees.history.filter(beneficiaire_id=inactive.pk).values_list("motif_rejet", flat=True)
    )
    assert motifs <= {"", MOTIF_EFFACE} and MOTIF_EFFACE in motifs
    assert not any("Oubliée" in str(v.__dict__) for v in versions)


def test_justificatifs_motifs_et_precision_du_referent_effaces(inactive, departement):
    """The free text of the eligibility checks and the precision on the referent go, in records and history;
    the check itself (verified, refused) stays."""
    inactive.refresh_from_db()  # created long ago
    inactive.referent, inactive.referent_precision = "mission_locale", "suivie par Mme Oubliée à Cholet"
    inactive.save()
    brsa = EligibiliteFactory(beneficiaire=inactive, date_debut=D(2019, 11, 4))
    verifier_eligibilite(
        user=departement,
        eligibilite=brsa,
        verification="verifiee",
        justificatif="attestation CAF de B. Oubliée",
    )
    deld = EligibiliteFactory(beneficiaire=inactive, code=CodePublic.DELD, date_debut=D(2019, 11, 4))
    verifier_eligibilite(
        user=departement, eligibilite=deld, verification="refusee", motif_refus="Mme Oubliée travaille déjà"
    )
    purge()
    inactive.refresh_from_db()
    assert (inactive.referent, inactive.referent_precision) == ("mission_locale", "")
    assert not inactive.history.exclude(referent_precision="").exists()
    assert {(e.verification, e.justificatif, e.motif_refus) for e in inactive.eligibilites.all()} == {
        ("verifiee", TEXTE_EFFACE, ""),
        ("refusee", "", TEXTE_EFFACE),
    }
    versions = Eligibilite.history.filter(beneficiaire_id=inactive.pk)
    assert versions.count() >= 4
    assert not any("Oubliée" in f"{v.justificatif} {v.motif_refus}" for v in versions)


def test_simulation_n_ecrit_rien(inactive, active):
    ancienne = AccesDonnees.objects.create(
        nom_utilisateur="x", action=ActionAcces.CONSULTATION, horodatage=IL_Y_A_LONGTEMPS
    )
    versions = inactive.history.count()

    sortie = purge("--dry-run")

    assert "Simulation : rien n'est enregistré." in sortie
    assert "(24 mois) à anonymiser : 1" in sortie
    assert "Versions de l'historique des fiches à anonymiser : 2" in sortie
    assert "Détails de sortie à effacer : 1 (et 1 dans l'historique)" in sortie
    assert "Motifs de rejet d'heures à effacer : 1" in sortie
    assert "Entrées du journal des accès de plus d'un an à supprimer : 1" in sortie
    inactive.refresh_from_db()
    assert inactive.anonymise_le is None and inactive.nom == "Oubliée-Martin"
    assert inactive.history.count() == versions
    assert inactive.sorties.get().detail == "CDI chez Oubliée et fils"
    assert AccesDonnees.objects.filter(pk=ancienne.pk).exists()
    assert not AccesDonnees.objects.filter(action=ActionAcces.ANONYMISATION).exists()


def test_idempotente(inactive, active):
    purge()
    versions = inactive.history.count()
    sortie = purge()
    assert "(24 mois) anonymisées : 0" in sortie
    assert "Versions de l'historique des fiches anonymisées : 0" in sortie
    assert inactive.history.count() == versions
    assert AccesDonnees.objects.filter(action=ActionAcces.ANONYMISATION).count() == 1


def test_journal_plus_d_un_an_supprime_recent_garde(inactive):
    maintenant = timezone.now()
    vieille = AccesDonnees.objects.create(
        nom_utilisateur="x",
        action=ActionAcces.RECHERCHE,
        horodatage=maintenant - datetime.timedelta(days=366),
    )
    recente = AccesDonnees.objects.create(
        nom_utilisateur="x",
        action=ActionAcces.RECHERCHE,
        horodatage=maintenant - datetime.timedelta(days=360),
    )
    sortie = purge()
    assert "Entrées du journal des accès de plus d'un an supprimées : 1" in sortie
    assert not AccesDonnees.objects.filter(pk=vieille.pk).exists()
    assert AccesDonnees.objects.filter(pk=recente.pk).exists()
    entree = AccesDonnees.objects.get(action=ActionAcces.ANONYMISATION)
    assert (entree.nombre_personnes, entree.nom_utilisateur, entree.utilisateur) == (
        1,
        "purge_beneficiaires",
        None,
    )


def test_duree_choisie_et_activite_recente(clause_a):
    # Created long ago, no hours, entered in 2019: inactive. A recent outcome or a recent creation keeps one.
    sans_rien = BeneficiaireFactory(date_entree=D(2019, 1, 7))
    sortie_recente = BeneficiaireFactory(date_entree=D(2019, 1, 7))
    SortieFactory(beneficiaire=sortie_recente, date=timezone.localdate() - datetime.timedelta(days=30))
    creee_hier = BeneficiaireFactory(date_entree=D(2019, 1, 7))
    vieillir(sans_rien, sortie_recente)
    depuis = ajouter_mois(timezone.localdate(), -6)
    assert set(beneficiaires_inactifs(depuis=depuis)) == {sans_rien}
    assert "(6 mois) anonymisées : 1" in purge("--mois", "6")
    creee_hier.refresh_from_db()
    assert creee_hier.anonymise_le is None


def test_mois_invalide():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--mois doit être un nombre de mois entre 1 et 1200."):
        purge("--mois", "0")


def test_une_fiche_anonymisee_ne_reprend_pas_d_identite(inactive):
    purge()
    inactive.refresh_from_db()
    inactive.nom = "Oubliée"
    with pytest.raises(IntegrityError), transaction.atomic():
        Beneficiaire.objects.filter(pk=inactive.pk).update(nom="Oubliée")
    inactive.prenom = "Berthe"
    with pytest.raises(IntegrityError), transaction.atomic():
        inactive.save()


def test_tableau_de_bord_identique_apres_la_purge(client, jeu_annuel):
    """Every year's figures, as Département, are the same before and after anonymising people of the set."""
    # One more person, 50 on 31 December 2025 by one day: the year of birth alone must keep her band.
    clause = HeuresRealisees.objects.filter(beneficiaire__nom="Tartempion").first().clause
    tardive = BeneficiaireFactory(date_naissance=D(1975, 12, 31), date_entree=D(2024, 1, 1))
    HeuresRealiseesFactory(clause=clause, beneficiaire=tardive, mois=D(2025, 4, 1), validees=True)
    SortieFactory(beneficiaire=tardive, date=D(2025, 5, 1), detail="CDD de 8 mois")
    vieillir(*Beneficiaire.objects.all())
    client.force_login(jeu_annuel["departement"])
    annees = (2024, 2025, 2026)

    def chiffres():
        return {
            annee: json.loads(client.get(reverse("tableau_de_bord:json"), {"annee": annee}).content)
            for annee in annees
        }

    avant = chiffres()
    assert [t["nb"] for t in avant[2025]["par_tranche_age"]] == [1, 1, 2]
    # Inactive since January 2026: everyone but p3, who worked in January 2026.
    mois = ecart_mois(D(2026, 1, 1), timezone.localdate())
    assert "anonymisées : 3" in purge("--mois", str(mois))
    assert set(Beneficiaire.objects.filter(anonymise_le__isnull=True).values_list("nom", flat=True)) == {
        "Filochard"
    }
    assert chiffres() == avant


def test_requetes_de_la_purge_independantes_du_nombre_de_personnes(clause_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from insertion.retention import purger
    from tests.requetes import assert_autant_de_requetes

    def requetes(nombre):
        personnes = BeneficiaireFactory.create_batch(nombre, date_entree=D(2019, 1, 7))
        for personne in personnes:
            SortieFactory(beneficiaire=personne, date=D(2019, 6, 1))
            HeuresRealiseesFactory(clause=clause_a, beneficiaire=personne, mois=D(2019, 5, 1), rejetees=True)
        vieillir(*personnes)
        with CaptureQueriesContext(connection) as capture:
            bilan = purger()
        assert bilan.anonymisation.personnes == bilan.motifs == nombre
        return [q["sql"] for q in capture.captured_queries]

    assert_autant_de_requetes(requetes(3), requetes(30))
