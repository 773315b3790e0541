"""The downloadable statement template: French headings, pre-filled with last month's rows of the clerk's
contracts in execution, read back by the import, recorded in the access log."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from beneficiaires.enums import ActionAcces
from beneficiaires.models import AccesDonnees
from insertion.enums import Modalite, Statut, TypeContrat
from insertion.releves.colonnes import COLONNES_PAR_CLE, ENTETES, ENTETES_FRANCAIS, normaliser
from insertion.releves.lecture import BOM_UTF8
from portail.periodes import libelle_mois, mois_precedent
from tests.factories import BeneficiaireFactory, ClauseFactory, HeuresRealiseesFactory
from tests.insertion.releves.aides import deposer
from tests.requetes import assert_autant_de_requetes, requetes_de_la_page

pytestmark = pytest.mark.django_db

ENTETES_ATTENDUES = [
    "Référence du marché",
    "SIRET de l'acheteur",
    "Numéro du lot",
    "Mois (AAAA-MM)",
    "Nom",
    "Prénom",
    "Date de naissance (JJ/MM/AAAA)",
    "Sexe (F ou H)",
    "Code INSEE de la commune",
    "Bénéficiaire du RSA (oui ou non)",
    "Début du RSA (JJ/MM/AAAA)",
    "SIRET de l'employeur",
    "Raison sociale de l'employeur",
    "Type de structure de l'employeur",
    "Modalité",
    "Type de contrat",
    "Heures travaillées",
]


def telecharger(client, format_):
    reponse = client.get(reverse("releves:modele", kwargs={"format": format_}))
    assert reponse.status_code == 200
    return reponse.content


def lignes_xlsx(contenu: bytes) -> list[tuple]:
    return list(openpyxl.load_workbook(io.BytesIO(contenu))["relevé"].iter_rows(values_only=True))


def lignes_csv(contenu: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(contenu.decode("utf-8").removeprefix(BOM_UTF8)), delimiter=";"))


@pytest.fixture
def rangee(jeu):
    """Last month, the known person worked on the clerk's clause; hours declared, not yet validated."""
    return HeuresRealiseesFactory(
        clause=jeu.clause,
        beneficiaire=jeu.connue,
        employeur=jeu.employeur,
        mois=jeu.mois,
        heures=Decimal(20),
        modalite=Modalite.FORMATION,
        type_contrat=TypeContrat.MISSION,
    )


def test_les_entetes_francaises_sont_lues_par_l_import():
    assert list(ENTETES_FRANCAIS) == ENTETES_ATTENDUES
    # Each French heading, normalised like the other aliases, designates its own column.
    assert [COLONNES_PAR_CLE[normaliser(entete)] for entete in ENTETES_ATTENDUES] == list(ENTETES)
    assert COLONNES_PAR_CLE[normaliser("MOIS (aaaa-mm)")] == "mois"


def test_sans_heures_le_mois_dernier_les_entetes_et_la_ligne_d_exemple(client, jeu):
    client.force_login(jeu.agent)
    assert lignes_xlsx(telecharger(client, "xlsx"))[:2] == [
        tuple(ENTETES_ATTENDUES),
        (
            "2026-M0001",
            "22490001900015",
            "1",
            "2026-03",
            "MARTIN",
            "Camille",
            "14/05/1990",
            "F",
            "49007",
            "oui",
            "01/01/2026",
            "12345678200010",
            "Intérim Insertion Anjou",
            "etti",
            "embauche_directe",
            "cdd",
            "35,5",
        ),
    ]
    assert len(lignes_csv(telecharger(client, "csv"))) == 2
    assert not AccesDonnees.objects.exists()  # no person in the file: nothing to record


