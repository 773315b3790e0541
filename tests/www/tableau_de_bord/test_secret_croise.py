"""Statistical secret across scopes: a reader of the whole Département opening the Département's dashboard
and every EPCI's cannot recover a masked count by row or column differences of the table EPCI × category."""

import datetime
from decimal import Decimal

import pytest

from beneficiaires.enums import CategorieSortie, CodePublic, NiveauQualification, Sexe
from insertion.enums import Modalite
from insertion.indicateurs.chiffres import calculer_chiffres
from insertion.indicateurs.requetes import Perimetre
from portail.formats import Masque
from tests.factories import (
    AcheteurFactory,
    BeneficiaireFactory,
    ClauseFactory,
    EligibiliteFactory,
    EpciFactory,
    HeuresRealiseesFactory,
    SortieFactory,
    UserFactory,
)
from tests.requetes import assert_autant_de_requetes, requetes_de_la_page
from tests.secret_statistique import verifier_heures_croisees, verifier_tableau
from tests.www.tableau_de_bord.aides import URL, URL_JSON, donnees_json

pytestmark = pytest.mark.django_db

D = datetime.date
SEUIL = 5
REPARTITIONS = ("par_sexe", "par_tranche_age", "par_qualification", "sorties")
NIVEAUX = [
    NiveauQualification.NIVEAU_3,
    NiveauQualification.NIVEAU_4,
    NiveauQualification.NIVEAU_3,
    NiveauQualification.NIVEAU_5,
    NiveauQualification.SANS,
    NiveauQualification.NIVEAU_6_PLUS,
]
SORTIES = list(CategorieSortie)


def _clause(epci, acheteur=None, reference=None):
    return ClauseFactory(
        lot__marche__acheteur=AcheteurFactory(epci=epci, **({"nom": acheteur} if acheteur else {})),
        lot__marche__epci=epci,
        **({"lot__marche__reference": reference} if reference else {}),
        lot__marche__date_debut=D(2025, 1, 1),
        lot__marche__date_fin=D(2025, 12, 31),
        heures_reservees=Decimal(5000),
    )


def _epci_peuple(epci, nombre: int, *, decalage: int = 0):
    """`nombre` people on one contract of `epci`, with small cells in most breakdowns (deterministic)."""
    clause = _clause(epci, f"Mairie {epci.nom}", f"M-{epci.siren}")  # a reference fits in 50 characters
    personnes = []
    for rang in range(nombre):
        i = rang + decalage
        naissance = D(1965, 1, 1) if i % 5 == 0 else D(2003, 1, 1) if i % 4 == 1 else D(1985, 1, 1)
        personne = BeneficiaireFactory(
            sexe=Sexe.HOMME if i % 3 == 0 else Sexe.FEMME,
            date_naissance=naissance,
            niveau_qualification=NIVEAUX[i % len(NIVEAUX)],
            date_entree=D(2024, 1, 1),
        )
        if i % 2 == 0:
            EligibiliteFactory(beneficiaire=personne, code=CodePublic.BRSA, date_debut=D(2024, 1, 1))
        if naissance.year == 2003:
            EligibiliteFactory(beneficiaire=personne, code=CodePublic.JEUNE, date_debut=D(2024, 1, 1))
        HeuresRealiseesFactory(
            clause=clause,
            beneficiaire=personne,
            mois=D(2025, 1 + i % 12, 1),
            heures=Decimal(10 + i),
            validees=True,
        )
        if i % 3 == 1:
            SortieFactory(beneficiaire=personne, date=D(2025, 11, 1), categorie=SORTIES[i % len(SORTIES)])
        personnes.append(personne)
    return personnes


def _second_marche(epci, personnes, heures: int):
    """A second buyer's contract in the same EPCI, a few of its people in training there."""
    clause = _clause(epci, f"Syndicat {epci.nom}", f"S-{epci.nom}")
    for personne in personnes:
        HeuresRealiseesFactory(
            clause=clause,
            beneficiaire=personne,
            mois=D(2025, 6, 1),
            heures=Decimal(heures),
            modalite=Modalite.FORMATION,
            validees=True,
        )


