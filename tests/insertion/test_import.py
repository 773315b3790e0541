"""Monthly statement import: template downloads, reading, checking every line, writing all or nothing."""

import codecs
import csv
import datetime
import io
from decimal import Decimal
from types import SimpleNamespace

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from beneficiaires.enums import CodePublic, Sexe
from beneficiaires.models import Beneficiaire, Eligibilite
from insertion.enums import Modalite, Statut, TypeContrat
from insertion.models import HeuresRealisees
from insertion.releves import lecture
from insertion.releves.colonnes import ENTETES
from insertion.releves.importation import importer_releve
from insertion.releves.lecture import TAILLE_MAX_OCTETS, FichierIllisible, lire_releve
from portail.periodes import ajouter_mois, dernier_jour, libelle_mois, mois_courant, mois_precedent
from tests.factories import (
    BeneficiaireFactory,
    ClauseFactory,
    CommuneFactory,
    EntrepriseFactory,
    HeuresRealiseesFactory,
    LotFactory,
    UserFactory,
    siret_aleatoire,
)
from www.releves.views import CLE_SESSION

pytestmark = pytest.mark.django_db

URL = reverse("releves:importer")


# --- fixtures and file builders ------------------------------------------------------------------


@pytest.fixture
def jeu():
    """One EPCI clerk, a contract of their EPCI with one clause, an employer, a known person, last month."""
    agent = UserFactory(agent_epci=True)
    aujourd_hui = datetime.date.today()
    clause = ClauseFactory(
        lot__numero=1,
        lot__marche__reference="2026-VOIRIE-01",
        lot__marche__acheteur__epci=agent.epci,
        lot__marche__date_debut=aujourd_hui - datetime.timedelta(days=730),
        lot__marche__date_fin=aujourd_hui + datetime.timedelta(days=365),
    )
    employeur = EntrepriseFactory(raison_sociale="Bâtiments de l'Authion")
    connue = BeneficiaireFactory(
        nom="Lefèvre", prenom="Hélène", date_naissance=datetime.date(1988, 4, 12), sexe=Sexe.FEMME
    )
    commune = CommuneFactory(code_insee="49777", epci=agent.epci)
    return SimpleNamespace(
        agent=agent,
        clause=clause,
        marche=clause.lot.marche,
        employeur=employeur,
        connue=connue,
        commune=commune,
        mois=mois_precedent(mois_courant()),
    )


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


def erreurs(resultat) -> list[tuple]:
    return [(e.ligne, e.message) for e in resultat.erreurs]


# --- template downloads --------------------------------------------------------------------------