def test_pre_rempli_avec_les_heures_du_mois_dernier(client, jeu, rangee):
    client.force_login(jeu.agent)
    attendue = [
        jeu.marche.reference,
        jeu.marche.acheteur.siret,
        "1",
        f"{jeu.mois:%Y-%m}",
        jeu.connue.nom,
        "Hélène",
        "12/04/1988",
        "",
        "",
        "",
        "",
        jeu.employeur.siret,
        "",
        "",
        "formation",
        "mission",
        "",
    ]
    assert lignes_csv(telecharger(client, "csv")) == [ENTETES_ATTENDUES, attendue]
    lignes = lignes_xlsx(telecharger(client, "xlsx"))
    assert [None if v is None else str(v) for v in lignes[1]] == [v or None for v in attendue]
    assert len(lignes) == 2

    entrees = list(AccesDonnees.objects.order_by("pk"))
    assert [(e.action, e.utilisateur, e.nombre_personnes) for e in entrees] == [
        (ActionAcces.EXPORT, jeu.agent, 1),
        (ActionAcces.EXPORT, jeu.agent, 1),
    ]
    assert entrees[0].detail == f"modèle de relevé pré-rempli (csv), {libelle_mois(jeu.mois)}"


@pytest.mark.parametrize("format_", ["xlsx", "csv"])
def test_le_modele_pre_rempli_se_relit(client, jeu, rangee, format_):
    """Round trip: download, fill in the hours, upload: the row of the month is written."""
    client.force_login(jeu.agent)
    contenu = telecharger(client, format_)
    if format_ == "xlsx":
        classeur = openpyxl.load_workbook(io.BytesIO(contenu))
        classeur["relevé"].cell(row=2, column=ENTETES_ATTENDUES.index("Heures travaillées") + 1, value=42.5)
        sortie = io.BytesIO()
        classeur.save(sortie)
        contenu = sortie.getvalue()
    else:
        lignes = lignes_csv(contenu)
        lignes[1][-1] = "42,5"
        sortie = io.StringIO()
        csv.writer(sortie, delimiter=";").writerows(lignes)
        contenu = (BOM_UTF8 + sortie.getvalue()).encode("utf-8")

    resultat = deposer(client, contenu, nom=f"rempli.{format_}").context["resultat"]
    assert resultat.ecrit, resultat.erreurs
    assert (resultat.lignes, resultat.modifiees) == (1, 1)
    rangee.refresh_from_db()
    assert (rangee.heures, rangee.statut) == (Decimal("42.5"), Statut.DECLAREES)


def test_seulement_le_perimetre_du_greffier_et_les_marches_en_execution(
    client, jeu, rangee, agent_b, clause_b
):
    """A person of EPCI B never appears in A's template; nor a contract ended before last month, nor a
    validated row (the clerk can no longer change it), nor another month."""
    de_b = BeneficiaireFactory(nom="Personnedeb", cree_par_epci=agent_b.epci)
    HeuresRealiseesFactory(clause=clause_b, beneficiaire=de_b, mois=jeu.mois)
    termine = ClauseFactory(
        lot__marche__acheteur__epci=jeu.agent.epci,
        lot__marche__date_debut=jeu.mois - datetime.timedelta(days=400),
        lot__marche__date_fin=jeu.mois - datetime.timedelta(days=1),
    )
    HeuresRealiseesFactory(
        clause=termine, beneficiaire=BeneficiaireFactory(nom="Personnefinie"), mois=jeu.mois
    )
    HeuresRealiseesFactory(
        clause=jeu.clause,
        beneficiaire=BeneficiaireFactory(nom="Personnevalidee"),
        mois=jeu.mois,
        validees=True,
    )
    HeuresRealiseesFactory(
        clause=jeu.clause,
        beneficiaire=BeneficiaireFactory(nom="Personneancienne"),
        mois=mois_precedent(jeu.mois),
    )

    client.force_login(jeu.agent)
    noms = [ligne[4] for ligne in lignes_csv(telecharger(client, "csv"))[1:]]
    assert noms == [jeu.connue.nom]

    client.force_login(agent_b)
    assert [ligne[4] for ligne in lignes_csv(telecharger(client, "csv"))[1:]] == ["Personnedeb"]
    assert jeu.connue.nom not in telecharger(client, "xlsx").decode("latin-1")


def test_le_modele_pre_rempli_en_un_nombre_fixe_de_requetes(client, jeu):
    def requetes(n):
        for _ in range(n):
            HeuresRealiseesFactory(clause=jeu.clause, employeur=jeu.employeur, mois=jeu.mois)
        return requetes_de_la_page(client, reverse("releves:modele", kwargs={"format": "xlsx"}))[1]

    client.force_login(jeu.agent)
    assert_autant_de_requetes(requetes(3), requetes(27))