@pytest.fixture
def territoire(epci_a, epci_b):
    """A: 12 people, B: 1 person, C: 6, D: 23 — 42 people, each working in one EPCI. A, C and D also
    have a second buyer's contract, 2 of A's people, 3 of D's, 5 of C's in training there."""
    epci_c = EpciFactory(nom="CC Gamma")
    epci_d = EpciFactory(nom="CC Delta")
    _second_marche(epci_a, _epci_peuple(epci_a, 12)[:2], 30)
    _epci_peuple(epci_b, 1, decalage=3)
    _second_marche(epci_c, _epci_peuple(epci_c, 6, decalage=1)[:5], 7)
    _second_marche(epci_d, _epci_peuple(epci_d, 23, decalage=2)[:3], 45)
    return [epci_a, epci_b, epci_c, epci_d]


def _vue(user, epci=None):
    return calculer_chiffres(user=user, perimetre=Perimetre(annee=2025, epci=epci))


def _affiche(valeur):
    return str(valeur) if isinstance(valeur, Masque) else valeur


def _total(vue, brut, cle):
    """The total of a row as the reader knows it: the people of the scope; for sorties, their number
    (told by the shares) when some sortie is shown, else unknown."""
    if cle != "sorties":
        return _affiche(vue.synthese.nb_beneficiaires)
    if any(isinstance(ligne.nb, int) and ligne.nb for ligne in vue.sorties):
        return sum(ligne.nb for ligne in brut.sorties)
    return None


def verifier_les_vues(vues: dict, departement, bruts: dict, *, seuil: int = SEUIL):
    """Every breakdown of people as a table EPCI × category, checked by rows and columns; `bruts`: the
    raw figures of each EPCI (what the reader may know of a row's total)."""
    borne = departement.synthese.nb_beneficiaires
    for cle in REPARTITIONS:
        lignes = {nom: [_affiche(ligne.nb) for ligne in getattr(vue, cle)] for nom, vue in vues.items()}
        totaux = {nom: _total(vue, bruts[nom], cle) for nom, vue in vues.items()}
        marges = [_affiche(ligne.nb) for ligne in getattr(departement, cle)]
        verifier_tableau(lignes, marges, seuil=seuil, borne=borne, totaux=totaux, libelle=cle)
    # Each public (and the BRSA people of the summary) splits a row in two: in it, or not.
    publics = {ligne.code: index for index, ligne in enumerate(departement.par_public)}
    for code, index in publics.items():
        lignes, totaux = {}, {}
        for nom, vue in vues.items():
            total = vue.synthese.nb_beneficiaires
            dedans = vue.par_public[index].nb_beneficiaires
            if code == CodePublic.BRSA:  # the summary's BRSA people: masked with the public
                assert isinstance(vue.synthese.nb_beneficiaires_brsa, Masque) is isinstance(dedans, Masque)
            dehors = total - dedans if isinstance(dedans, int) and isinstance(total, int) else None
            lignes[nom] = [_affiche(dedans), dehors]
            totaux[nom] = _affiche(total)
        dedans = departement.par_public[index].nb_beneficiaires
        total = departement.synthese.nb_beneficiaires
        marges = [_affiche(dedans), total - dedans if isinstance(dedans, int) else None]
        verifier_tableau(lignes, marges, seuil=seuil, borne=borne, totaux=totaux, libelle=f"public {code}")


def _heures(valeur):
    return str(valeur) if isinstance(valeur, Masque) else float(valeur)


HEURES = {  # breakdown -> the column's key, its hours
    "par_acheteur": ("nom", "heures_validees"),
    "par_modalite": ("code", "heures_validees"),
    "par_marche": ("reference", "heures_validees_annee"),
}


