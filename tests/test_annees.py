"""A year is never shown grouped by thousands (« 2 026 »), whatever USE_THOUSAND_SEPARATOR does to integers."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from beneficiaires.models import Beneficiaire
from beneficiaires.retention import anonymiser
from insertion.enums import Statut
from insertion.models import HeuresRealisees, Objectif
from marches.models import Marche
from portail import formats
from portail.periodes import code_mois
from tests.factories import ObjectifFactory

pytestmark = pytest.mark.django_db

# Years of the data (hours of 2024 to 2026, people born in 1970, 1990, 2001), as "2 026" with a space, a no-break
# space or a narrow no-break space (Django's French thousands separator), raw or as an HTML entity.
ANNEES = (2024, 2025, 2026, 1970, 1990, 2001)
SEPARATEURS = (" ", "\u00a0", "\u202f", "&nbsp;", "&#160;", "&#8239;")
ANNEE_GROUPEE = re.compile(
    "|".join(rf"\b{str(a)[0]}{re.escape(s)}{str(a)[1:]}\b" for a in ANNEES for s in SEPARATEURS)
)


def _verifier(client, url, *, annee_attendue):
    reponse = client.get(url)
    assert reponse.status_code == 200, url
    contenu = reponse.content.decode()
    if annee_attendue is not None:  # the page shows a year: the check below has something to look at
        assert str(annee_attendue) in contenu, url
    groupee = ANNEE_GROUPEE.search(contenu)
    assert groupee is None, f"{url} : « {contenu[groupee.start() - 60 : groupee.end() + 60]} »"


def test_le_filtre_annee():
    assert formats.annee(2026) == "2026"
    assert formats.annee("2026") == "2026"
    assert formats.annee(None) == "—"


def test_l_expression_reconnait_une_annee_groupee():
    # Guards the test below: a pattern that never matches would let every page pass.
    for texte in ("2 026", "2\u00a0026", "2\u202f026", "en 2&nbsp;025", "2&#8239;024"):
        assert ANNEE_GROUPEE.search(texte), texte
    assert ANNEE_GROUPEE.search("2026 et 12 026 h, 2 050 h") is None


def test_aucune_page_n_ecrit_une_annee_groupee(client, jeu_annuel, superuser):
    ObjectifFactory(annee=2026, heures=12_000)
    ObjectifFactory(annee=2026, epci=jeu_annuel["alpha"], heures=2_500)
    departement = jeu_annuel["departement"]
    marche = Marche.objects.get(reference="A-2025")
    titulaire = marche.lots.get().titulaire
    personne = Beneficiaire.objects.get(nom="Croquignol")
    declaree = HeuresRealisees.objects.get(statut=Statut.DECLAREES)
    anonymisee = Beneficiaire.objects.get(nom="Filochard")
    anonymiser(beneficiaires=Beneficiaire.objects.filter(pk=anonymisee.pk), maintenant=timezone.now())

    client.force_login(departement)
    pages = {
        reverse("tableau_de_bord:page"): 2026,
        f"{reverse('tableau_de_bord:page')}?annee=2025": 2025,
        f"{reverse('tableau_de_bord:page')}?annee=2025&epci={jeu_annuel['alpha'].siren}": 2025,
        f"{reverse('tableau_de_bord:bilan')}?annee=2025": 2025,
        reverse("marches:liste"): 2025,
        f"{reverse('marches:liste')}?annee=2025": 2025,
        reverse("marches:detail", args=[marche.pk]): 2025,
        reverse("validation:file"): 2025,
        reverse("validation:historique", args=[declaree.pk]): 2025,
        reverse("beneficiaires:fiche", args=[personne.public_id]): 2025,
        reverse("beneficiaires:droit_acces", args=[personne.public_id]): 1990,
        reverse("beneficiaires:droit_acces", args=[anonymisee.public_id]): 1970,
        reverse("saisie:grille", args=[declaree.clause_id, code_mois(declaree.mois)]): 2025,
        reverse("entreprises:liste"): None,
        f"{reverse('objectifs:page')}?annee=2026": 2026,
        reverse("entreprises:detail", args=[titulaire.siret]): 2025,
        reverse("entreprises:attestation", args=[titulaire.siret, marche.pk]): 2025,
    }
    for url, annee in pages.items():
        _verifier(client, url, annee_attendue=annee)

    client.force_login(superuser)
    objectif = Objectif.objects.get(annee=2026, epci__isnull=True)
    for url in (
        reverse("admin:insertion_objectif_changelist"),
        f"{reverse('admin:insertion_objectif_changelist')}?annee=2026",
        reverse("admin:insertion_objectif_change", args=[objectif.pk]),
    ):
        _verifier(client, url, annee_attendue=2026)
