"""DECP import: writing buyers, companies, contracts and lots."""

import datetime
import io
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from marches import decp
from marches.decp import ImportDecpImpossible, importer_decp
from marches.enums import TypeAcheteur, TypeIdentifiant
from marches.models import Acheteur, Entreprise, Lot, Marche
from tests.factories import (
    AcheteurFactory,
    CommuneFactory,
    EntrepriseFactory,
    EpciFactory,
    LotFactory,
    MarcheFactory,
    siren_aleatoire,
    siret_aleatoire,
)
from tests.marches.decp.aides import SIRET_ACHETEUR, SIRET_TITULAIRE, enregistrement


def fichier(marches: list, concessions: list | None = None) -> io.BytesIO:
    enveloppe = {"marches": {"marche": marches, "contrat-concession": concessions or []}}
    return io.BytesIO(json.dumps(enveloppe, ensure_ascii=False).encode())


def importer(marches: list, **options):
    return importer_decp(fichier=fichier(marches), **options)


# --- writing -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_import_cree_acheteur_entreprise_marche_et_lot():
    resultat = importer([enregistrement()])
    assert (resultat.crees, resultat.mis_a_jour, resultat.inchanges) == (1, 0, 0)
    marche = Marche.objects.select_related("acheteur").get()
    assert marche.decp_uid == SIRET_ACHETEUR + "2024-001"
    assert (marche.reference, marche.objet, marche.code_cpv) == (
        "2024-001",
        "Entretien des espaces verts",
        "77310000",
    )
    assert (marche.nature, marche.procedure, marche.montant_ht) == (
        "services",
        "Procédure adaptée",
        Decimal("120000"),
    )
    assert (marche.date_notification, marche.date_debut, marche.date_fin) == (
        datetime.date(2024, 3, 15),
        datetime.date(2024, 3, 15),
        datetime.date(2025, 3, 15),
    )
    assert marche.acheteur.nom == f"Acheteur {SIRET_ACHETEUR}"  # no territory loaded: a placeholder
    assert marche.acheteur.type == TypeAcheteur.AUTRE
    lot = Lot.objects.select_related("titulaire").get()
    assert (lot.marche, lot.numero, lot.intitule, lot.montant_ht) == (
        marche,
        1,
        marche.objet,
        marche.montant_ht,
    )
    assert lot.titulaire.siret == SIRET_TITULAIRE
    assert lot.titulaire.raison_sociale == f"Entreprise {SIRET_TITULAIRE}"
    assert marche.history.get().history_change_reason == "Import DECP"


@pytest.mark.django_db
def test_deuxieme_import_identique_ne_cree_rien_puis_met_a_jour_ce_qui_change():
    importer([enregistrement(), enregistrement(id="2024-002")])
    resultat = importer([enregistrement(), enregistrement(id="2024-002")])
    assert (resultat.crees, resultat.mis_a_jour, resultat.inchanges) == (0, 0, 2)
    assert (
        Marche.objects.count(),
        Lot.objects.count(),
        Acheteur.objects.count(),
        Entreprise.objects.count(),
    ) == (
        2,
        2,
        1,
        1,
    )

    resultat = importer([enregistrement(montant=130000), enregistrement(id="2024-002")])
    assert (resultat.crees, resultat.mis_a_jour, resultat.inchanges) == (0, 1, 1)
    marche = Marche.objects.get(reference="2024-001")
    assert marche.montant_ht == marche.lots.get().montant_ht == Decimal("130000")
    assert marche.history.count() == 2


@pytest.mark.django_db
def test_les_noms_saisis_par_le_departement_ne_sont_jamais_ecrases():
    AcheteurFactory(siret=SIRET_ACHETEUR, nom="Ville d'Angers", type=TypeAcheteur.COMMUNE)
    EntrepriseFactory(siret=SIRET_TITULAIRE, raison_sociale="Paysages de l'Authion")
    titulaire = {"typeIdentifiant": "SIRET", "id": SIRET_TITULAIRE, "denominationSociale": "PAYSAGES SA"}
    importer(
        [
            enregistrement(
                acheteur={"id": SIRET_ACHETEUR, "nom": "MAIRIE"}, titulaires=[{"titulaire": titulaire}]
            )
        ]
    )
    assert Acheteur.objects.get().nom == "Ville d'Angers"
    assert Entreprise.objects.get().raison_sociale == "Paysages de l'Authion"


@pytest.mark.django_db
def test_nom_de_l_acheteur_d_apres_les_territoires_meme_apres_un_premier_import():
    importer([enregistrement()])
    assert Acheteur.objects.get().nom == f"Acheteur {SIRET_ACHETEUR}"
    epci = EpciFactory(nom="CU Angers Loire Métropole")
    CommuneFactory(code_insee="49007", siren="214900078", nom="Angers", epci=epci, codes_postaux=["49000"])
    importer([enregistrement()])
    acheteur = Acheteur.objects.get()
    assert (acheteur.nom, acheteur.type, acheteur.epci) == ("Commune d'Angers", TypeAcheteur.COMMUNE, epci)


