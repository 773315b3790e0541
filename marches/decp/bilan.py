"""The summary of one DECP import (counts, skipped records, warnings), as the command and the page show it."""

from collections import Counter
from dataclasses import dataclass, field

from marches.decp.conversion import CONSIDERATIONS
from portail.francais import accord

LISTE_MAX = 50  # skipped records and warnings kept for the summary; the others are only counted


@dataclass(frozen=True)
class Rejet:
    numero: int  # position of the record among the file's marchés, from 1
    identifiant: str
    motif: str


@dataclass
class ResultatImportDecp:
    simulation: bool = False
    departement: str | None = None
    marches_lus: int = 0
    concessions_lues: int = 0
    hors_departement: int = 0
    hors_departement_importes: bool = False  # imported without a clause instead of skipped
    crees: int = 0
    mis_a_jour: int = 0
    inchanges: int = 0
    doublons: int = 0
    nb_ignores: int = 0
    ignores: list[Rejet] = field(default_factory=list)
    nb_avertissements: int = 0
    avertissements: list[str] = field(default_factory=list)
    considerations: Counter = field(default_factory=Counter)
    nature_par_defaut: int = 0
    acheteurs_crees: int = 0
    acheteurs_completes: int = 0
    entreprises_creees: int = 0
    complements: Counter = field(default_factory=Counter)

    def ignorer(self, numero: int, identifiant: str, motif: str):
        self.nb_ignores += 1
        if len(self.ignores) < LISTE_MAX:
            self.ignores.append(Rejet(numero, identifiant, motif))

    def avertir(self, message: str):
        self.nb_avertissements += 1
        if len(self.avertissements) < LISTE_MAX:
            self.avertissements.append(message)

    @property
    def libelle_hors_departement(self) -> str:
        if self.hors_departement_importes:
            return f"Marchés hors du département {self.departement} (importés sans clause)"
        return f"Marchés hors du département {self.departement} (non importés)"

    @property
    def importes(self) -> int:
        return self.crees + self.mis_a_jour + self.inchanges

    @property
    def ignores_masques(self) -> int:
        return self.nb_ignores - len(self.ignores)

    @property
    def avertissements_masques(self) -> int:
        return self.nb_avertissements - len(self.avertissements)

    @property
    def considerations_comptees(self) -> list[tuple[str, int]]:
        """Each published value with its count, in the schema's order; "non renseignée" if any record lacks it."""
        lignes = [(libelle, self.considerations[libelle]) for libelle in CONSIDERATIONS]
        lignes += [(c, n) for c, n in sorted(self.considerations.items()) if c not in CONSIDERATIONS]
        return lignes

    @property
    def complements_comptes(self) -> list[tuple[str, int]]:
        return sorted(self.complements.items())

    def lignes(self) -> list[str]:
        """The summary as plain French text, one line each (for the command)."""
        lignes = []
        if self.simulation:
            lignes.append("SIMULATION : rien n'a été enregistré.")
        lignes += [
            f"Marchés lus : {milliers(self.marches_lus)}",
            f"Concessions lues (non importées) : {milliers(self.concessions_lues)}",
        ]
        if self.departement:
            lignes.append(f"{self.libelle_hors_departement} : {milliers(self.hors_departement)}")
        lignes += [
            f"Marchés créés : {milliers(self.crees)}",
            f"Marchés mis à jour : {milliers(self.mis_a_jour)}",
            f"Marchés inchangés : {milliers(self.inchanges)}",
            f"Marchés ignorés : {milliers(self.nb_ignores)}",
        ]
        if self.doublons:
            lignes.append(f"Doublons dans le fichier (le dernier l'emporte) : {milliers(self.doublons)}")
        lignes.append("Considérations sociales des marchés importés :")
        lignes += [f"  {libelle} : {milliers(nombre)}" for libelle, nombre in self.considerations_comptees]
        lignes += [f"{libelle} : {milliers(nombre)}" for libelle, nombre in self.complements_comptes]
        lignes += [
            f"Acheteurs créés : {milliers(self.acheteurs_crees)}",
            f"Entreprises créées : {milliers(self.entreprises_creees)}",
        ]
        if self.acheteurs_completes:
            lignes.append(
                f"Acheteurs nommés d'après le fichier ou les territoires : {milliers(self.acheteurs_completes)}"
            )
        if self.nature_par_defaut:
            lignes.append(
                f"Note : {milliers(self.nature_par_defaut)} {accord(self.nature_par_defaut, 'marché')} sans code CPV reconnu, "
                "nature « services » par défaut."
            )
        if self.nb_ignores:
            lignes.append("Marchés ignorés :")
            lignes += [f"  n° {r.numero} — {r.identifiant} : {r.motif}" for r in self.ignores]
            if self.ignores_masques:
                lignes.append(
                    f"  … et {milliers(self.ignores_masques)} {accord(self.ignores_masques, 'autre')}"
                )
        if self.nb_avertissements:
            lignes.append("Avertissements :")
            lignes += [f"  {a}" for a in self.avertissements]
            if self.avertissements_masques:
                lignes.append(
                    f"  … et {milliers(self.avertissements_masques)} {accord(self.avertissements_masques, 'autre')}"
                )
        return lignes


def milliers(nombre: int) -> str:
    """12345 → "12 345", with a narrow no-break space."""
    return f"{nombre:,}".replace(",", "\u202f")
