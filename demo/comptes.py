"""The demo accounts: an administrator, the Département, a reader, and one agent per EPCI."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from faker import Faker

from comptes.enums import Role
from demo.tirages import SEED

MOT_DE_PASSE_DEFAUT = "demo-insertion-49"

User = get_user_model()


@dataclass
class Compte:
    identifiant: str
    role: str
    perimetre: str


def specs_comptes(epcis):
    """[(username, role, epci, superuser)]."""
    specs = [
        ("admin", Role.DEPARTEMENT, None, True),
        ("departement", Role.DEPARTEMENT, None, False),
        ("lecteur", Role.LECTEUR, None, False),
    ]
    return specs + [(f"epci-{e.siren}", Role.EPCI, e, False) for e in epcis]


def creer_comptes(*, epcis, mot_de_passe):
    """Creates or updates the demo accounts; one hash for all (same password, much faster)."""
    fake = Faker("fr_FR")
    fake.seed_instance(SEED + 3)
    empreinte = make_password(mot_de_passe)
    existants = User.objects.in_bulk([s[0] for s in specs_comptes(epcis)], field_name="username")
    comptes = {}
    for username, role, epci, superuser in specs_comptes(epcis):
        valeurs = {
            "role": role,
            "epci": epci,
            "is_superuser": superuser,
            "is_staff": superuser,
            "is_active": True,
            "first_name": fake.first_name(),
            "last_name": fake.last_name(),
            "password": empreinte,
        }
        compte = existants.get(username) or User(username=username)
        for nom, valeur in valeurs.items():
            setattr(compte, nom, valeur)
        compte.save()
        comptes[username] = compte
    return comptes


def decrire_comptes(comptes):
    return [
        Compte(
            identifiant=c.username,
            role="administrateur" if c.is_superuser else c.get_role_display(),
            perimetre=c.perimetre,
        )
        for c in comptes.values()
    ]