def verifier_les_heures(vues: dict, departement, bruts: dict, *, seuil: int = SEUIL):
    """Hours by buyer, modality and contract of every EPCI, against the Département's."""
    for cle, (colonne, champ) in HEURES.items():
        lignes, totaux, structure = {}, {}, {}
        personnes = "nb_beneficiaires_annee" if cle == "par_marche" else "nb_beneficiaires"
        petites = {
            (nom, getattr(ligne, colonne))
            for nom, brut in bruts.items()
            for ligne in getattr(brut, cle)
            if 0 < getattr(ligne, personnes) < seuil
        }
        for nom, vue in vues.items():
            masquee = isinstance(vue.synthese.nb_beneficiaires, Masque)
            cases = {getattr(ligne, colonne): _heures(getattr(ligne, champ)) for ligne in getattr(vue, cle)}
            lignes[nom] = None if masquee else cases
            totaux[nom] = _heures(vue.synthese.heures_validees)
            if cle == "par_modalite":  # any EPCI may have any modality
                structure[nom] = {ligne.code for ligne in departement.par_modalite}
            else:  # the Département lists each contract with its buyer and EPCI
                structure[nom] = {
                    ligne.reference if cle == "par_marche" else ligne.acheteur_nom
                    for ligne in departement.par_marche
                    if ligne.epci_nom == nom
                }
        marges = {
            getattr(ligne, colonne): _heures(getattr(ligne, champ)) for ligne in getattr(departement, cle)
        }
        verifier_heures_croisees(
            lignes, marges, totaux=totaux, structure=structure, petites=petites, libelle=cle
        )


def test_aucune_heure_ne_se_deduit_entre_perimetres(territoire, lecteur, departement):
    vues = {epci.nom: _vue(lecteur, epci) for epci in territoire}
    departement_lecteur = _vue(lecteur)
    verifier_les_heures(vues, departement_lecteur, _bruts(territoire, departement))
    departement = departement_lecteur
    acheteurs = {ligne.nom: _heures(ligne.heures_validees) for ligne in departement.par_acheteur}
    assert acheteurs["Syndicat CC Gamma"] == "secret"  # C masked whole: else 6 × 7 h... would tell C
    # D shows its hours; its syndicate (3 people) is masked, so its town hall too, on D's dashboard and
    # on the Département's (the same figure: D's only other buyer).
    assert acheteurs["Mairie CC Delta"] == "secret"
    assert isinstance(vues["CC Delta"].synthese.heures_validees, Decimal)


def test_sans_le_secret_croise_une_heure_se_deduirait(territoire, lecteur, departement):
    from insertion.indicateurs import secret

    bruts = _bruts(territoire, departement)
    vues = {nom: secret.masquer_chiffres(brut, seuil=SEUIL) for nom, brut in bruts.items()}
    brut_departement = _vue(departement)
    with pytest.raises(AssertionError, match="se dédui"):
        verifier_les_heures(vues, secret.masquer_chiffres(brut_departement, seuil=SEUIL), bruts)


def _bruts(territoire, departement):
    return {epci.nom: _vue(departement, epci) for epci in territoire}


def test_aucune_case_ne_se_deduit_entre_perimetres(territoire, lecteur, departement):
    vues = {epci.nom: _vue(lecteur, epci) for epci in territoire}
    verifier_les_vues(vues, _vue(lecteur), _bruts(territoire, departement))
    # B (one person) is masked whole, and so is C, masked in the Département's breakdown by EPCI so that
    # B cannot be told from the total (42 - 12 - 23 - 6 would give 1): C's own dashboard hides its 6.
    assert [_affiche(vue.synthese.nb_beneficiaires) for vue in vues.values()] == [12, "< 5", "secret", 23]
    assert all(isinstance(ligne.nb, Masque) for ligne in vues["CC Gamma"].par_sexe)


@pytest.mark.parametrize("seuil", [3, 5, 8])
def test_aucune_case_ne_se_deduit_quel_que_soit_le_seuil(territoire, lecteur, departement, settings, seuil):
    settings.SEUIL_SECRET_STATISTIQUE = seuil
    vues = {e.nom: _vue(lecteur, e) for e in territoire}
    verifier_les_vues(vues, _vue(lecteur), _bruts(territoire, departement), seuil=seuil)


def test_sans_le_secret_croise_une_case_se_deduirait(territoire, lecteur, departement):
    """Each EPCI's dashboard masked with the 1-D rule alone leaks: the checker above would catch it."""
    from insertion.indicateurs import secret

    bruts = _bruts(territoire, departement)
    vues = {nom: secret.masquer_chiffres(brut, seuil=SEUIL) for nom, brut in bruts.items()}
    with pytest.raises(AssertionError, match="déduite du Département"):
        verifier_les_vues(vues, _vue(lecteur), bruts)


