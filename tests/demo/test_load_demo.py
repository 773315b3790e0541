from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count, Max, Min, Sum
from django.test import override_settings
from django.utils import timezone

from beneficiaires.models import Beneficiaire, Eligibilite, Sortie
from comptes.enums import Role
from comptes.models import User
from demo.chargement import supprimer_demo
from demo.referentiel import SIRET_DEPARTEMENT
from insertion.enums import Modalite, Statut
from insertion.models import Clause, HeuresRealisees, Objectif
from marches.enums import TypeAcheteur, TypeStructure
from marches.models import Acheteur, Entreprise, Lot, Marche
from marches.siret import siret_valide
from territoires.models import Commune, Epci

MOT_DE_PASSE = "demo-insertion-49"
MODELES = [
    Acheteur,
    Entreprise,
    Marche,
    Lot,
    Clause,
    Beneficiaire,
    Eligibilite,
    Sortie,
    HeuresRealisees,
    Objectif,
    User,
]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """Loads the demo once for the module, inside a transaction rolled back at the end."""
    hachage_rapide = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), hachage_rapide, transaction.atomic():
        call_command("load_territoires", stdout=StringIO())
        sortie = StringIO()
        call_command("load_demo", stdout=sortie)
        yield sortie.getvalue()
        transaction.set_rollback(True)


def _compter():
    return {modele.__name__: modele.objects.count() for modele in MODELES}


def _empreinte():
    """What must be identical between two generations on the same day."""
    return (
        list(
            Marche.objects.order_by("acheteur__siret", "reference").values_list(
                "acheteur__siret", "reference", "objet", "montant_ht", "date_debut", "date_fin", "epci__siren"
            )
        ),
        sorted(Beneficiaire.objects.values_list("cle_identite", flat=True)),
        list(
            HeuresRealisees.objects.values("mois", "statut")
            .annotate(total=Sum("heures"), lignes=Count("id"))
            .order_by("mois", "statut")
        ),
    )


def _annees():
    annee = timezone.localdate().year
    return [annee - 2, annee - 1, annee]


@pytest.mark.django_db
def test_volumes(demo):
    assert 100 <= Marche.objects.count() <= 140
    assert 140 <= Beneficiaire.objects.count() <= 160
    assert Entreprise.objects.count() >= 35
    types = set(Entreprise.objects.values_list("type_structure", flat=True))
    assert {TypeStructure.ETTI, TypeStructure.EI, TypeStructure.ACI, TypeStructure.AI} <= types
    assert {TypeStructure.GEIQ, TypeStructure.ETT, TypeStructure.ENTREPRISE} <= types
    assert HeuresRealisees.objects.count() > 300
    assert Clause.objects.filter(heures_reservees__isnull=True).exists()
    assert 0.25 <= Sortie.objects.count() / Beneficiaire.objects.count() <= 0.35
    nb_lots = Marche.objects.annotate(n=Count("lots")).aggregate(min=Min("n"), max=Max("n"))
    assert nb_lots == {"min": 1, "max": 4}
    assert not Lot.objects.filter(titulaire__isnull=True).exists()
    assert "Démo chargée" in demo


@pytest.mark.django_db
def test_acheteurs_et_siret(demo):
    departement = Acheteur.objects.get(siret=SIRET_DEPARTEMENT)
    assert departement.type == TypeAcheteur.DEPARTEMENT
    assert departement.epci is None
    for epci in Epci.objects.all():
        acheteur = Acheteur.objects.get(type=TypeAcheteur.EPCI, epci=epci)
        assert acheteur.siret.startswith(epci.siren)
    communes = Acheteur.objects.filter(type=TypeAcheteur.COMMUNE)
    assert communes.count() >= 3
    sirens = set(Commune.objects.values_list("siren", flat=True))
    assert all(a.siret[:9] in sirens and a.epci_id for a in communes)
    assert Acheteur.objects.filter(type=TypeAcheteur.BAILLEUR, epci__isnull=False).exists()
    sirets = [
        *Acheteur.objects.values_list("siret", flat=True),
        *Entreprise.objects.values_list("siret", flat=True),
    ]
    assert all(siret_valide(siret) for siret in sirets)
    assert not Marche.objects.filter(epci__isnull=True).exists()


@pytest.mark.django_db
def test_deux_passages_ne_dupliquent_rien(demo):
    avant, empreinte = _compter(), _empreinte()
    sortie = StringIO()
    call_command("load_demo", stdout=sortie)
    assert _compter() == avant
    assert _empreinte() == empreinte
    assert "déjà chargée" in sortie.getvalue()


@pytest.mark.django_db
def test_reset_regenere_les_memes_donnees(demo):
    avant, empreinte = _compter(), _empreinte()
    call_command("load_demo", "--reset", stdout=StringIO())
    assert _compter() == avant
    assert _empreinte() == empreinte
    # deleted rows leave no history behind
    assert Marche.history.count() == 0
    assert HeuresRealisees.history.count() == 0


@pytest.mark.django_db
def test_restes_d_une_demo_incomplete_remplaces(demo):
    avant, empreinte = _compter(), _empreinte()
    # contracts gone (the "already loaded" marker), people and accounts still there
    HeuresRealisees.objects.all().delete()
    Marche.objects.all().delete()
    call_command("load_demo", stdout=StringIO())
    assert _compter() == avant
    assert _empreinte() == empreinte