@pytest.mark.parametrize(
    ("nom", "attendu"),
    [
        ("Angers", "Commune d'Angers"),
        ("Écouflant", "Commune d'Écouflant"),
        ("Les Ponts-de-Cé", "Commune des Ponts-de-Cé"),
        ("Le Lion-d'Angers", "Commune du Lion-d'Angers"),
        ("La Pommeraye", "Commune de La Pommeraye"),
        ("Mauges-sur-Loire", "Commune de Mauges-sur-Loire"),
    ],
)
def test_nom_d_une_commune(nom, attendu):
    assert decp.nom_de_commune(nom) == attendu


@pytest.mark.django_db
def test_epci_du_marche():
    epci_angers = EpciFactory()
    epci_saumur = EpciFactory()
    CommuneFactory(siren="214900078", epci=epci_angers, codes_postaux=["49000"])
    CommuneFactory(siren=siren_aleatoire(), epci=epci_saumur, codes_postaux=["49400"])
    CommuneFactory(siren=siren_aleatoire(), epci=epci_angers, codes_postaux=["49100"])
    CommuneFactory(siren=siren_aleatoire(), epci=epci_saumur, codes_postaux=["49100"])  # shared postcode
    departement = "22490001900015"
    importer(
        [
            enregistrement(id="commune"),  # buyer: a commune → its EPCI
            enregistrement(
                id="epci", acheteur={"id": siret_aleatoire(epci_saumur.siren)}
            ),  # buyer: the EPCI itself
            enregistrement(
                id="dep-saumur",
                acheteur={"id": departement},
                lieuExecution={"code": "49400", "typeCode": "Code postal"},
            ),
            enregistrement(
                id="dep-ambigu",
                acheteur={"id": departement},
                lieuExecution={"code": "49100", "typeCode": "Code postal"},
            ),
            enregistrement(
                id="dep-49",
                acheteur={"id": departement},
                lieuExecution={"code": "49", "typeCode": "Code département"},
            ),
        ]
    )
    epcis = dict(Marche.objects.values_list("reference", "epci"))
    assert epcis["commune"] == epci_angers.pk
    assert epcis["dep-saumur"] == epci_saumur.pk
    assert epcis["dep-ambigu"] is None and epcis["dep-49"] is None
    assert epcis["epci"] == epci_saumur.pk
    departement_49 = Acheteur.objects.get(siret=departement)
    assert (departement_49.nom, departement_49.type, departement_49.epci) == (
        "Département de Maine-et-Loire",
        TypeAcheteur.DEPARTEMENT,
        None,
    )


@pytest.mark.django_db
def test_identifiants_autres_que_siret_et_plusieurs_titulaires():
    titulaires = [
        {"titulaire": {"typeIdentifiant": "TVA", "id": "BE0123456789"}},
        {"titulaire": {"typeIdentifiant": "SIRET", "id": SIRET_TITULAIRE}},
    ]
    importer([enregistrement(titulaires=titulaires)])
    importer([enregistrement(id="2024-002", titulaires=titulaires[:1])])
    etrangere = Entreprise.objects.get(type_identifiant=TypeIdentifiant.TVA)
    assert (etrangere.siret, etrangere.autre_identifiant) == (None, "BE0123456789")
    assert Entreprise.objects.count() == 2  # both holders of the group, the TVA one created once
    assert set(Lot.objects.values_list("titulaire", flat=True)) == {etrangere.pk}  # the first holder


@pytest.mark.django_db
def test_un_marche_saisi_dans_le_portail_avec_la_reference_decp_est_repris():
    acheteur = AcheteurFactory(siret=SIRET_ACHETEUR)
    lot = LotFactory(marche__acheteur=acheteur, marche__reference="2024-001", montant_ht=Decimal("1"))
    resultat = importer([enregistrement()])
    assert (resultat.crees, resultat.mis_a_jour) == (0, 1)
    marche = Marche.objects.get()
    assert marche.decp_uid == SIRET_ACHETEUR + "2024-001"
    assert marche.montant_ht == Decimal("120000")
    lot.refresh_from_db()
    assert lot.montant_ht == Decimal("120000")


@pytest.mark.django_db
def test_un_marche_a_plusieurs_lots_saisis_garde_ses_lots():
    acheteur = AcheteurFactory(siret=SIRET_ACHETEUR)
    marche = MarcheFactory(acheteur=acheteur, reference="2024-001")
    LotFactory.create_batch(2, marche=marche, montant_ht=Decimal("10"))
    resultat = importer([enregistrement()])
    assert resultat.avertissements == [
        "Marché 2024-001 : plusieurs lots saisis dans le portail, lots non modifiés."
    ]
    assert set(marche.lots.values_list("montant_ht", flat=True)) == {Decimal("10")}


@pytest.mark.django_db
def test_identifiant_long_reference_tronquee_et_uid_entier():
    identifiant = "2024-" + "X" * 70
    importer([enregistrement(id=identifiant)])
    marche = Marche.objects.get()
    assert marche.decp_uid == SIRET_ACHETEUR + identifiant
    assert len(marche.reference) == 50
    assert importer([enregistrement(id=identifiant)]).inchanges == 1