def test_modele_xlsx_porte_les_entetes_et_les_valeurs_autorisees(client, jeu):
    client.force_login(jeu.agent)
    reponse = client.get(reverse("releves:modele", kwargs={"format": "xlsx"}))
    assert reponse.status_code == 200
    assert reponse["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert 'filename="modele-releve-heures.xlsx"' in reponse["Content-Disposition"]
    classeur = openpyxl.load_workbook(io.BytesIO(reponse.content))
    assert classeur.sheetnames[:2] == ["relevé", "valeurs autorisées"]
    entetes = [c.value for c in classeur["relevé"][1]]
    assert entetes == [
        "reference_marche",
        "siret_acheteur",
        "numero_lot",
        "mois",
        "nom",
        "prenom",
        "date_naissance",
        "sexe",
        "commune_insee",
        "brsa",
        "brsa_debut",
        "siret_employeur",
        "modalite",
        "type_contrat",
        "heures",
    ]
    valeurs = {(r[0], r[1]) for r in classeur["valeurs autorisées"].iter_rows(min_row=2, values_only=True)}
    assert {("modalite", code) for code in Modalite.values} <= valeurs
    assert {("type_contrat", code) for code in TypeContrat.values} <= valeurs
    assert {("sexe", "F"), ("sexe", "H"), ("brsa", "oui"), ("brsa", "non")} <= valeurs


def test_modele_csv_utf8_avec_bom_et_point_virgule(client, jeu):
    client.force_login(jeu.agent)
    reponse = client.get(reverse("releves:modele", kwargs={"format": "csv"}))
    assert reponse.status_code == 200
    assert reponse["Content-Type"] == "text/csv; charset=utf-8"
    assert reponse.content.startswith(codecs.BOM_UTF8)
    premiere_ligne = reponse.content[len(codecs.BOM_UTF8) :].decode("utf-8").splitlines()[0]
    assert premiere_ligne.split(";") == list(ENTETES)


def test_le_modele_vide_est_refuse_sans_donnees(client, jeu):
    """The template itself is a valid file, but without lines: a clear message, not a crash."""
    client.force_login(jeu.agent)
    for format_ in ("xlsx", "csv"):
        modele = client.get(reverse("releves:modele", kwargs={"format": format_})).content
        reponse = deposer(client, modele, nom=f"modele.{format_}")
        assert "aucune ligne de relevé sous la ligne d&#x27;en-têtes" in reponse.content.decode()


def test_modele_dans_un_format_inconnu_404(client, jeu):
    client.force_login(jeu.agent)
    assert client.get(reverse("releves:modele", kwargs={"format": "ods"})).status_code == 404


# --- access --------------------------------------------------------------------------------------


def test_agent_epci_voit_le_formulaire_et_la_documentation(client, jeu):
    client.force_login(jeu.agent)
    reponse = client.get(URL)
    assert reponse.status_code == 200
    contenu = reponse.content.decode()
    assert '<label class="form-label" for="id_fichier">Fichier du relevé (XLSX ou CSV)</label>' in contenu
    assert reverse("releves:modele", kwargs={"format": "xlsx"}) in contenu
    assert reverse("releves:modele", kwargs={"format": "csv"}) in contenu
    assert "<caption" in contenu and "Colonnes du relevé" in contenu
    assert "<code>siret_employeur</code>" in contenu


@pytest.mark.parametrize("trait", ["lecteur", "lecteur_epci"])
def test_lecteur_404(client, jeu, trait):
    client.force_login(UserFactory(**{trait: True}))
    assert client.get(URL).status_code == 404
    assert deposer(client, fichier_xlsx([ligne(jeu)])).status_code == 404
    assert client.get(reverse("releves:modele", kwargs={"format": "xlsx"})).status_code == 404
    assert not HeuresRealisees.objects.exists()


def test_anonyme_renvoye_vers_la_connexion(client, jeu):
    for url in (URL, reverse("releves:modele", kwargs={"format": "csv"})):
        reponse = client.get(url)
        assert reponse.status_code == 302
        assert reponse["Location"] == f"/connexion/?next={url}"


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
            f"Le marché {jeu.marche.reference} n'a pas de lot n° 7 portant une clause d'insertion "
            "(lots avec clause : 1).",
        ),
        (
            7,
            f"Employeur inconnu : aucune entreprise de SIRET {siret_inconnu} dans le portail. Demandez au "
            "Département de l'enregistrer.",
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
            f"Le marché {jeu.marche.reference} a plusieurs lots avec une clause (1, 2) : indiquez le numéro de "
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
    resultat = importer(jeu, [ligne(jeu), ligne(jeu, **cellules)])
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
    ancien = BeneficiaireFactory(nom="Ancien", prenom="Marcel", date_naissance=datetime.date(1940, 1, 1))
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


def test_limites_de_taille_et_de_lignes(client, jeu, monkeypatch):
    client.force_login(jeu.agent)
    trop_gros = b"x" * (TAILLE_MAX_OCTETS + 1)
    reponse = deposer(client, trop_gros, nom="releve.csv")
    assert reponse.context["formulaire"].errors["fichier"] == [
        "Le fichier pèse plus de 2 Mo : découpez le relevé en plusieurs fichiers."
    ]

    monkeypatch.setattr(lecture, "LIGNES_MAX", 3)
    reponse = deposer(client, fichier_xlsx([ligne(jeu)] * 4))
    assert reponse.context["formulaire"].errors["fichier"] == [
        "Le relevé dépasse 3 lignes : découpez-le en plusieurs fichiers."
    ]

    monkeypatch.setattr(lecture, "LIGNES_LUES_MAX", 10)
    lignes_vides = fichier_csv([ligne(jeu)]) + b";;;\r\n" * 10
    reponse = deposer(client, lignes_vides, nom="releve.csv")
    assert reponse.context["formulaire"].errors["fichier"] == [
        "Le fichier dépasse 10 lignes (lignes vides comprises) : supprimez les lignes vides en fin de feuille "
        "ou découpez le relevé."
    ]
    assert not HeuresRealisees.objects.exists()


# --- confirmation above 160 h --------------------------------------------------------------------


def test_plus_de_160_heures_demande_une_confirmation(client, jeu):
    client.force_login(jeu.agent)
    contenu = fichier_xlsx([ligne(jeu, heures="170")])

    reponse = deposer(client, contenu)

    resultat = reponse.context["resultat"]
    assert resultat.confirmation_requise and not resultat.ecrit
    assert resultat.alertes == [
        f"LEFÈVRE Hélène totalise 170\u00a0h en {libelle_mois(jeu.mois)}, tous marchés confondus "
        "(plus de 160\u00a0h)."
    ]
    assert "Confirmation nécessaire : rien n'est encore enregistré" in reponse.content.decode()
    assert not HeuresRealisees.objects.exists()
    empreinte = reponse.context["confirmation"]["empreinte"].value()

    sans_case = client.post(URL, {"empreinte": empreinte})
    assert sans_case.context["confirmation"].errors["je_confirme"] == [
        "Cochez la case pour confirmer les totaux avant d'importer le fichier."
    ]
    assert not HeuresRealisees.objects.exists()

    confirme = client.post(URL, {"empreinte": empreinte, "je_confirme": "on"})

    assert confirme.context["resultat"].ecrit
    assert confirme.context["resultat"].alertes == resultat.alertes
    assert HeuresRealisees.objects.get().heures == Decimal("170")
    assert CLE_SESSION not in client.session
    # The pending file is gone: confirming twice does not import twice.
    encore = client.post(URL, {"empreinte": empreinte, "je_confirme": "on"})
    assert [str(m) for m in encore.context["messages"]] == [
        "Le fichier à confirmer n'est plus disponible : déposez-le de nouveau."
    ]
    assert HeuresRealisees.objects.count() == 1


def test_confirmation_d_un_autre_fichier_refusee(client, jeu):
    client.force_login(jeu.agent)
    deposer(client, fichier_xlsx([ligne(jeu, heures="170")]))
    reponse = client.post(URL, {"empreinte": "0" * 64, "je_confirme": "on"})
    assert "n&#x27;est plus disponible" in reponse.content.decode()
    assert not HeuresRealisees.objects.exists()


# --- query counts --------------------------------------------------------------------------------


def _requetes_d_import(client, contenu) -> list[str]:
    with CaptureQueriesContext(connection) as requetes:
        reponse = deposer(client, contenu)
    assert reponse.context["resultat"].ecrit, reponse.context["resultat"].erreurs
    return [q["sql"] for q in requetes.captured_queries]


def test_nombre_de_requetes_independant_du_nombre_de_lignes(client, jeu, django_assert_max_num_queries):
    """10 or 100 lines, new people included: the same queries, in bulk (SQLite only splits big INSERTs)."""
    client.force_login(jeu.agent)
    petit = fichier_xlsx([nouvelle_personne(jeu, n, heures="20") for n in range(10)])
    grand = fichier_xlsx([nouvelle_personne(jeu, n, heures="20") for n in range(100, 200)])

    with django_assert_max_num_queries(23):
        deposer(client, petit)
    HeuresRealisees.objects.all().delete()
    Beneficiaire.objects.filter(nom__startswith="Personne").delete()
    requetes_petit = _requetes_d_import(client, petit)
    requetes_grand = _requetes_d_import(client, grand)

    assert HeuresRealisees.objects.count() == 110
    hors_insertions = [[q for q in r if not q.startswith("INSERT")] for r in (requetes_petit, requetes_grand)]
    assert len(hors_insertions[0]) == len(hors_insertions[1])
    if connection.vendor == "postgresql":
        assert len(requetes_petit) == len(requetes_grand)

    # Importing the same files again writes nothing: exactly the same number of queries on every database.
    assert len(_requetes_d_import(client, petit)) == len(_requetes_d_import(client, grand))