def test_le_json_de_chaque_epci_suit_le_tableau(client, territoire, lecteur, lecteur_a):
    """The JSON (masked cells are null) of every EPCI tells the same as the figures checked above, and
    the reader locked to EPCI A sees the very row the Département's reader sees for A."""
    for epci in territoire:
        donnees = donnees_json(client, lecteur, annee=2025, epci=epci.siren)
        vue = _vue(lecteur, epci)
        for cle in REPARTITIONS:
            attendu = [None if isinstance(ligne.nb, Masque) else ligne.nb for ligne in getattr(vue, cle)]
            assert [ligne["nb"] for ligne in donnees[cle]] == attendu, (epci.nom, cle)
    du_lecteur_a = donnees_json(client, lecteur_a, annee=2025)
    du_departement = donnees_json(client, lecteur, annee=2025, epci=territoire[0].siren)
    for cle in (*REPARTITIONS, "par_public", "nb_beneficiaires", "nb_beneficiaires_brsa"):
        assert du_lecteur_a[cle] == du_departement[cle], cle
    # A (12 people) masks more than its own 1-D rule would: 4 men, 8 women; the 1-D rule masks both,
    # the column of men (B's one man hidden) needs them too.
    assert [ligne["nb"] for ligne in du_lecteur_a["par_sexe"]] == [None, None]


def test_le_departement_voit_les_chiffres_bruts_de_chaque_epci(client, territoire, departement):
    donnees = donnees_json(client, departement, annee=2025, epci=territoire[0].siren)
    assert donnees["secret_statistique"] is None
    assert [ligne["nb"] for ligne in donnees["par_sexe"]] == [8, 4]
    assert donnees["nb_beneficiaires_brsa"] == 6
    assert sum(ligne["nb"] for ligne in donnees["sorties"]) == 4


def test_requetes_independantes_du_nombre_d_epci(client, lecteur):
    mesures = []
    for nombre in (1, 10):
        epcis = [EpciFactory() for _ in range(nombre)]
        for epci in epcis:
            _epci_peuple(epci, 6)
        client.force_login(lecteur)
        for url in (URL, URL_JSON):
            mesures.append(requetes_de_la_page(client, url, {"annee": 2025, "epci": epcis[0].siren})[1])
    assert_autant_de_requetes(mesures[0], mesures[2])
    assert_autant_de_requetes(mesures[1], mesures[3])


def test_lecteur_d_un_epci_verrouille(client, territoire):
    lecteur_d = UserFactory(lecteur_epci=True, epci=territoire[3])
    donnees = donnees_json(client, lecteur_d, annee=2025)
    assert donnees["nb_beneficiaires"] == 23
    for ligne in donnees["par_sexe"] + donnees["par_qualification"]:
        assert ligne["nb"] is None or not 0 < ligne["nb"] < SEUIL


def test_la_ligne_d_un_epci_est_son_tableau_de_bord(territoire, departement):
    """The grouped queries give, for each EPCI, exactly its dashboard's raw figures."""
    from insertion.indicateurs.matrices import matrices

    tableaux = matrices(annee=2025)
    for epci in territoire:
        brut = _vue(departement, epci)
        assert tableaux.personnes[epci.siren] == brut.synthese.nb_beneficiaires
        assert tableaux.publics[epci.siren][CodePublic.BRSA] == brut.synthese.nb_beneficiaires_brsa
        for ligne in brut.par_public:
            assert tableaux.publics[epci.siren].get(ligne.code, 0) == ligne.nb_beneficiaires
        for cle in REPARTITIONS:
            ligne_matrice = getattr(tableaux, cle).get(epci.siren, {})
            assert {x.code: x.nb for x in getattr(brut, cle)} == {
                x.code: ligne_matrice.get(x.code, 0) for x in getattr(brut, cle)
            }, (epci.nom, cle)
    assert sum(tableaux.sorties[territoire[0].siren].values()) == 4  # nonzero: the sorties query joins
