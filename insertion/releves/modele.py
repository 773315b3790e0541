"""The statement template offered for download: XLSX with drop-down lists and a help sheet, or CSV.

Its headings are the French ones of colonnes.py (the import reads them back, like the technical names). It is
pre-filled with one line per row of the month given (contract, lot, person, employer, modality), hours left
empty; without any row, it holds the example line.
"""

import csv
import io

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from insertion.regles import MESSAGE_PLAFONDS_MENSUELS
from insertion.releves.colonnes import COLONNES, ENTETES_FRANCAIS, valeurs_autorisees
from insertion.releves.lecture import BOM_UTF8, LIGNES_MAX

LIGNE_EXEMPLE = {colonne.nom: colonne.exemple for colonne in COLONNES}


def lignes_pre_remplies(rangees) -> list[dict]:
    """One template line (column name -> value) per hours row of the month; hours empty, to be filled in."""
    return [
        {
            "reference_marche": rangee.clause.lot.marche.reference,
            "siret_acheteur": rangee.clause.lot.marche.acheteur.siret,
            "numero_lot": rangee.clause.lot.numero,
            "mois": f"{rangee.mois:%Y-%m}",
            "nom": rangee.beneficiaire.nom,
            "prenom": rangee.beneficiaire.prenom,
            "date_naissance": f"{rangee.beneficiaire.date_naissance:%d/%m/%Y}",
            "siret_employeur": rangee.employeur.siret,
            "modalite": rangee.modalite,
            "type_contrat": rangee.type_contrat,
        }
        for rangee in rangees
    ]


def _lignes(lignes) -> list[list]:
    return [[ligne.get(colonne.nom) for colonne in COLONNES] for ligne in (lignes or [LIGNE_EXEMPLE])]


def modele_csv(lignes=()) -> bytes:
    sortie = io.StringIO()
    ecrivain = csv.writer(sortie, delimiter=";", lineterminator="\r\n")
    ecrivain.writerow(ENTETES_FRANCAIS)
    ecrivain.writerows(_lignes(lignes))
    return (BOM_UTF8 + sortie.getvalue()).encode("utf-8")


def modele_xlsx(lignes=()) -> bytes:
    classeur = openpyxl.Workbook()
    gras = Font(bold=True)
    fond = PatternFill("solid", fgColor="DDE7F3")

    releve = classeur.active
    releve.title = "relevé"
    releve.append(ENTETES_FRANCAIS)
    for valeurs in _lignes(lignes):
        releve.append(valeurs)
    for position, colonne in enumerate(COLONNES, start=1):
        lettre = get_column_letter(position)
        cellule = releve.cell(row=1, column=position)
        cellule.font, cellule.fill = gras, fond
        releve.column_dimensions[lettre].width = max(14, len(colonne.entete) + 4)
        if colonne.texte:
            releve.column_dimensions[lettre].number_format = "@"
            for (cellule,) in releve.iter_rows(min_row=2, min_col=position, max_col=position):
                cellule.number_format = "@"
    releve.freeze_panes = "A2"

    valeurs = classeur.create_sheet("valeurs autorisées")
    valeurs.append(("colonne", "valeur (code)", "signification"))
    plages = {}
    entetes = {colonne.nom: colonne.entete for colonne in COLONNES}
    for nom, choix in valeurs_autorisees():
        debut = valeurs.max_row + 1
        for code, libelle in choix:
            valeurs.append((entetes[nom], code, libelle))
        plages[nom] = f"'valeurs autorisées'!$B${debut}:$B${valeurs.max_row}"
    for cellule in valeurs[1]:
        cellule.font, cellule.fill = gras, fond
    for lettre, largeur in (("A", 32), ("B", 24), ("C", 60)):
        valeurs.column_dimensions[lettre].width = largeur

    # Drop-down lists on the closed columns; a label typed by hand is still accepted (warning only).
    for position, colonne in enumerate(COLONNES, start=1):
        if colonne.nom in plages:
            lettre = get_column_letter(position)
            validation = DataValidation(
                type="list", formula1=plages[colonne.nom], allow_blank=True, errorStyle="warning"
            )
            validation.add(f"{lettre}2:{lettre}{LIGNES_MAX + 1}")
            releve.add_data_validation(validation)

    aide = classeur.create_sheet("mode d'emploi")
    aide.append(("colonne", "obligatoire", "contenu", "exemple"))
    for colonne in COLONNES:
        aide.append((colonne.entete, "oui" if colonne.obligatoire else "non", colonne.aide, colonne.exemple))
    aide.append(())
    aide.append(("heures du mois", "", MESSAGE_PLAFONDS_MENSUELS, ""))
    for cellule in aide[1]:
        cellule.font, cellule.fill = gras, fond
    for lettre, largeur in (("A", 32), ("B", 12), ("C", 90), ("D", 18)):
        aide.column_dimensions[lettre].width = largeur
    for ligne in aide.iter_rows(min_row=2, min_col=3, max_col=3):
        ligne[0].alignment = Alignment(wrap_text=True, vertical="top")

    sortie = io.BytesIO()
    classeur.save(sortie)
    return sortie.getvalue()
