import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError, transaction

from portail.francais import pluriel
from territoires.enums import NatureEpci
from territoires.models import Commune, Epci

FICHIER_49 = Path(settings.BASE_DIR) / "territoires" / "data" / "territoires-49.json"


def _lire_json(chemin: Path):
    try:
        with chemin.open(encoding="utf-8") as fichier:
            return json.load(fichier)
    except OSError as exc:
        raise CommandError(f"Impossible de lire {chemin} : {exc.strerror}.") from exc
    except json.JSONDecodeError as exc:
        raise CommandError(f"{chemin} n'est pas un fichier JSON valide (ligne {exc.lineno}).") from exc


def lire_extrait_departemental(donnees: dict):
    """The committed extract: {departement, communes[codeEpci], epcis}."""
    departement = donnees["departement"]["code"]
    epcis = [_epci(e) for e in donnees["epcis"]]
    communes = [
        _commune(c, departement=departement, epci_siren=c.get("codeEpci")) for c in donnees["communes"]
    ]
    return epcis, communes


def lire_format_national(epcis_json: list, communes_json: list, departement: str | None):
    """The @etalab/decoupage-administratif files: communes.json has no EPCI, epci.json lists its members."""
    epci_par_commune = {m["code"]: e["code"] for e in epcis_json for m in e.get("membres", [])}
    communes = [
        _commune(c, departement=c.get("departement", ""), epci_siren=epci_par_commune.get(c["code"]))
        for c in communes_json
        if c.get("type", "commune-actuelle") == "commune-actuelle"
        and (departement is None or c.get("departement") == departement)
    ]
    utiles = {c["epci_siren"] for c in communes}
    epcis = [_epci(e) for e in epcis_json if departement is None or e["code"] in utiles]
    return epcis, communes


def _epci(e: dict):
    nature = e.get("type", "")
    if nature not in NatureEpci.values:
        raise CommandError(f"EPCI {e.get('code')} : nature « {nature} » inconnue.")
    return {"siren": e["code"], "nom": e["nom"], "nature": nature, "population": e.get("populationTotale")}


def _commune(c: dict, *, departement: str, epci_siren: str | None):
    return {
        "code_insee": c["code"],
        "siren": c.get("siren"),
        "nom": c["nom"],
        "departement": departement,
        "epci_siren": epci_siren,
        "population": c.get("population"),
        "codes_postaux": c.get("codesPostaux", []),
    }


def _lire(lecteur, *args):
    try:
        return lecteur(*args)
    except (KeyError, TypeError) as exc:
        raise CommandError(f"Format de fichier inattendu : champ manquant ou mal formé ({exc}).") from exc


def _enregistrer(model, cle, lignes, champs):
    """Creates the missing rows and updates the changed ones, in bulk. Returns (created, updated)."""
    existants = {
        getattr(o, cle): o for o in model.objects.filter(**{f"{cle}__in": [ligne[cle] for ligne in lignes]})
    }
    a_creer, a_modifier = [], []
    for ligne in lignes:
        objet = existants.get(ligne[cle])
        if objet is None:
            a_creer.append(model(**{cle: ligne[cle], **{c: ligne[c] for c in champs}}))
        elif any(getattr(objet, c) != ligne[c] for c in champs):
            for c in champs:
                setattr(objet, c, ligne[c])
            a_modifier.append(objet)
    model.objects.bulk_create(a_creer, batch_size=1000)
    model.objects.bulk_update(a_modifier, champs, batch_size=1000)
    return len(a_creer), len(a_modifier)


class Command(BaseCommand):
    help = (
        "Charge les communes et EPCI. Sans argument : le Maine-et-Loire (fichier livré avec le portail). "
        "Avec un chemin : un extrait au même format, ou un dossier contenant epci.json et communes.json "
        "du paquet @etalab/decoupage-administratif."
    )

    def add_arguments(self, parser):
        parser.add_argument("chemin", nargs="?", type=Path, default=FICHIER_49)
        parser.add_argument(
            "--departement",
            help="Avec le format national : ne garder que ce département (ex. 49).",
            default=None,
        )

    def handle(self, *args, chemin, departement, **options):
        if chemin.is_dir():
            epcis, communes = _lire(
                lire_format_national,
                _lire_json(chemin / "epci.json"),
                _lire_json(chemin / "communes.json"),
                departement,
            )
        else:
            donnees = _lire_json(chemin)
            if not isinstance(donnees, dict) or not {"departement", "communes", "epcis"} <= donnees.keys():
                raise CommandError(
                    f"{chemin} n'est pas un extrait départemental (clés departement, communes, epcis attendues)."
                )
            epcis, communes = _lire(lire_extrait_departemental, donnees)

        try:
            self._charger(epcis, communes)
        except IntegrityError as exc:
            raise CommandError(f"Données de territoire invalides, rien n'a été enregistré : {exc}") from exc

    def _charger(self, epcis, communes):
        with transaction.atomic():
            epci_crees, epci_modifies = _enregistrer(Epci, "siren", epcis, ["nom", "nature", "population"])
            id_par_siren = dict(Epci.objects.values_list("siren", "id"))
            for commune in communes:
                commune["epci_id"] = id_par_siren.get(commune.pop("epci_siren"))
            communes_creees, communes_modifiees = _enregistrer(
                Commune,
                "code_insee",
                communes,
                ["siren", "nom", "departement", "epci_id", "population", "codes_postaux"],
            )

        self.stdout.write(
            self.style.SUCCESS(
                f"EPCI : {pluriel(len(epcis), 'lu')}, {pluriel(epci_crees, 'créé')}, "
                f"{pluriel(epci_modifies, 'mis à jour', 'mis à jour')}. "
                f"Communes : {pluriel(len(communes), 'lue')}, {pluriel(communes_creees, 'créée')}, "
                f"{pluriel(communes_modifiees, 'mise à jour', 'mises à jour')}."
            )
        )
