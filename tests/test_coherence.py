"""Conventions every model follows: French verbose names, lower-case; people addressed by UUID."""

import re
import uuid

import pytest
from django.apps import apps
from django.db import models
from django.urls import URLResolver, get_resolver

from beneficiaires.models import Beneficiaire

APPLICATIONS = ["territoires", "comptes", "marches", "beneficiaires", "insertion", "notifications"]

MODELES = [
    modele
    for label in APPLICATIONS
    for modele in apps.get_app_config(label).get_models()
    if not modele.__name__.startswith("Historical")
]

CHAMPS = [
    (modele, champ)
    for modele in MODELES
    for champ in [*modele._meta.concrete_fields, *modele._meta.local_many_to_many]
    if not (champ.primary_key and isinstance(champ, models.AutoField))
]


def _en_minuscule_ou_sigle(libelle: str) -> bool:
    premier_mot = re.split(r"[\s'’(]", libelle, maxsplit=1)[0]
    return libelle[:1].islower() or (
        len(premier_mot) >= 2 and premier_mot.isupper() and premier_mot.isalpha()
    )


@pytest.mark.parametrize(
    ("libelle", "attendu"),
    [
        ("montant HT (€)", True),
        ("EPCI", True),
        ("SIRET", True),
        ("code INSEE", True),
        ("Montant", False),
        ("A", False),
    ],
)
def test_regle_des_libelles(libelle, attendu):
    assert _en_minuscule_ou_sigle(libelle) is attendu


def test_les_modeles_des_cinq_applications_sont_trouves():
    noms = {modele.__name__ for modele in MODELES}
    assert {"Epci", "Commune", "User", "Marche", "Beneficiaire", "HeuresRealisees", "Objectif"} <= noms
    assert not any(nom.startswith("Historical") for nom in noms)


@pytest.mark.parametrize("modele", MODELES, ids=lambda m: m._meta.label)
def test_verbose_name_explicite_des_modeles(modele):
    assert "verbose_name" in modele._meta.original_attrs, "verbose_name absent de Meta"
    libelle = str(modele._meta.verbose_name)
    assert _en_minuscule_ou_sigle(libelle), libelle
    assert _en_minuscule_ou_sigle(str(modele._meta.verbose_name_plural))


@pytest.mark.parametrize("modele,champ", CHAMPS, ids=lambda v: getattr(v, "name", getattr(v, "__name__", "")))
def test_verbose_name_explicite_des_champs(modele, champ):
    # `_verbose_name` keeps what was passed to the field; Django otherwise derives one from the attribute name.
    assert champ._verbose_name is not None, f"{modele.__name__}.{champ.name} sans verbose_name"
    libelle = str(champ.verbose_name)
    assert _en_minuscule_ou_sigle(libelle), f"{modele.__name__}.{champ.name} : « {libelle} »"


def test_beneficiaire_identifie_par_un_uuid(db):
    from tests.factories import BeneficiaireFactory

    champ = Beneficiaire._meta.get_field("public_id")
    assert isinstance(champ, models.UUIDField)
    assert champ.unique and not champ.editable
    premier, second = BeneficiaireFactory(), BeneficiaireFactory()
    premier.refresh_from_db()
    assert isinstance(premier.public_id, uuid.UUID)
    assert premier.public_id != second.public_id


def _routes(motifs, prefixe=""):
    for motif in motifs:
        route = prefixe + str(motif.pattern)
        if isinstance(motif, URLResolver):
            yield from _routes(motif.url_patterns, route)
        else:
            yield route


def test_urls_des_personnes_par_uuid():
    """Outside the admin, the parameter that follows a beneficiary segment is a UUID, never an integer id."""
    routes = [route for route in _routes(get_resolver().url_patterns) if not route.startswith("admin/")]
    assert routes
    fautives = [route for route in routes if re.search(r"beneficiaires?/<(?!uuid:)", route)]
    assert fautives == []


def test_la_regle_des_urls_de_personnes_detecte_un_entier():
    assert re.search(r"beneficiaires?/<(?!uuid:)", "beneficiaires/<int:pk>/")
    assert not re.search(r"beneficiaires?/<(?!uuid:)", "beneficiaires/<uuid:public_id>/sorties/<int:pk>/")
