"""Importing a monthly statement: the checks on each line and cell, and illegible files."""

import datetime
from decimal import Decimal

import pytest

from beneficiaires.models import Beneficiaire
from insertion.models import HeuresRealisees
from insertion.releves.colonnes import ENTETES
from insertion.releves.lecture import FichierIllisible, lire_releve
from portail.periodes import ajouter_mois, dernier_jour, libelle_mois, mois_courant, mois_precedent
from tests.factories import (
    BeneficiaireFactory,
    ClauseFactory,
    LotFactory,
    siret_aleatoire,
)
from tests.insertion.releves.aides import (
    deposer,
    fichier_csv,
    fichier_xlsx,
    importer,
    ligne,
    nouvelle_personne,
)

pytestmark = pytest.mark.django_db


def erreurs(resultat) -> list[tuple]:
    return [(e.ligne, e.message) for e in resultat.erreurs]


# --- a file with errors writes nothing -----------------------------------------------------------


def test_fichier_avec_erreurs_n_ecrit_rien_et_donne_chaque_ligne(client, jeu):
    client.force_login(jeu.agent)
    siret_inconnu = siret_aleatoire()
    futur = mois_courant().replace(year=mois_courant().year + 1)
    lignes = [
        nouvelle_personne(jeu, 10),  # 2: clean, but nothing may be written
        ligne(jeu, siret_employeur="12345678901234", modalite="bénévolat"),  # 3: two errors on one line
        ligne(jeu, mois="13/2026", heures="0"),  # 4: two errors on one line
        {},  # 5: empty, skipped
        ligne(jeu, nom="Inconnu"),  # 6: unknown person without sexe
        ligne(jeu, siret_employeur=siret_inconnu, numero_lot="7"),  # 7
        ligne(jeu, mois=f"{futur:%m/%Y}", nom="Martin", prenom="Léa", sexe="F"),  # 8: refused by the service
    ]
    reponse = deposer(client, fichier_xlsx(lignes))

    resultat = reponse.context["resultat"]
    assert not resultat.ecrit
    assert erreurs(resultat) == [
        (
            3,
            "SIRET de l'employeur « 12345678901234 » invalide : 14 chiffres avec une clé de contrôle correcte.",
        ),
        (
            3,
            "Modalité « bénévolat » inconnue : valeurs admises embauche_directe, mise_a_disposition, "
            "sous_traitance, formation (ou leurs libellés).",
        ),
        (4, "Mois « 13/2026 » illisible : écrivez AAAA-MM (2026-03) ou MM/AAAA (03/2026)."),
        (
            4,
            "Heures « 0 » : le nombre d'heures d'une ligne doit être supérieur à 0 et au plus 744.",
        ),
        (
            6,
            "INCONNU helene (né·e le 12/04/1988) n'est pas encore connu·e du portail : indiquez son sexe (F ou H) "
            "dans la colonne sexe pour l'ajouter.",
        ),
        (
            7,
            f"Le marché {jeu.marche.libelle} n'a pas de lot n° 7 portant une clause d'insertion "
            "(lots avec clause : 1).",
        ),
        (
            7,
            f"Employeur inconnu : aucune entreprise de SIRET {siret_inconnu} dans le portail. Indiquez sa "
            "raison sociale dans la colonne raison_sociale_employeur (et son type de structure dans "
            "type_structure_employeur) pour l'ajouter ; le Département le vérifiera.",
        ),
        (
            8,
            f"Impossible de déclarer des heures pour {libelle_mois(futur)} : ce mois n'est pas commencé.",
        ),
    ]
    assert not HeuresRealisees.objects.exists()
    assert not Beneficiaire.objects.filter(nom__in=["Personne0010", "Martin"]).exists()
    contenu = reponse.content.decode()
    assert "Le fichier comporte 8 erreurs : rien n'a été enregistré" in contenu
    for numero in (3, 4, 6, 7, 8):
        assert f"<td>ligne {numero}</td>" in contenu
    assert "<td>ligne 2</td>" not in contenu and "<td>ligne 5</td>" not in contenu


