"""Writes on contracts: a contract with its lots, buyer, holders and clauses; closing, reopening; the log."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from insertion.clauses import ClauseSaisie, enregistrer_marche_et_clauses
from insertion.enums import BaseJuridique
from insertion.models import Clause
from marches import regles
from marches.enums import EtapeSuivi, NatureMarche, TypeAcheteur, TypeStructure
from marches.models import Acheteur, Entreprise, EvenementSuivi, Lot, Marche
from marches.services import (
    LotSaisi,
    MarcheInvalide,
    NouvelAcheteur,
    NouvelleEntreprise,
    ajouter_evenement_suivi,
    cloturer_marche,
    enregistrer_marche,
    rouvrir_marche,
)
from tests.factories import AcheteurFactory, EntrepriseFactory, MarcheFactory, siret_aleatoire

pytestmark = pytest.mark.django_db
D = datetime.date


def _valeurs(**autres):
    return {
        "reference": "2026-T-100",
        "objet": "Restructuration du collège",
        "nature": NatureMarche.TRAVAUX,
        "montant_ht": Decimal("1000000"),
        "date_notification": None,
        "date_debut": D(2026, 1, 1),
        "date_fin": D(2026, 12, 31),
        "epci": None,
        "clause_sociale": True,
        "critere_social": False,
        "marche_reserve": False,
    } | autres


def test_creation_avec_nouvel_acheteur_nouveau_titulaire_et_clause_calibree(departement, epci_a):
    siret_acheteur, siret_titulaire = siret_aleatoire(), siret_aleatoire()
    connu = EntrepriseFactory(raison_sociale="Maçonnerie Connue")
    marche = enregistrer_marche_et_clauses(
        user=departement,
        marche=None,
        acheteur=NouvelAcheteur(
            siret=siret_acheteur, nom="Mairie de Test", type=TypeAcheteur.COMMUNE, epci=epci_a
        ),
        valeurs=_valeurs(),
        lots=[
            (
                LotSaisi(
                    numero=1,
                    intitule="Gros œuvre",
                    montant_ht=Decimal("600000"),
                    titulaire=NouvelleEntreprise(
                        siret=siret_titulaire, raison_sociale="Bâti Neuf", type_structure=TypeStructure.EI
                    ),
                ),
                ClauseSaisie(
                    base_juridique=BaseJuridique.CONDITION_EXECUTION,
                    part_main_oeuvre=Decimal(50),
                    taux_insertion=Decimal(5),
                    cout_horaire=Decimal(30),
                ),
            ),
            (
                LotSaisi(numero=2, intitule="Peinture", montant_ht=Decimal("400000"), titulaire=connu),
                ClauseSaisie(base_juridique=BaseJuridique.RESERVE_SIAE, heures_reservees=Decimal(120)),
            ),
        ],
    )
    marche.refresh_from_db()
    assert marche.acheteur.siret == siret_acheteur
    assert marche.acheteur.epci == epci_a
    assert marche.epci == epci_a  # defaults to the buyer's
    lot1, lot2 = marche.lots.order_by("numero")
    assert lot1.titulaire.siret == siret_titulaire
    assert lot1.titulaire.type_structure == TypeStructure.EI
    assert lot2.titulaire == connu
    # 600 000 × 50 % × 5 % ÷ 30 = 500 h, computed by the calibration's rule.
    assert lot1.clause.heures_reservees == Decimal(500)
    assert lot1.clause.cout_horaire == Decimal(30)
    assert lot2.clause.heures_reservees == Decimal(120)
    assert lot2.clause.part_main_oeuvre is None

    # History: who and why, on the contract, its lots, the company and the clauses.
    (historique,) = marche.history.all()
    assert historique.history_user == departement
    assert historique.history_change_reason == "création depuis le portail"
    assert lot1.history.get().history_change_reason == "création depuis le portail"
    assert lot1.titulaire.history.get().history_change_reason == "création depuis la fiche d'un marché"
    raisons = list(
        lot1.clause.history.order_by("history_date").values_list("history_change_reason", flat=True)
    )
    assert raisons == ["création depuis la fiche du marché", "calibrage : calcul"]


def test_modification_renumerote_les_lots_et_historise(departement):
    marche = MarcheFactory()
    lot1 = Lot.objects.create(marche=marche, numero=1, intitule="A", montant_ht=10)
    lot2 = Lot.objects.create(marche=marche, numero=2, intitule="B", montant_ht=20)
    enregistrer_marche(
        user=departement,
        marche=marche,
        acheteur=marche.acheteur,
        valeurs=_valeurs(reference=marche.reference, objet="Nouvel objet"),
        lots=[
            LotSaisi(numero=2, intitule="A", montant_ht=Decimal(10), lot=lot1),
            LotSaisi(numero=1, intitule="B", montant_ht=Decimal(20), lot=lot2),
        ],
    )
    lot1.refresh_from_db()
    lot2.refresh_from_db()
    assert (lot1.numero, lot2.numero) == (2, 1)  # swapped, the uniqueness held at every write
    marche.refresh_from_db()
    assert marche.objet == "Nouvel objet"
    assert marche.history.latest().history_change_reason == "modification depuis le portail"
    assert lot1.history.latest().history_user == departement


def test_lot_inchange_sans_nouvelle_version(departement):
    marche = MarcheFactory()
    lot = Lot.objects.create(marche=marche, numero=1, intitule="A", montant_ht=10)
    enregistrer_marche(
        user=departement,
        marche=marche,
        acheteur=marche.acheteur,
        valeurs=_valeurs(reference=marche.reference),
        lots=[LotSaisi(numero=1, intitule="A", montant_ht=Decimal(10), lot=lot)],
    )
    assert lot.history.count() == 1


@pytest.mark.parametrize(
    ("valeurs", "lots", "champ", "message"),
    [
        (
            {"date_fin": D(2025, 12, 31)},
            [LotSaisi(numero=1, intitule="A", montant_ht=Decimal(1))],
            "date_fin",
            regles.MESSAGE_FIN_AVANT_DEBUT,
        ),
        (
            {"montant_ht": Decimal(-1)},
            [LotSaisi(numero=1, intitule="A", montant_ht=Decimal(1))],
            "montant_ht",
            regles.MESSAGE_MONTANT_NEGATIF,
        ),
        (
            {},
            [
                LotSaisi(numero=1, intitule="A", montant_ht=Decimal(1)),
                LotSaisi(numero=1, intitule="B", montant_ht=Decimal(1)),
            ],
            "lots",
            regles.MESSAGE_LOT_EN_DOUBLE.format(numero=1),
        ),
        ({}, [], "lots", regles.MESSAGE_SANS_LOT),
    ],
)
def test_saisie_invalide_rien_n_est_ecrit(departement, valeurs, lots, champ, message):
    acheteur = AcheteurFactory()
    with pytest.raises(MarcheInvalide) as exc:
        enregistrer_marche(
            user=departement, marche=None, acheteur=acheteur, valeurs=_valeurs(**valeurs), lots=lots
        )
    assert exc.value.erreurs[champ] == [message]
    assert not Marche.objects.exists()


def test_reference_en_double_pour_le_meme_acheteur_seulement(departement):
    existant = MarcheFactory(reference="2026-T-002")
    lots = [LotSaisi(numero=1, intitule="A", montant_ht=Decimal(1))]
    with pytest.raises(MarcheInvalide) as exc:
        enregistrer_marche(
            user=departement,
            marche=None,
            acheteur=existant.acheteur,
            valeurs=_valeurs(reference="2026-t-002"),
            lots=lots,
        )
    assert exc.value.erreurs == {"reference": [regles.MESSAGE_REFERENCE_EN_DOUBLE]}
    autre, _ = enregistrer_marche(
        user=departement,
        marche=None,
        acheteur=AcheteurFactory(),
        valeurs=_valeurs(reference="2026-T-002"),
        lots=lots,
    )
    assert Marche.objects.filter(reference="2026-T-002").count() == 2
    assert autre.acheteur != existant.acheteur


def test_siret_invalide_d_un_nouvel_acheteur_ou_titulaire(departement):
    with pytest.raises(MarcheInvalide) as exc:
        enregistrer_marche(
            user=departement,
            marche=None,
            acheteur=NouvelAcheteur(siret="12345678901234", nom="X", type=TypeAcheteur.AUTRE),
            valeurs=_valeurs(),
            lots=[
                LotSaisi(
                    numero=1,
                    intitule="A",
                    montant_ht=Decimal(1),
                    titulaire=NouvelleEntreprise(
                        siret="11111111111112", raison_sociale="Y", type_structure="ei"
                    ),
                )
            ],
        )
    assert set(exc.value.erreurs) == {"acheteur", "lots"}
    assert not Acheteur.objects.exists()
    assert not Entreprise.objects.exists()


def test_seul_le_departement_ecrit(agent_a, lecteur):
    marche = MarcheFactory()
    for user in (agent_a, lecteur):
        with pytest.raises(PermissionDenied):
            enregistrer_marche(user=user, marche=marche, acheteur=marche.acheteur, valeurs={}, lots=[])
        with pytest.raises(PermissionDenied):
            cloturer_marche(user=user, marche=marche, jour=D(2026, 6, 1))
        with pytest.raises(PermissionDenied):
            ajouter_evenement_suivi(
                user=user, marche=marche, date=D(2026, 6, 1), etape=EtapeSuivi.PREMIERE_EMBAUCHE
            )


def test_cloture_puis_reouverture(departement):
    marche = MarcheFactory(date_debut=D(2026, 2, 1))
    cloturer_marche(user=departement, marche=marche, jour=D(2026, 11, 30), commentaire="Objectif atteint.")
    marche.refresh_from_db()
    assert marche.cloture_le == D(2026, 11, 30)
    assert marche.history.latest().history_change_reason == "clôture du suivi"
    evenement = EvenementSuivi.objects.get(marche=marche)
    assert (evenement.etape, evenement.date, evenement.auteur, evenement.commentaire) == (
        EtapeSuivi.CLOTURE,
        D(2026, 11, 30),
        departement,
        "Objectif atteint.",
    )
    with pytest.raises(MarcheInvalide):
        cloturer_marche(user=departement, marche=marche, jour=D(2026, 12, 1))

    rouvrir_marche(user=departement, marche=marche, jour=D(2026, 12, 2))
    marche.refresh_from_db()
    assert marche.cloture_le is None
    assert marche.history.latest().history_change_reason == "réouverture du suivi"
    dernier = EvenementSuivi.objects.filter(marche=marche).first()  # most recent first
    assert dernier.etape == EtapeSuivi.AUTRE
    assert "Suivi rouvert" in dernier.commentaire
    with pytest.raises(MarcheInvalide):
        rouvrir_marche(user=departement, marche=marche, jour=D(2026, 12, 3))


def test_cloture_avant_le_debut_refusee(departement):
    marche = MarcheFactory(date_debut=D(2026, 2, 1))
    with pytest.raises(MarcheInvalide) as exc:
        cloturer_marche(user=departement, marche=marche, jour=D(2026, 1, 31))
    assert exc.value.erreurs == {"cloture_le": [regles.MESSAGE_CLOTURE_AVANT_DEBUT]}
    assert not EvenementSuivi.objects.exists()


def test_evenement_autre_sans_commentaire_refuse(departement):
    marche = MarcheFactory()
    with pytest.raises(MarcheInvalide):
        ajouter_evenement_suivi(user=departement, marche=marche, date=D(2026, 3, 1), etape=EtapeSuivi.AUTRE)
    evenement = ajouter_evenement_suivi(
        user=departement, marche=marche, date=D(2026, 3, 1), etape=EtapeSuivi.REUNION_INFORMATION
    )
    assert evenement.auteur == departement
    assert evenement.history.get().history_user == departement


def test_clause_recalibree_a_la_modification(departement):
    acheteur = AcheteurFactory()
    lot = LotSaisi(numero=1, intitule="A", montant_ht=Decimal("300000"))
    saisie = ClauseSaisie(
        base_juridique=BaseJuridique.CONDITION_EXECUTION,
        part_main_oeuvre=Decimal(50),
        taux_insertion=Decimal(5),
        cout_horaire=Decimal(30),
    )
    marche = enregistrer_marche_et_clauses(
        user=departement, marche=None, acheteur=acheteur, valeurs=_valeurs(), lots=[(lot, saisie)]
    )
    existant = marche.lots.get()
    plus_gros = LotSaisi(numero=1, intitule="A", montant_ht=Decimal("600000"), lot=existant)
    enregistrer_marche_et_clauses(
        user=departement, marche=marche, acheteur=acheteur, valeurs=_valeurs(), lots=[(plus_gros, saisie)]
    )
    assert Clause.objects.get().heures_reservees == Decimal(500)  # 600 000 × 50 % × 5 % ÷ 30


def test_la_contrainte_repond_quand_la_verification_est_devancee(departement, monkeypatch):
    # Another user wrote the same reference between the check and the write: the constraint answers in French.
    existant = MarcheFactory(reference="2026-T-009")
    monkeypatch.setattr("marches.services._erreurs", lambda **kwargs: {})
    with pytest.raises(MarcheInvalide) as exc:
        enregistrer_marche(
            user=departement,
            marche=None,
            acheteur=existant.acheteur,
            valeurs=_valeurs(reference="2026-T-009"),
            lots=[LotSaisi(numero=1, intitule="A", montant_ht=Decimal(1))],
        )
    assert exc.value.erreurs == {"reference": [regles.MESSAGE_REFERENCE_EN_DOUBLE]}
    assert Marche.objects.count() == 1