@pytest.mark.django_db
def test_doublon_dans_le_fichier_le_dernier_l_emporte():
    resultat = importer([enregistrement(montant=1), enregistrement(id="autre"), enregistrement(montant=2)])
    assert (resultat.marches_lus, resultat.crees, resultat.doublons) == (3, 2, 1)
    assert Marche.objects.get(reference="2024-001").montant_ht == Decimal("2")


@pytest.mark.django_db
def test_enregistrement_invalide_ignore_et_liste_le_reste_ecrit():
    resultat = importer([enregistrement(id="bon"), enregistrement(id="mauvais", montant=-10), "pas un objet"])
    assert resultat.crees == 1
    assert resultat.ignores == [
        decp.Rejet(2, "mauvais", "montant négatif : -10"),
        decp.Rejet(3, "(sans identifiant)", "l'enregistrement n'est pas un objet JSON"),
    ]
    assert list(Marche.objects.values_list("reference", flat=True)) == ["bon"]


@pytest.mark.django_db
def test_liste_des_ignores_plafonnee():
    resultat = importer([enregistrement(id=f"n{i}", montant=-1) for i in range(decp.LISTE_MAX + 7)])
    assert resultat.nb_ignores == decp.LISTE_MAX + 7
    assert len(resultat.ignores) == decp.LISTE_MAX
    assert "  … et 7 autres" in resultat.lignes()


@pytest.mark.django_db
def test_lots_d_ecriture_et_progression():
    positions = []
    marches = [enregistrement(id=f"M{i}", acheteur={"id": siret_aleatoire()}) for i in range(25)]
    contenu = fichier(marches)
    resultat = importer_decp(fichier=contenu, taille_lot=10, progression=positions.append)
    assert resultat.crees == Marche.objects.count() == 25
    assert len(positions) == 3  # after 10, after 20, at the end
    assert positions[-1] == len(contenu.getvalue())


@pytest.mark.django_db
def test_simulation_n_ecrit_rien():
    resultat = importer([enregistrement()], simulation=True)
    assert resultat.crees == 1 and resultat.simulation
    assert (Marche.objects.count(), Acheteur.objects.count(), Entreprise.objects.count()) == (0, 0, 0)


@pytest.mark.django_db
def test_fichier_tronque_rien_n_est_ecrit_meme_apres_plusieurs_lots():
    marches = [enregistrement(id=f"M{i}") for i in range(30)]
    contenu = fichier(marches).getvalue()
    with pytest.raises(ImportDecpImpossible, match="tronqué"):
        importer_decp(fichier=io.BytesIO(contenu[:-40]), taille_lot=5)
    assert (Marche.objects.count(), Acheteur.objects.count(), Entreprise.objects.count()) == (0, 0, 0)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("departement", "siren", "message"),
    [
        ("100", None, "Code de département inconnu"),
        ("49", "1234", "SIREN du département invalide"),
        (None, "224900019", "n'a de sens qu'avec un code de département"),
        ("44", None, "Aucune commune du département 44 n'est chargée"),
    ],
)
def test_parametres_du_departement_invalides(departement, siren, message):
    with pytest.raises(ImportDecpImpossible, match=message):
        importer([enregistrement()], departement=departement, siren_departement=siren)


def _requetes(marches, **options) -> int:
    with CaptureQueriesContext(connection) as requetes:
        importer(marches, **options)
    return len(requetes)


@pytest.mark.django_db
@pytest.mark.parametrize("departement", [None, "49"])
@pytest.mark.parametrize("deja_importe", [False, True])
def test_nombre_de_requetes_independant_du_nombre_de_marches(deja_importe, departement):
    """A batch costs a fixed number of bulk queries: the same for 10 and 100 records (new or already there),
    scoped to the Département or not.

    SQLite caps the parameters of one query, so Django splits a long INSERT: 40 records stay within one there."""
    if departement:
        CommuneFactory()  # the records are executed in 49000: in the Département
    beaucoup = 100 if connection.vendor == "postgresql" else 40

    def marches(n, debut):
        return [
            enregistrement(
                id=f"M{debut + i}",
                acheteur={"id": siret_aleatoire()},
                titulaires=[
                    {"titulaire": {"typeIdentifiant": "SIRET", "id": siret_aleatoire()}},
                    {"titulaire": {"typeIdentifiant": "TVA", "id": f"BE0{debut + i:09d}"}},
                ],
                considerationsSociales={"considerationSociale": ["Clause sociale", "Critère social"]},
            )
            for i in range(n)
        ]

    dix, cent = marches(10, 0), marches(beaucoup, 100)
    if deja_importe:
        importer(dix)
        importer(cent)
        dix = [{**m, "montant": 1} for m in dix]
        cent = [{**m, "montant": 1} for m in cent]
    nombre_dix, nombre_cent = (
        _requetes(dix, departement=departement),
        _requetes(cent, departement=departement),
    )
    assert nombre_dix == nombre_cent
    assert nombre_dix <= 25
    assert Marche.objects.count() == 10 + beaucoup  # none skipped as outside the Département