def test_erreurs_du_service_rapportees_a_leur_ligne(jeu):
    """Rules of the grid: period of the contract, 250 h a month, a line given twice."""
    avant = jeu.marche.date_debut.replace(day=1) - datetime.timedelta(days=1)
    lignes = [
        ligne(jeu, heures="10"),  # 2
        ligne(jeu, mois=f"{avant:%Y-%m}"),  # 3
        nouvelle_personne(jeu, 11, heures="200"),  # 4
        nouvelle_personne(jeu, 11, heures="60", modalite="formation", type_contrat="stage"),  # 5
        ligne(jeu, heures="12"),  # 6: same key as line 2
    ]
    resultat = importer(jeu, lignes)

    assert [e.ligne for e in resultat.erreurs] == [3, 4, 6]
    assert "hors de la période d'exécution du marché" in resultat.erreurs[0].message
    assert "PERSONNE0011 Dominique totaliserait 260\u00a0h" in resultat.erreurs[1].message
    assert "apparaît deux fois" in resultat.erreurs[2].message
    assert not HeuresRealisees.objects.exists()
    assert not Beneficiaire.objects.filter(nom="Personne0011").exists()


def test_marche_d_un_autre_epci_est_inconnu(client, jeu):
    ailleurs = ClauseFactory(lot__numero=1, lot__marche__reference="2026-SECRET-99")
    client.force_login(jeu.agent)
    lignes = [ligne(jeu), ligne(jeu, reference_marche=ailleurs.lot.marche.reference)]

    reponse = deposer(client, fichier_csv(lignes), nom="releve.csv")

    assert erreurs(reponse.context["resultat"]) == [
        (
            3,
            "Marché inconnu : « 2026-SECRET-99 ». Vérifiez la référence : elle doit désigner un marché que vous "
            "suivez dans le portail.",
        )
    ]
    # Word for word what a reference that exists nowhere gets.
    absente = importer(jeu, [ligne(jeu, reference_marche="2026-SECRET-98")])
    assert erreurs(absente)[0][1] == erreurs(reponse.context["resultat"])[0][1].replace("99", "98")
    assert ailleurs.lot.marche.objet not in reponse.content.decode()
    assert not HeuresRealisees.objects.exists()


def test_lot_obligatoire_quand_le_marche_a_plusieurs_clauses(jeu):
    ClauseFactory(lot=LotFactory(marche=jeu.marche, numero=2))
    sans_lot = importer(jeu, [ligne(jeu, numero_lot="")])
    assert erreurs(sans_lot) == [
        (
            2,
            f"Le marché {jeu.marche.libelle} a plusieurs lots avec une clause (1, 2) : indiquez le numéro de "
            "lot dans la colonne numero_lot.",
        )
    ]
    assert importer(jeu, [ligne(jeu, numero_lot="2")]).crees == 1
    assert HeuresRealisees.objects.get().clause.lot.numero == 2


def test_reference_partagee_par_deux_acheteurs(jeu):
    homonyme = ClauseFactory(
        lot__numero=1, lot__marche__reference=jeu.marche.reference, lot__marche__acheteur__epci=jeu.agent.epci
    )
    ambigu = importer(jeu, [ligne(jeu)])
    assert "désigne 2 marchés d'acheteurs différents" in ambigu.erreurs[0].message

    siret = homonyme.lot.marche.acheteur.siret
    resultat = importer(jeu, [ligne(jeu, siret_acheteur=siret)])
    assert resultat.crees == 1
    assert HeuresRealisees.objects.get().clause == homonyme


def test_personne_nouvelle_incoherente_entre_deux_lignes(jeu):
    lignes = [
        nouvelle_personne(jeu, 12, heures="10"),
        nouvelle_personne(jeu, 12, heures="10", sexe="F", modalite="formation"),
    ]
    resultat = importer(jeu, lignes)
    assert erreurs(resultat) == [
        (3, "Pour PERSONNE0012 Dominique (né·e le 03/02/1979), le sexe diffère de la ligne 2."),
    ]


