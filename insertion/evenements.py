"""A row of hours' history read as events: who declared, changed, validated, rejected or deleted it, and when.

The services write one history record per step (insertion/services.py): a declaration creates the row
("déclarées", `saisi_par`); a change by an EPCI or the Département sends it back to "déclarées" with the new
`saisi_par`; a validation or a rejection sets `statut`, `valide_par`, `valide_le` and, for a rejection,
`motif_rejet`. Rows written without history (the demo, data older than the history) start with a later record:
their declaration is told from `saisi_par` and `cree_le`, so a first rejection never reads as if the
Département had entered the line.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from beneficiaires.models import Beneficiaire
from comptes.models import User
from insertion.enums import Statut
from insertion.models import Clause, HeuresRealisees
from marches.models import Entreprise
from portail.formats import heures as formater_heures
from portail.historique import afficher_valeur, nom_utilisateur
from portail.periodes import libelle_mois

DECLAREE, REDECLAREE, MODIFIEE = "déclarée", "déclarée de nouveau", "modifiée"
VALIDEE, REJETEE, SUPPRIMEE = "validée", "rejetée", "supprimée"

# Fields told when they change (in this order); statut, saisi_par, valide_par, valide_le go with the event itself.
CHAMPS_RACONTES = [
    "heures",
    "type_contrat",
    "modalite",
    "employeur",
    "mois",
    "beneficiaire",
    "clause",
    "motif_rejet",
]
MODELES_LIES = {
    "clause": Clause.objects.select_related("lot__marche"),
    "beneficiaire": Beneficiaire.objects.all(),
    "employeur": Entreprise.objects.all(),
}
CHAMPS_UTILISATEUR = ["saisi_par_id", "valide_par_id"]


@dataclass(frozen=True)
class Evenement:
    date: datetime.datetime
    action: str
    auteur: str
    phrase: str
    motif: str = ""
    raison: str = ""


def evenements_de_la_ligne(records) -> list[Evenement]:
    """The events of a row, oldest first, from its history records in chronological order (with their
    `history_user` selected). A constant number of queries: the users named, then one per related model
    whose value changes."""
    records = list(records)
    noms = _noms_lies(records)
    evenements: list[Evenement] = []
    precedent = None
    for record in records:
        decidee = record.statut != Statut.DECLAREES
        if record.history_type == "+":
            evenements.append(_evenement(record, DECLAREE, _auteur(record, noms), details=_valeurs(record)))
            if decidee:
                evenements.append(_decision(record, noms))
        else:
            if precedent is None:
                # The history starts after the declaration: told from who entered the row and when. A decision
                # leaves the declared values as they were; a change or a deletion, not known.
                clerc = _nom(noms, record.saisi_par_id)
                details = _valeurs(record) if decidee else ""
                evenements.append(_evenement(record, DECLAREE, clerc, date=record.cree_le, details=details))
            if record.history_type == "-":
                evenements.append(_evenement(record, SUPPRIMEE, _auteur(record, noms)))
            elif decidee and (precedent is None or precedent.statut != record.statut):
                evenements.append(_decision(record, noms))
            else:
                evenements.append(_modification(record, precedent, noms))
        precedent = record
    return evenements


# --- one event --------------------------------------------------------------------------------------


def _evenement(record, action, auteur, *, date=None, details="", suite="") -> Evenement:
    """ "Déclarée par Paul Martin le 03/12/2026 à 09:15 : 35 h, CDD" (`details`), "… — motif : …" (`suite`)."""
    date = date or record.history_date
    phrase = f"{action.capitalize()} par {auteur} le {timezone.localtime(date):%d/%m/%Y à %H:%M}"
    if details:
        phrase = f"{phrase} : {details}"
    return Evenement(
        date=date,
        action=action,
        auteur=auteur,
        phrase=phrase + suite,
        motif=record.motif_rejet if action == REJETEE else "",
        raison=record.history_change_reason or "",
    )


def _decision(record, noms) -> Evenement:
    auteur = _nom(noms, record.valide_par_id) if record.valide_par_id else _auteur(record, noms)
    if record.statut == Statut.REJETEES:
        suite = f" — motif : {record.motif_rejet}" if record.motif_rejet else " — sans motif"
        return _evenement(record, REJETEE, auteur, suite=suite)
    return _evenement(record, VALIDEE, auteur)


def _modification(record, precedent, noms) -> Evenement:
    """A change by a clerk or the Département; back to "déclarées" after a decision, it is declared again."""
    auteur = _auteur(record, noms)
    if precedent is None:
        return _evenement(record, MODIFIEE, auteur, details=_valeurs(record))
    if precedent.statut != Statut.DECLAREES and record.statut == Statut.DECLAREES:
        return _evenement(record, REDECLAREE, auteur, details=_valeurs(record, precedent))
    details = ", ".join(_changements(record, precedent, noms)) or "aucun changement visible"
    return _evenement(record, MODIFIEE, auteur, details=details)


def _valeurs(record, precedent=None) -> str:
    """`35 h, CDD`; with `precedent`, a changed value as `35 h → 40 h`."""
    textes = []
    for champ in ("heures", "type_contrat"):
        apres = _afficher(champ, getattr(record, champ), {})
        if precedent is not None and getattr(precedent, champ) != getattr(record, champ):
            apres = f"{_afficher(champ, getattr(precedent, champ), {})} → {apres}"
        textes.append(apres)
    return ", ".join(textes)


def _changements(record, precedent, noms) -> list[str]:
    textes = []
    for champ in CHAMPS_RACONTES:
        attribut = HeuresRealisees._meta.get_field(champ).attname
        avant, apres = getattr(precedent, attribut), getattr(record, attribut)
        if avant == apres:
            continue
        texte = f"{_afficher(champ, avant, noms)} → {_afficher(champ, apres, noms)}"
        if champ == "motif_rejet" and not apres:
            texte = "motif du rejet effacé"
        elif champ != "heures":
            texte = f"{HeuresRealisees._meta.get_field(champ).verbose_name} {texte}"
        textes.append(texte)
    return textes


# --- names and values ---------------------------------------------------------------------------------


def _auteur(record, noms) -> str:
    """Who wrote the record: its user, else (no request: a script, a factory) the row's clerk."""
    if record.history_user_id:
        return nom_utilisateur(record.history_user)
    if record.saisi_par_id:
        return _nom(noms, record.saisi_par_id)
    return "système"