def _se_connecter(client, identifiant, mot_de_passe) -> bool:
    """Signs in through the portal's sign-in page (throttled by django-axes, which needs the request)."""
    client.logout()
    reponse = client.post("/connexion/", {"username": identifiant, "password": mot_de_passe})
    return reponse.status_code == 302


@pytest.mark.django_db
def test_comptes_de_demo(demo, client):
    epcis = list(Epci.objects.all())
    assert len(epcis) == 10
    identifiants = ["admin", "departement", "lecteur", *(f"epci-{e.siren}" for e in epcis)]
    for identifiant in identifiants:
        assert _se_connecter(client, identifiant, MOT_DE_PASSE), identifiant
        assert identifiant in demo
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff and admin.role == Role.DEPARTEMENT
    assert User.objects.get(username="lecteur").role == Role.LECTEUR
    assert User.objects.get(username="lecteur").epci is None
    for epci in epcis:
        agent = User.objects.get(username=f"epci-{epci.siren}")
        assert agent.role == Role.EPCI and agent.epci == epci and agent.first_name and agent.last_name


@pytest.mark.django_db
def test_nouveau_mot_de_passe_sans_regenerer(demo, client):
    avant = _compter()
    call_command("load_demo", "--password", "un-autre-mot-de-passe", stdout=StringIO())
    assert _compter() == avant
    assert _se_connecter(client, "departement", "un-autre-mot-de-passe")
    assert not _se_connecter(client, "departement", MOT_DE_PASSE)


def test_mot_de_passe_trop_court_refuse():
    with pytest.raises(CommandError, match="Mot de passe refusé"):
        call_command("load_demo", "--password", "court", stdout=StringIO())


@pytest.mark.django_db
def test_heures_validees_des_annees_passees(demo):
    validees = dict(
        HeuresRealisees.objects.filter(statut=Statut.VALIDEES)
        .values_list("mois__year")
        .annotate(total=Sum("heures"))
        .values_list("mois__year", "total")
    )
    annee_1, annee_2, courante = _annees()
    for annee in (annee_1, annee_2):
        assert 9_000 <= validees[annee] <= 11_000
        assert f"{annee} :" in demo
    assert not HeuresRealisees.objects.filter(mois__year__lt=courante, statut=Statut.DECLAREES).exists()


@pytest.mark.django_db
def test_pas_plus_de_160_h_par_personne_et_par_mois(demo):
    par_personne = HeuresRealisees.objects.values("beneficiaire", "mois").annotate(total=Sum("heures"))
    assert par_personne.aggregate(max=Max("total"))["max"] <= 160
    bornes = HeuresRealisees.objects.aggregate(min=Min("heures"), max=Max("heures"))
    assert bornes["min"] >= 20 and bornes["max"] <= 151


@pytest.mark.django_db
def test_rejets_motives_et_validations_datees(demo):
    rejetees = HeuresRealisees.objects.filter(statut=Statut.REJETEES)
    assert rejetees.exists()
    assert not rejetees.filter(motif_rejet="").exists()
    traitees = HeuresRealisees.objects.exclude(statut=Statut.DECLAREES)
    assert not traitees.filter(valide_par__isnull=True).exists()
    assert not traitees.filter(valide_le__isnull=True).exists()
    assert set(traitees.values_list("valide_par__username", flat=True)) == {"departement"}
    assert not HeuresRealisees.objects.filter(saisi_par__isnull=True).exists()


@pytest.mark.django_db
def test_employeurs_coherents_avec_la_modalite(demo):
    lignes = HeuresRealisees.objects.select_related("employeur", "clause__lot")
    for ligne in lignes:
        if ligne.modalite == Modalite.EMBAUCHE_DIRECTE:
            assert ligne.employeur_id == ligne.clause.lot.titulaire_id
        elif ligne.modalite == Modalite.MISE_A_DISPOSITION:
            assert ligne.employeur.type_structure in {"etti", "geiq", "ett", "ai"}
        elif ligne.modalite == Modalite.SOUS_TRAITANCE:
            assert ligne.employeur.type_structure in {"ei", "aci"}
    assert {ligne.modalite for ligne in lignes} == set(Modalite.values)


@pytest.mark.django_db
def test_publics_et_objectifs(demo):
    brsa = Beneficiaire.objects.filter(eligibilites__public__code="BRSA").distinct().count()
    assert 0.55 <= brsa / Beneficiaire.objects.count() <= 0.85
    assert Eligibilite.objects.filter(public__code="BRSA", date_fin__isnull=False).exists()
    assert not Beneficiaire.objects.filter(eligibilites__isnull=True).exists()
    for annee in _annees():
        assert Objectif.objects.get(annee=annee, epci__isnull=True).heures == 10_000
    par_epci = Objectif.objects.filter(annee=_annees()[-1], epci__isnull=False).aggregate(total=Sum("heures"))
    assert 0 < par_epci["total"] <= 10_000


@pytest.mark.django_db
def test_sans_territoires_un_message_clair(demo):
    supprimer_demo()
    assert not Marche.objects.exists() and not Beneficiaire.objects.exists() and not User.objects.exists()
    Commune.objects.all().delete()
    Epci.objects.all().delete()
    with pytest.raises(CommandError, match="load_territoires"):
        call_command("load_demo", stdout=StringIO())
