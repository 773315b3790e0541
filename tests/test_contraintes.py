"""Every database constraint and unique field of the portal's models has a test that writes a violating row.

A new constraint (or unique field) without a case in its app's `test_contraintes.py` makes this fail.
"""

from django.apps import apps
from django.db import models

from tests.beneficiaires.test_contraintes import COUVERTS as BENEFICIAIRES
from tests.comptes.test_contraintes import COUVERTS as COMPTES
from tests.insertion.test_contraintes import COUVERTS as INSERTION
from tests.marches.test_contraintes import COUVERTS as MARCHES
from tests.notifications.test_contraintes import COUVERTS as NOTIFICATIONS
from tests.territoires.test_contraintes import COUVERTS as TERRITOIRES

APPLICATIONS = ["territoires", "comptes", "marches", "beneficiaires", "insertion", "notifications"]
COUVERTS = TERRITOIRES | COMPTES | MARCHES | BENEFICIAIRES | INSERTION | NOTIFICATIONS


def _modeles():
    for label in APPLICATIONS:
        for modele in apps.get_app_config(label).get_models():
            if not modele.__name__.startswith("Historical"):
                yield modele


def _contraintes():
    return {contrainte.name for modele in _modeles() for contrainte in modele._meta.constraints}


def _champs_uniques():
    return {
        f"{modele._meta.label}.{champ.name}"
        for modele in _modeles()
        for champ in modele._meta.concrete_fields
        if champ.unique and not champ.primary_key
    }


def test_chaque_contrainte_a_son_test():
    attendus = _contraintes() | _champs_uniques()
    assert attendus - COUVERTS == set(), "contraintes sans test"
    assert COUVERTS - attendus == set(), "tests de contraintes qui n'existent plus"


def test_l_inventaire_voit_les_contraintes():
    # Guards the inventory itself: an empty walk would make the test above pass vacuously.
    assert {
        "heures_realisees_entre_0_et_744",
        "objectif_epci_unique_par_annee",
        "user_agent_epci_a_un_epci",
    } <= (_contraintes())
    assert {"marches.Acheteur.siret", "beneficiaires.Beneficiaire.public_id"} <= _champs_uniques()
    assert len(_contraintes()) >= 30


def _en_anglais(message: str) -> bool:
    return any(mot in message.lower() for mot in ("constraint", "already exists", "violated", " with this "))


def test_chaque_contrainte_a_son_message_en_francais():
    """A violation reaching the admin or a form reads as a sentence, never as « Contrainte « x » non respectée »."""
    sans_message = {
        contrainte.name
        for modele in _modeles()
        for contrainte in modele._meta.constraints
        if contrainte.violation_error_message == contrainte.default_violation_error_message
        or _en_anglais(str(contrainte.violation_error_message))
        or not str(contrainte.violation_error_message).endswith(".")
    }
    assert sans_message == set()


def test_chaque_champ_unique_a_son_message_en_francais():
    generique = str(models.Field.default_error_messages["unique"])
    sans_message = {
        f"{modele._meta.label}.{champ.name}"
        for modele in _modeles()
        for champ in modele._meta.concrete_fields
        if champ.unique
        and not champ.primary_key
        and (
            str(champ.error_messages["unique"]) == generique
            or _en_anglais(str(champ.error_messages["unique"]))
        )
    }
    assert sans_message == set()
