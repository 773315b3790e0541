"""Importing a monthly statement: what a clean file writes (lines, new people, re-imports)."""

import codecs
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest

from beneficiaires.enums import CodePublic, Sexe
from beneficiaires.models import Beneficiaire, Eligibilite
from insertion.enums import Modalite, Statut, TypeContrat
from insertion.models import HeuresRealisees
from insertion.releves.importation import importer_releve
from insertion.releves.lecture import lire_releve
from tests.factories import (
    HeuresRealiseesFactory,
    UserFactory,
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


# --- a clean file --------------------------------------------------------------------------------


def test_fichier_xlsx_propre_ecrit_les_lignes_et_cree_les_personnes(client, jeu):
    client.force_login(jeu.agent)
    lignes = [
        ligne(jeu),
        nouvelle_personne(jeu, 1, heures="70", modalite="mise_a_disposition", type_contrat="mission"),
    ]
    reponse = deposer(client, fichier_xlsx(lignes))

    assert reponse.status_code == 200
    contenu = reponse.content.decode()
    assert "Relevé importé" in contenu
    assert reponse.context["resultat"].crees == 2
    assert reponse.context["resultat"].personnes_creees == ["PERSONNE0001 Dominique"]
    assert "PERSONNE0001 Dominique" in contenu

    rangees = {r.beneficiaire.nom: r for r in HeuresRealisees.objects.select_related("beneficiaire")}
    assert set(rangees) == {"Lefèvre", "Personne0001"}
    connue = rangees["Lefèvre"]
    assert (connue.clause, connue.employeur, connue.mois) == (jeu.clause, jeu.employeur, jeu.mois)
    assert (connue.heures, connue.modalite, connue.type_contrat) == (
        Decimal("35.50"),
        Modalite.EMBAUCHE_DIRECTE,
        TypeContrat.CDD,
    )
    assert (connue.statut, connue.saisi_par) == (Statut.DECLAREES, jeu.agent)
    nouvelle = rangees["Personne0001"]
    assert (nouvelle.heures, nouvelle.modalite, nouvelle.type_contrat) == (
        Decimal("70"),
        Modalite.MISE_A_DISPOSITION,
        TypeContrat.MISSION,
    )
    personne = nouvelle.beneficiaire
    assert (personne.sexe, personne.commune, personne.date_entree) == (Sexe.HOMME, jeu.commune, jeu.mois)
    assert personne.cree_par_epci == jeu.agent.epci
    assert personne.history.count() == 1
    brsa = Eligibilite.objects.get(beneficiaire=personne)
    assert (brsa.public.code, brsa.date_debut, brsa.date_fin) == (CodePublic.BRSA, jeu.mois, None)
    assert HeuresRealisees.history.count() == 2


def test_fichier_csv_propre_ecrit_les_lignes(client, jeu):
    client.force_login(jeu.agent)
    contenu = fichier_csv([ligne(jeu), nouvelle_personne(jeu, 2, brsa_debut="01/09/2024")])
    assert contenu.startswith(codecs.BOM_UTF8)

    reponse = deposer(client, contenu, nom="releve.csv")

    assert reponse.context["resultat"].ecrit
    assert HeuresRealisees.objects.count() == 2
    eligibilite = Eligibilite.objects.get(beneficiaire__nom="Personne0002")
    assert eligibilite.date_debut == datetime.date(2024, 9, 1)


@pytest.mark.parametrize(
    ("separateur", "encodage"),
    [(",", "utf-8"), (";", "cp1252"), ("\t", "utf-16")],
    ids=["virgule-utf8-sans-bom", "point-virgule-windows-1252", "texte-unicode-excel"],
)
def test_csv_separateurs_et_encodages(jeu, separateur, encodage):
    """Accents survive every encoding: the known person is matched, nobody is created."""
    lignes = [ligne(jeu, nom="Lefèvre", prenom="Hélène", heures="12.25")]
    contenu = fichier_csv(lignes, separateur=separateur, encodage=encodage)
    releve = lire_releve(nom="releve.csv", contenu=contenu)

    resultat = importer_releve(user=jeu.agent, releve=releve)

    assert (resultat.crees, resultat.personnes_creees, resultat.erreurs) == (1, [], [])
    assert HeuresRealisees.objects.get().beneficiaire == jeu.connue


def test_xlsx_avec_cellules_natives_et_entetes_libres(jeu):
    """Excel turns dates, months and numbers into native cells; headers may be written in plain French."""
    entetes = ["Référence du marché", "N° lot", "Mois", "NOM", "Prénom", "Date de naissance"]
    entetes += ["SIRET de l'employeur", "Modalité", "Type de contrat", "Nombre d'heures", "Commentaire"]
    classeur = openpyxl.Workbook()
    feuille = classeur.active
    feuille.append(entetes)
    feuille.append([])  # an empty line is skipped, but still counts in the numbering
    feuille.append(
        [
            jeu.marche.reference.lower(),
            1,
            datetime.datetime(jeu.mois.year, jeu.mois.month, 1),
            "lefevre",
            "HELENE",
            datetime.datetime(1988, 4, 12),
            int(jeu.employeur.siret),
            "Embauche directe",
            "contrat de professionnalisation",
            7.25,
            "libre",
        ]
    )
    sortie = io.BytesIO()
    classeur.save(sortie)

    releve = lire_releve(nom="export.XLSX", contenu=sortie.getvalue())
    assert [brute.numero for brute in releve.lignes] == [3]
    assert releve.colonnes_ignorees == ["Commentaire"]
    resultat = importer_releve(user=jeu.agent, releve=releve)

    assert resultat.erreurs == []
    rangee = HeuresRealisees.objects.get()
    assert (rangee.beneficiaire, rangee.heures, rangee.type_contrat) == (
        jeu.connue,
        Decimal("7.25"),
        TypeContrat.PROFESSIONNALISATION,
    )


def test_departement_importe_sur_tous_les_epci(jeu):
    agent_departement = UserFactory(departement=True)
    resultat = importer(jeu, [ligne(jeu)], user=agent_departement)
    assert resultat.crees == 1
    assert HeuresRealisees.objects.get().saisi_par == agent_departement


# --- re-import -----------------------------------------------------------------------------------


def test_reimporter_le_meme_fichier_ne_duplique_pas(client, jeu):
    client.force_login(jeu.agent)
    contenu = fichier_xlsx([ligne(jeu), nouvelle_personne(jeu, 3)])
    premier = deposer(client, contenu).context["resultat"]
    assert (premier.crees, premier.modifiees, premier.inchangees, len(premier.personnes_creees)) == (
        2,
        0,
        0,
        1,
    )

    reponse = deposer(client, contenu)

    second = reponse.context["resultat"]
    assert (second.crees, second.modifiees, second.inchangees, second.personnes_creees) == (0, 0, 2, [])
    assert HeuresRealisees.objects.count() == 2
    assert Beneficiaire.objects.filter(nom="Personne0003").count() == 1
    assert 'Lignes inchangées</th><td class="text-end">2</td>' in reponse.content.decode()


def test_reimporter_avec_des_heures_changees_modifie(client, jeu):
    client.force_login(jeu.agent)
    deposer(client, fichier_xlsx([ligne(jeu), nouvelle_personne(jeu, 4)]))

    reponse = deposer(client, fichier_xlsx([ligne(jeu, heures="40"), nouvelle_personne(jeu, 4)]))

    resultat = reponse.context["resultat"]
    assert (resultat.crees, resultat.modifiees, resultat.inchangees) == (0, 1, 1)
    assert 'Lignes modifiées</th><td class="text-end">1</td>' in reponse.content.decode()
    assert HeuresRealisees.objects.get(beneficiaire=jeu.connue).heures == Decimal("40")
    assert HeuresRealisees.objects.count() == 2


def test_heures_validees_verrouillees_pour_l_agent(jeu):
    HeuresRealiseesFactory(
        validees=True,
        clause=jeu.clause,
        beneficiaire=jeu.connue,
        employeur=jeu.employeur,
        mois=jeu.mois,
        heures=Decimal("20"),
    )
    resultat = importer(jeu, [nouvelle_personne(jeu, 5), ligne(jeu, heures="21")])

    assert not resultat.ecrit
    assert len(resultat.erreurs) == 1
    assert resultat.erreurs[0].ligne == 3
    assert "déjà validées par le Département" in resultat.erreurs[0].message
    assert not Beneficiaire.objects.filter(nom="Personne0005").exists()
    assert HeuresRealisees.objects.get().heures == Decimal("20")