@pytest.mark.parametrize(
    ("cellules", "message"),
    [
        (
            {"date_naissance": "1988-13-45"},
            "Date de naissance « 1988-13-45 » illisible : écrivez JJ/MM/AAAA.",
        ),
        ({"heures": "trente"}, "Heures « trente » illisibles : indiquez un nombre (35 ou 35,5)."),
        ({"heures": "745"}, "le nombre d'heures d'une ligne doit être supérieur à 0 et au plus 744."),
        ({"type_contrat": "CDD senior"}, "Type de contrat « CDD senior » inconnu"),
        ({"reference_marche": ""}, "La référence du marché est vide."),
        ({"numero_lot": "un"}, "Numéro de lot « un » illisible"),
        ({"sexe": "X"}, "Sexe « X » inconnu : écrivez F ou H."),
        ({"brsa": "peut-être"}, "Valeur « peut-être » de la colonne brsa inconnue : écrivez oui ou non."),
        (
            {"brsa": "non", "brsa_debut": "01/01/2025"},
            "Un début de RSA est indiqué alors que la colonne brsa vaut",
        ),
        ({"commune_insee": "99999"}, "Commune inconnue : code INSEE 99999."),
        ({"commune_insee": "4C007"}, "Code INSEE de commune « 4C007 » invalide"),
        ({"date_naissance": "01/01/2020", "sexe": "F"}, "Née ou né le 01/01/2020, la personne aurait"),
        ({"date_naissance": "01/01/1940", "sexe": "F"}, "Née ou né le 01/01/1940, la personne aurait"),
        ({"siret_acheteur": "123"}, "SIRET de l'acheteur « 123 » invalide"),
        ({"mois": ""}, "Le mois est vide : écrivez AAAA-MM (2026-03) ou MM/AAAA (03/2026)."),
        ({"date_naissance": " "}, "La date de naissance est vide : écrivez JJ/MM/AAAA."),
        ({"heures": ""}, "Le nombre d'heures est vide."),
        ({"modalite": ""}, "La modalité est vide : valeurs admises embauche_directe"),
        ({"type_contrat": ""}, "Le type de contrat est vide : valeurs admises cdi, cdd"),
        ({"nom": ""}, "Le nom de la personne est vide."),
        ({"siret_employeur": ""}, "Le SIRET de l'employeur est vide."),
    ],
)
def test_chaque_cellule_est_verifiee(jeu, cellules, message):
    # Another modality than line 2's: the line is not a duplicate when its other cells are readable.
    resultat = importer(jeu, [ligne(jeu), ligne(jeu, **({"modalite": "formation"} | cellules))])
    assert [e.ligne for e in resultat.erreurs] == [3]
    assert message in resultat.erreurs[0].message
    assert not HeuresRealisees.objects.exists()


@pytest.mark.parametrize("annee", [2020, 1940])
def test_age_d_une_personne_nouvelle(jeu, annee):
    """From 16 to 75 years old on the last day of the month worked: a child or a mistyped year is refused."""
    resultat = importer(jeu, [nouvelle_personne(jeu, 13, date_naissance=f"01/01/{annee}")])
    assert erreurs(resultat) == [
        (
            2,
            f"Née ou né le 01/01/{annee}, la personne aurait {jeu.mois.year - annee} ans en "
            f"{libelle_mois(jeu.mois)} : vérifiez la date de naissance (de 16 à 75 ans pour travailler des "
            "heures d'insertion).",
        )
    ]
    assert not HeuresRealisees.objects.exists()
    assert not Beneficiaire.objects.filter(nom="Personne0013").exists()


def test_l_age_est_verifie_au_premier_mois_travaille_dans_le_fichier(jeu):
    """16 on the last day of this month, 15 the month before: the earlier line is refused, wherever it is."""
    avant = mois_precedent(jeu.mois)
    seize_ans = ajouter_mois(dernier_jour(jeu.mois), -16 * 12)
    lignes = [
        nouvelle_personne(jeu, 14, date_naissance=f"{seize_ans:%d/%m/%Y}", heures="10"),
        nouvelle_personne(jeu, 14, date_naissance=f"{seize_ans:%d/%m/%Y}", mois=f"{avant:%Y-%m}"),
    ]
    resultat = importer(jeu, lignes)
    assert [e.ligne for e in resultat.erreurs] == [3]
    assert f"la personne aurait 15 ans en {libelle_mois(avant)}" in resultat.erreurs[0].message

    # Alone, the later month is accepted: 16 years old exactly on its last day.
    assert importer(jeu, lignes[:1]).crees == 1
    assert Beneficiaire.objects.get(nom="Personne0014").date_naissance == seize_ans


