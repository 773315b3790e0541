"""Helpers for the database-constraint tests: writes that bypass forms must hit the database's invariants.

Each app's `test_contraintes.py` describes its cases in tables (`Cas`, `Doublon`, `ChampUnique`);
`tests/test_contraintes.py` checks that those tables name every constraint and unique field of the models.
"""

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Model


@contextlib.contextmanager
def violation(contrainte: str | None):
    """The block must fail in the database, and (where the backend names it) on this very constraint."""
    with pytest.raises(IntegrityError) as erreur, transaction.atomic():
        yield
    message = str(erreur.value)
    if contrainte is None:  # a field's own `unique=True`: the backend names it itself
        assert "unique" in message.lower(), message
    elif connection.vendor == "postgresql" or "CHECK" in message:
        assert contrainte in message, message
    else:  # SQLite names the columns of a failed UNIQUE, not the constraint
        assert "UNIQUE constraint failed" in message, message


def _valeurs(valeurs: dict, objet: Model) -> dict:
    return {nom: valeur(objet) if callable(valeur) else valeur for nom, valeur in valeurs.items()}


@dataclass
class Cas:
    """A CheckConstraint: an existing row updated with `invalide` is refused; with `valide`, accepted.

    Values may be callables taking the row (to build related objects).
    """

    contrainte: str
    fabrique: Callable[[], Model]
    invalide: dict
    valide: dict | None = None
    id: str = ""
    message: str | None = None  # violation_error_message shown by model validation (forms)

    def __str__(self):
        return f"{self.contrainte}-{self.id}" if self.id else self.contrainte


@dataclass
class Doublon:
    """A UniqueConstraint: `paire()` makes two rows that differ only on `champs`; copying them collides."""

    contrainte: str
    paire: Callable[[], tuple[Model, Model]]
    champs: list[str] = field(default_factory=list)

    def __str__(self):
        return self.contrainte


@dataclass
class ChampUnique:
    """A field with unique=True: two rows (from `fabrique`, or `paire`), the second given the first's value."""

    modele: type[Model]
    champ: str
    fabrique: Callable[[], Model] | None = None
    paire: Callable[[], tuple[Model, Model]] | None = None

    @property
    def cle(self):
        return f"{self.modele._meta.label}.{self.champ}"

    def __str__(self):
        return self.cle


def mettre_a_jour(objet: Model, valeurs: dict) -> int:
    """A queryset update: no form, no save(), no model validation."""
    return type(objet).objects.filter(pk=objet.pk).update(**valeurs)


def verifier_refus(cas: Cas):
    objet = cas.fabrique()
    valeurs = _valeurs(cas.invalide, objet)
    with violation(cas.contrainte):
        mettre_a_jour(objet, valeurs)


def verifier_acceptation(cas: Cas):
    objet = cas.fabrique()
    valeurs = _valeurs(cas.valide, objet)
    assert mettre_a_jour(objet, valeurs) == 1
    assert type(objet).objects.filter(pk=objet.pk, **valeurs).exists()


def verifier_message(cas: Cas):
    """Model validation (what a ModelForm runs) refuses the same values, with the constraint's French message."""
    objet = cas.fabrique()
    for nom, valeur in _valeurs(cas.invalide, objet).items():
        setattr(objet, nom, valeur)
    with pytest.raises(ValidationError) as erreur:
        objet.full_clean()
    assert cas.message in erreur.value.messages


def verifier_doublon(doublon: Doublon):
    premier, second = doublon.paire()  # both saved: differing on `champs` is allowed
    with violation(doublon.contrainte):
        mettre_a_jour(second, {nom: getattr(premier, nom) for nom in doublon.champs})


def verifier_champ_unique(cas: ChampUnique):
    premier, second = cas.paire() if cas.paire else (cas.fabrique(), cas.fabrique())
    attribut = cas.modele._meta.get_field(cas.champ).attname
    with violation(None):
        mettre_a_jour(second, {attribut: getattr(premier, attribut)})


def noms_couverts(*tables) -> set[str]:
    noms = set()
    for table in tables:
        for cas in table:
            noms.add(cas.cle if isinstance(cas, ChampUnique) else cas.contrainte)
    return noms
