"""Helpers shared by the statement import tests: building statement files and importing them."""

import csv
import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from insertion.releves.colonnes import ENTETES
from insertion.releves.importation import importer_releve
from insertion.releves.lecture import lire_releve

URL = reverse("releves:importer")


def ligne(jeu, **valeurs) -> dict:
    """A clean line for the known person; keyword arguments override or add cells."""
    return {
        "reference_marche": jeu.marche.reference,
        "numero_lot": "1",
        "mois": f"{jeu.mois:%Y-%m}",
        "nom": "LEFEVRE",
        "prenom": "helene",
        "date_naissance": "12/04/1988",
        "siret_employeur": jeu.employeur.siret,
        "modalite": "embauche directe",
        "type_contrat": "CDD",
        "heures": "35,5",
    } | valeurs


def nouvelle_personne(jeu, numero: int, **valeurs) -> dict:
    """A clean line for a person the portal does not know yet."""
    personne = {
        "nom": f"Personne{numero:04d}",
        "prenom": "Dominique",
        "date_naissance": "03/02/1979",
        "sexe": "H",
        "commune_insee": jeu.commune.code_insee,
        "brsa": "oui",
    }
    return ligne(jeu, **(personne | valeurs))


def fichier_xlsx(lignes: list[dict], entetes=ENTETES) -> bytes:
    classeur = openpyxl.Workbook()
    feuille = classeur.active
    feuille.append(list(entetes))
    for valeurs in lignes:
        feuille.append([valeurs.get(entete, None) for entete in entetes])
    sortie = io.BytesIO()
    classeur.save(sortie)
    return sortie.getvalue()


def fichier_csv(lignes: list[dict], entetes=ENTETES, separateur=";", encodage="utf-8-sig") -> bytes:
    sortie = io.StringIO()
    ecrivain = csv.writer(sortie, delimiter=separateur, lineterminator="\r\n")
    ecrivain.writerow(entetes)
    for valeurs in lignes:
        ecrivain.writerow([valeurs.get(entete, "") for entete in entetes])
    return sortie.getvalue().encode(encodage)


def deposer(client, contenu: bytes, nom="releve.xlsx"):
    return client.post(URL, {"fichier": SimpleUploadedFile(nom, contenu)})


def importer(jeu, lignes, *, user=None, confirmer=False):
    """Runs the import without the view (precise assertions on the result)."""
    releve = lire_releve(nom="releve.csv", contenu=fichier_csv(lignes))
    return importer_releve(user=user or jeu.agent, releve=releve, confirmer_depassement=confirmer)