def test_l_age_d_une_personne_deja_connue_n_est_pas_verifie(jeu):
    """The rule is for a new person: someone already followed keeps working after 75."""
    ancien = BeneficiaireFactory(
        nom="Ancien", prenom="Marcel", date_naissance=datetime.date(1940, 1, 1), cree_par_epci=jeu.agent.epci
    )
    resultat = importer(jeu, [ligne(jeu, nom="ANCIEN", prenom="Marcel", date_naissance="01/01/1940")])
    assert (resultat.erreurs, resultat.crees) == ([], 1)
    assert HeuresRealisees.objects.get().beneficiaire == ancien


@pytest.mark.parametrize(
    ("valeur", "attendu"),
    [("35,5", "35.50"), ("35.5", "35.5"), (" 7,25 h", "7.25"), ("1 0", "10"), ("8", "8")],
)
def test_heures_virgule_ou_point(jeu, valeur, attendu):
    assert importer(jeu, [ligne(jeu, heures=valeur)]).crees == 1
    assert HeuresRealisees.objects.get().heures == Decimal(attendu)


@pytest.mark.parametrize("format_", ["{:%Y-%m}", "{:%m/%Y}", "{:%d/%m/%Y}"])
def test_mois_aaaa_mm_ou_mm_aaaa(jeu, format_):
    assert importer(jeu, [ligne(jeu, mois=format_.format(jeu.mois))]).crees == 1
    assert HeuresRealisees.objects.get().mois == jeu.mois


# --- reading the file as a whole -----------------------------------------------------------------


def test_colonnes_obligatoires_absentes(client, jeu):
    client.force_login(jeu.agent)
    entetes = [e for e in ENTETES if e not in ("mois", "heures")]
    reponse = deposer(client, fichier_csv([ligne(jeu)], entetes=entetes), nom="releve.csv")
    assert reponse.status_code == 200
    assert reponse.context["formulaire"].errors["fichier"] == [
        "Colonnes obligatoires absentes : mois, heures. La première ligne du fichier doit porter les en-têtes "
        "du modèle à télécharger sur cette page."
    ]
    assert not HeuresRealisees.objects.exists()


@pytest.mark.parametrize(
    ("nom", "contenu", "message"),
    [
        ("releve.xls", b"\xd0\xcf\x11\xe0 ancien classeur", "Ce format n'est pas pris en charge"),
        ("releve.xlsx", b"reference;mois\n", "Ce fichier n'est pas un classeur Excel (.xlsx) lisible."),
        (
            "releve.xlsx",
            b"PK\x03\x04 pas vraiment un zip",
            "Ce fichier n'est pas un classeur Excel (.xlsx) lisible.",
        ),
        ("releve.csv", b"   \n", "Le fichier est vide."),
        ("releve.pdf", b"%PDF-1.7", "Les fichiers .pdf ne sont pas pris en charge"),
        ("releve.csv", b"mois;mois;heures\n", "La colonne « mois » apparaît deux fois"),
        (
            "releve.csv",
            b"\x00\x01\x02binaire",
            "Ce fichier n'est ni un classeur Excel (.xlsx) ni un fichier CSV",
        ),
    ],
)
def test_fichiers_illisibles(nom, contenu, message):
    with pytest.raises(FichierIllisible) as erreur:
        lire_releve(nom=nom, contenu=contenu)
    assert message in erreur.value.message


@pytest.mark.parametrize("valeur", ["1e309", "1E+40", "-1e50", "9" * 40])
def test_heures_immenses_refusees_par_les_bornes(jeu, valeur):
    """A number too large to round to the cent is refused with the bounds message, not a server error."""
    resultat = importer(jeu, [ligne(jeu, heures=valeur)])
    assert erreurs(resultat) == [
        (
            2,
            f"Heures « {valeur} » : le nombre d'heures d'une ligne doit être supérieur à 0 et au plus 744.",
        )
    ]
    assert not HeuresRealisees.objects.exists()


@pytest.mark.parametrize("valeur", ["9" * 5000, "²", "١"])
def test_numero_de_lot_illisible(jeu, valeur):
    """Digits for isdigit() that int() refuses (5 000 of them, a superscript) are an illegible lot number."""
    resultat = importer(jeu, [ligne(jeu, numero_lot=valeur)])
    assert erreurs(resultat) == [
        (2, f"Numéro de lot « {valeur} » illisible : indiquez un nombre entier (1, 2…).")
    ]
    assert not HeuresRealisees.objects.exists()
