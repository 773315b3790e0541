"""The two imports, fed generated files: monthly statements (CSV, XLSX) and DECP files (JSON).

Random bytes, truncated or forged workbooks, CSV and JSON with hostile cells, and statements of the cast's real
contract and person with one cell or more made hostile: never a server error, a French message, no invalid row.
"""

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from hypothesis import example, given
from hypothesis import strategies as st

from insertion.releves.colonnes import ENTETES
from insertion.releves.modele import modele_xlsx
from portail.periodes import mois_courant, mois_precedent
from tests.factories import CommuneFactory
from tests.hostile.conftest import budget
from tests.hostile.envois import envoyer
from tests.hostile.formulaires import formulaires
from tests.hostile.test_requetes import client_de
from tests.hostile.valeurs import fichier_decp, fichier_tableur, hostile

pytestmark = pytest.mark.django_db

DECP = json.loads((Path(settings.BASE_DIR) / "marches" / "data" / "decp-sample.json").read_text())
# Executed in the Département, so that the page (scoped to it) writes them rather than skipping them.
ENREGISTREMENTS = [
    m | {"lieuExecution": {"code": "49", "typeCode": "Code département"}}
    for m in DECP["marches"]["marche"][:10]
]
MODELE_XLSX = modele_xlsx()


def _lignes_du_casting(personne, clause):
    """Two statement rows a clerk of EPCI A would send: the cast's person, and a new one."""
    mois = f"{mois_precedent(mois_courant()):%Y-%m}"
    commun = {
        "reference_marche": clause.lot.marche.reference,
        "numero_lot": str(clause.lot.numero),
        "mois": mois,
        "siret_employeur": clause.lot.titulaire.siret,
        "modalite": "embauche_directe",
        "type_contrat": "cdd",
        "heures": "35",
    }
    connue = commun | {
        "nom": personne.nom,
        "prenom": personne.prenom,
        "date_naissance": f"{personne.date_naissance:%d/%m/%Y}",
    }
    nouvelle = commun | {
        "nom": "Nouvelarrivant",
        "prenom": "Camille",
        "date_naissance": "14/05/1990",
        "sexe": "F",
        "commune_insee": personne.commune.code_insee,
        "brsa": "oui",
        "brsa_debut": "01/01/2025",
    }
    return [connue, nouvelle]


def releve_realiste(lignes):
    """A CSV of real rows, some cells replaced by hostile values (hours, months, names, SIRET…)."""
    cellule = st.tuples(st.sampled_from(range(len(lignes))), st.sampled_from(ENTETES), hostile)

    def ecrire(remplacements, separateur):
        copies = [dict(ligne) for ligne in lignes]
        for numero, colonne, valeur in remplacements:
            copies[numero][colonne] = valeur
        texte = "\r\n".join(
            [separateur.join(ENTETES)]
            + [separateur.join(c.get(e, "").replace(separateur, " ") for e in ENTETES) for c in copies]
        )
        return ("releve.csv", texte.encode("utf-8"))

    return st.builds(ecrire, st.lists(cellule, max_size=3), st.sampled_from([";", ","])), ecrire


# Always tried, whatever the draw: a NUL byte in a name (PostgreSQL refuses it in text), hours past the bounds,
# impossible months and dates, a spreadsheet formula.
CELLULES_EXPLICITES = [
    ("nom", "Dup\x00ré"),
    ("prenom", "\x00"),
    ("heures", "744,0001"),
    ("heures", "-35"),
    ("heures", "1e309"),
    ("heures", "NaN"),
    ("mois", "9999-12"),
    ("mois", "0000-00"),
    ("date_naissance", "30/02/2000"),
    ("siret_employeur", "12345678901234"),
    ("commune_insee", "\x00\x00\x00\x00\x00"),
    ("nom", "=cmd|' /C calc'!A0"),
]


def _confirmer_si_demande(client, reponse, *, quoi):
    """The statement asks to confirm monthly totals above the alert: confirm it, as the clerk would."""
    for formulaire in formulaires(reponse.content.decode(), "post"):
        empreintes = [champ.valeur for champ in formulaire.champs if champ.nom == "empreinte"]
        if empreintes:
            envoyer(client, "/import/", {"empreinte": empreintes[0], "je_confirme": "on"}, quoi=quoi)


@pytest.mark.parametrize("role", ["departement", "agent_a"])
def test_import_de_releves(request, personne_a, clause_a, role):
    utilisateur = request.getfixturevalue(role)
    lignes = _lignes_du_casting(personne_a, clause_a)
    realiste, ecrire = releve_realiste(lignes)
    fichier = st.one_of(fichier_tableur(list(ENTETES), MODELE_XLSX), realiste)

    @budget(25)
    @given(fichier)
    def imports_hostiles(nom_et_contenu):
        nom, contenu = nom_et_contenu
        with transaction.atomic():
            client = client_de(utilisateur)
            quoi = f"import du relevé {nom} ({len(contenu)} octets) en {role}"
            reponse = envoyer(client, "/import/", {"fichier": SimpleUploadedFile(nom, contenu)}, quoi=quoi)
            if reponse.status_code == 200:
                _confirmer_si_demande(client, reponse, quoi=f"confirmation de l'{quoi}")
            transaction.set_rollback(True)

    for numero in range(len(lignes)):
        for colonne, valeur in CELLULES_EXPLICITES:
            imports_hostiles = example(ecrire([(numero, colonne, valeur)], ";"))(imports_hostiles)
    imports_hostiles()


DECP_EXPLICITES = [
    ("objet", "Travaux\x00de voirie"),
    ("id", "\x00"),
    ("montant", 10**40),
    ("montant", -1),
    ("montant", "1e309"),
    ("dateNotification", "2026-02-30"),
    ("dateNotification", "0000-00-00"),
    ("dureeMois", 10**12),
    ("dureeMois", -3),
    ("acheteur", {"id": "\x00" * 14}),
    ("acheteur", {"id": "12345678901234"}),
    ("titulaires", [{"titulaire": {"typeIdentifiant": "SIRET", "id": "1" * 14}}]),
]


def test_import_decp(departement, epci_a):
    CommuneFactory(epci=epci_a)  # the territories of the Département are loaded

    @budget(20)
    @given(fichier_decp(ENREGISTREMENTS), st.booleans())
    def imports_hostiles(nom_et_contenu, simulation):
        nom, contenu = nom_et_contenu
        corps = {"fichier": SimpleUploadedFile(nom, contenu)}
        if simulation:
            corps["simulation"] = "on"
        with transaction.atomic():
            client = client_de(departement)
            envoyer(client, "/marches/import-decp/", corps, quoi=f"import DECP {nom} ({len(contenu)} octets)")
            transaction.set_rollback(True)

    for cle, valeur in DECP_EXPLICITES:
        enregistrement = dict(ENREGISTREMENTS[0]) | {cle: valeur}
        contenu = json.dumps({"marches": {"marche": [enregistrement]}}).encode()
        imports_hostiles = example(("decp.json", contenu), False)(imports_hostiles)
    imports_hostiles()