def _nom(noms, pk) -> str:
    if pk is None:
        return "inconnu"
    utilisateur = noms["utilisateurs"].get(pk)
    return nom_utilisateur(utilisateur) if utilisateur else "(compte supprimé)"


def _noms_lies(records) -> dict:
    """Users named by the records (one query), and the objects of the other foreign keys that change."""
    ids_utilisateurs = {getattr(r, a) for r in records for a in CHAMPS_UTILISATEUR} - {None}
    noms = {"utilisateurs": User.objects.in_bulk(ids_utilisateurs) if ids_utilisateurs else {}}
    for champ, queryset in MODELES_LIES.items():
        attribut = HeuresRealisees._meta.get_field(champ).attname
        valeurs = {getattr(r, attribut) for r in records} - {None}
        noms[champ] = queryset.in_bulk(valeurs) if len(valeurs) > 1 else {}
    return noms


def _afficher(champ, valeur, noms) -> str:
    if valeur is None or valeur == "":
        return "—"
    if champ in MODELES_LIES:
        objet = noms.get(champ, {}).get(valeur)
        return str(objet) if objet is not None else "(supprimé)"
    if champ == "heures":
        return formater_heures(Decimal(valeur))
    if champ == "mois":
        return libelle_mois(valeur)
    return afficher_valeur(HeuresRealisees._meta.get_field(champ), valeur)
