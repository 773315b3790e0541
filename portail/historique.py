"""One reading of django-simple-history records: what changed at each step, field by field."""

import datetime
from dataclasses import dataclass
from typing import Any

from portail.formats import date_heure

TYPES_HISTORIQUE = {"+": "création", "~": "modification", "-": "suppression"}


def nom_utilisateur(user) -> str:
    if user is None:
        return "—"
    return user.get_full_name() or user.username


@dataclass(frozen=True)
class Etape:
    """One historical record and its changes as (field name, value before, value after), raw values."""

    record: Any
    changements: list[tuple[str, Any, Any]]

    @property
    def type(self) -> str:
        return TYPES_HISTORIQUE.get(self.record.history_type, self.record.history_type)

    @property
    def auteur(self) -> str:
        return nom_utilisateur(self.record.history_user) if self.record.history_user else "système"


def etapes(records, *, champs: list[str], champs_creation=(), objets_lies: bool = False) -> list[Etape]:
    """The steps of a history, oldest first, from its records in chronological order.

    A creation lists the non-empty values of `champs_creation`; a later record lists the fields of `champs`
    that differ from the record before it, in the order of `champs`. With `objets_lies`, foreign keys
    are compared and returned as objects (select them with the records), else as ids.
    """
    resultat = []
    precedent = None
    for record in records:
        if precedent is None or record.history_type == "+":
            valeurs = [(champ, None, _valeur(record, champ, objets_lies)) for champ in champs_creation]
            changements = [(c, a, n) for c, a, n in valeurs if n not in (None, "")]
        else:
            delta = record.diff_against(precedent, included_fields=champs, foreign_keys_are_objs=objets_lies)
            tries = sorted(delta.changes, key=lambda c: champs.index(c.field))
            changements = [(c.field, c.old, c.new) for c in tries]
        resultat.append(Etape(record=record, changements=changements))
        precedent = record
    return resultat


def _valeur(record, champ, objets_lies):
    champ_modele = record.instance_type._meta.get_field(champ)
    return getattr(record, champ if objets_lies else champ_modele.attname)


def afficher_valeur(champ_modele, valeur) -> str:
    """A field's value as the history shows it: choice labels, French dates, a dash when empty."""
    if valeur is None or valeur == "":
        return "—"
    if champ_modele.choices:
        return str(dict(champ_modele.flatchoices).get(valeur, valeur))
    if isinstance(valeur, datetime.datetime):
        return date_heure(valeur)
    if isinstance(valeur, datetime.date):
        return valeur.strftime("%d/%m/%Y")
    return str(valeur)


def supprimer_avec_historique(modele, objets, *, user, date: datetime.datetime, taille_lot: int = 500) -> int:
    """Deletes `objets` (instances of a django-simple-history model) with their "suppression" records, in bulk.

    Deleting through the ORM writes one record per object (a post_delete signal each): here the records are
    bulk-created, then the rows deleted by batches. A model with reverse relations to cascade is deleted the
    usual way.
    """
    objets = list(objets)
    if not objets:
        return 0
    if modele._meta.related_objects:
        for objet in objets:
            objet.delete()
        return len(objets)
    historique = modele.history.model
    historique.objects.bulk_create(
        [
            historique(
                history_date=date,
                history_user=user,
                history_type="-",
                **{champ.attname: getattr(objet, champ.attname) for champ in historique.tracked_fields},
            )
            for objet in objets
        ],
        batch_size=taille_lot,
    )
    cles = [objet.pk for objet in objets]
    for debut in range(0, len(cles), taille_lot):
        lot = modele._base_manager.filter(pk__in=cles[debut : debut + taille_lot])
        lot._raw_delete(lot.db)  # the rows only: their records are written above, nothing cascades
    return len(objets)
