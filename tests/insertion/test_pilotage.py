"""Contracts at risk and missing declarations (insertion/pilotage.py), each rule at its boundaries, on hand-made
dates: `jour` is always passed, never today."""

import datetime
from decimal import Decimal

import pytest

from insertion.enums import MotifRisque, Statut
from insertion.pilotage import (
    JOURS_FIN_PROCHE,
    declarations_manquantes,
    marches_a_risque,
    mois_a_verifier,
    mois_dernier,
)
from tests.factories import AcheteurFactory, ClauseFactory, EpciFactory, HeuresRealiseesFactory, MarcheFactory

pytestmark = pytest.mark.django_db

D = datetime.date
# The day every rule is judged on: 15 June 2026. Its two full months before: April and May 2026.
JOUR = D(2026, 6, 15)
DEBUT, FIN = D(2026, 1, 1), D(2026, 12, 31)


def _clause(*, debut=DEBUT, fin=FIN, reservees=Decimal(1000), epci=None, **marche):
    """A one-lot contract of `epci` (a new one by default) with its clause."""
    acheteur = AcheteurFactory(epci=epci or EpciFactory())
    return ClauseFactory(
        lot__marche__acheteur=acheteur,
        lot__marche__date_debut=debut,
        lot__marche__date_fin=fin,
        heures_reservees=reservees,
        **{f"lot__marche__{cle}": valeur for cle, valeur in marche.items()},
    )


def _heures(clause, mois, heures, statut=Statut.DECLAREES):
    trait = (
        {"validees": True}
        if statut == Statut.VALIDEES
        else {"rejetees": True}
        if statut == Statut.REJETEES
        else {}
    )
    return HeuresRealiseesFactory(clause=clause, mois=mois, heures=Decimal(heures), **trait)


def _codes(user, jour=JOUR):
    return {ligne.marche.pk: ligne.codes for ligne in marches_a_risque(user=user, jour=jour)}


def _ligne(user, clause):
    return next(
        ligne for ligne in marches_a_risque(user=user, jour=JOUR) if ligne.marche.pk == clause.lot.marche_id
    )


def test_les_mois_verifies_sont_les_deux_mois_pleins_avant_celui_du_jour():
    assert mois_a_verifier(JOUR) == [D(2026, 4, 1), D(2026, 5, 1)]
    assert mois_a_verifier(D(2026, 1, 31)) == [D(2025, 11, 1), D(2025, 12, 1)]
    assert mois_dernier(D(2026, 3, 1)) == D(2026, 2, 1)


def test_un_marche_au_rythme_n_est_pas_liste(departement):
    clause = _clause()
    _heures(clause, D(2026, 4, 1), 300, Statut.VALIDEES)
    _heures(clause, D(2026, 5, 1), 200)
    assert _codes(departement) == {}


def _dues_au_jour(clause):
    # 1 000 h from 1 Jan to 31 Dec 2026 (365 days): 166 days elapsed on 15 June → 455 h due.
    return Decimal(1000) * 166 / 365


def test_en_retard_sous_la_moitie_des_heures_dues(departement):
    en_retard, a_moitie = _clause(), _clause()
    assert round(_dues_au_jour(en_retard)) == 455
    # 227 h achieved out of 455 h due = 49,9 %: behind; 227,5 h = 50 %: not behind.
    _heures(en_retard, D(2026, 4, 1), 200, Statut.VALIDEES)
    _heures(en_retard, D(2026, 5, 1), 27)
    _heures(en_retard, D(2026, 5, 1), 100, Statut.REJETEES)  # rejected hours do not count
    _heures(a_moitie, D(2026, 4, 1), "227.5", Statut.VALIDEES)
    codes = _codes(departement)
    assert codes == {en_retard.lot.marche_id: [MotifRisque.EN_RETARD]}
    ligne = marches_a_risque(user=departement, jour=JOUR)[0]
    assert ligne.heures_dues == 455
    assert ligne.heures_realisees == 227
    assert ligne.heures_validees == 200 and ligne.heures_declarees == 27
    assert round(ligne.avancement, 1) == Decimal("49.9")
    assert ligne.motifs == [
        "En retard : 227\u00a0h réalisées pour 455\u00a0h dues à cette date (49,9\u00a0%, moins de 50\u00a0%)."
    ]


def test_pas_de_retard_avant_le_debut_ni_sans_heures_dues(departement):
    # Not started: nothing due. Started today: 1 day of 365 → 3 h due, none achieved: behind.
    _clause(debut=D(2026, 6, 16))
    commence = _clause(debut=JOUR, fin=D(2027, 6, 14))
    assert _codes(departement) == {commence.lot.marche_id: [MotifRisque.EN_RETARD]}


@pytest.mark.parametrize(
    ("jours", "listee"), [(JOURS_FIN_PROCHE, True), (JOURS_FIN_PROCHE + 1, False), (0, True)]
)
def test_fin_proche_a_90_jours_mais_pas_a_91(departement, jours, listee):
    fin = JOUR + datetime.timedelta(days=jours)
    clause = _clause(debut=D(2025, 6, 1), fin=fin)
    # Well ahead of pace (900 h of 1 000) but 100 h still to achieve.
    _heures(clause, D(2026, 5, 1), 744, Statut.VALIDEES)
    _heures(clause, D(2026, 4, 1), 156)
    attendu = {clause.lot.marche_id: [MotifRisque.FIN_PROCHE]} if listee else {}
    assert _codes(departement) == attendu
    if listee:
        quand = "aujourd'hui" if jours == 0 else f"dans {jours} jours"
        assert marches_a_risque(user=departement, jour=JOUR)[0].motifs == [
            f"Se termine le {fin:%d/%m/%Y} ({quand}) avec 100\u00a0h encore à réaliser."
        ]


def test_fin_proche_sans_heures_restantes_ni_apres_la_fin(departement):
    atteint = _clause(debut=D(2025, 6, 1), fin=D(2026, 7, 1), reservees=Decimal(500))
    _heures(atteint, D(2026, 5, 1), 500, Statut.VALIDEES)
    # Ended yesterday: no longer "ending soon" (nor behind: not in execution); May was declared.
    fini = _clause(debut=D(2025, 6, 1), fin=D(2026, 6, 14))
    _heures(fini, D(2026, 5, 1), 10)
    assert _codes(departement) == {}


def test_sans_declaration_pendant_les_deux_derniers_mois(departement):
    silencieux = _clause()
    _heures(silencieux, D(2026, 3, 1), 300, Statut.VALIDEES)  # March is before the window
    _heures(silencieux, D(2026, 6, 1), 200)  # nor does the current month count
    avril = _clause()
    _heures(avril, D(2026, 4, 1), 300, Statut.REJETEES)  # any status is a declaration
    _heures(avril, D(2026, 3, 1), 300, Statut.VALIDEES)
    codes = _codes(departement)
    assert codes[silencieux.lot.marche_id] == [MotifRisque.SANS_DECLARATION]
    assert MotifRisque.SANS_DECLARATION not in codes.get(avril.lot.marche_id, [])
    ligne = _ligne(departement, silencieux)
    assert ligne.mois_sans_declaration == [D(2026, 4, 1), D(2026, 5, 1)]
    assert ligne.motifs == ["Aucune heure déclarée pour avril 2026 ni pour mai 2026."]


def test_un_marche_commence_le_mois_dernier_ne_compte_que_ce_mois(departement):
    # Started on 31 May: only May is checked.
    sans = _clause(debut=D(2026, 5, 31), fin=D(2027, 5, 30), reservees=Decimal(10))
    avec = _clause(debut=D(2026, 5, 31), fin=D(2027, 5, 30), reservees=Decimal(10))
    _heures(avec, D(2026, 5, 1), 10)
    commence_ce_mois = _clause(debut=D(2026, 6, 1), fin=D(2027, 5, 31), reservees=Decimal(10))
    _heures(commence_ce_mois, D(2026, 6, 1), 10)
    lignes = {ligne.marche.pk: ligne for ligne in marches_a_risque(user=departement, jour=JOUR)}
    assert set(lignes) == {sans.lot.marche_id}
    assert lignes[sans.lot.marche_id].codes == [MotifRisque.SANS_DECLARATION]
    assert lignes[sans.lot.marche_id].motifs == ["Aucune heure déclarée pour mai 2026."]


def test_un_marche_fini_en_avril_ne_compte_que_avril(departement):
    fini_en_avril = _clause(debut=D(2025, 5, 1), fin=D(2026, 4, 30), reservees=Decimal(10))
    _heures(fini_en_avril, D(2026, 4, 1), 10)
    fini_avant = _clause(debut=D(2025, 5, 1), fin=D(2026, 3, 31), reservees=Decimal(10))
    assert fini_avant and _codes(departement) == {}


def test_clause_non_calibree_en_execution_ou_pas_commencee(departement):
    en_cours = _clause(reservees=None)
    _heures(en_cours, D(2026, 5, 1), 10)
    a_venir = _clause(debut=D(2026, 9, 1), reservees=None)
    fini = _clause(debut=D(2025, 1, 1), fin=D(2026, 6, 14), reservees=None)
    _heures(fini, D(2026, 5, 1), 10)
    codes = _codes(departement)
    assert codes == {
        en_cours.lot.marche_id: [MotifRisque.NON_CALIBREE],
        a_venir.lot.marche_id: [MotifRisque.NON_CALIBREE],
    }
    ligne = _ligne(departement, en_cours)
    assert ligne.heures_reservees is None and ligne.heures_dues is None and ligne.avancement is None
    assert ligne.motifs == ["Clause non calibrée : les heures réservées sont à fixer."]


def test_un_lot_non_calibre_a_cote_d_un_lot_calibre(departement):
    calibree = _clause()
    ClauseFactory(lot__marche=calibree.lot.marche, heures_reservees=None)
    _heures(calibree, D(2026, 5, 1), 455)
    ligne = marches_a_risque(user=departement, jour=JOUR)[0]
    assert ligne.codes == [MotifRisque.NON_CALIBREE]
    assert ligne.heures_reservees == 1000 and ligne.heures_dues == 455


def test_un_marche_cloture_n_est_jamais_liste(departement):
    clause = _clause(reservees=None, fin=D(2026, 7, 1), cloture_le=D(2026, 6, 1))
    assert clause and _codes(departement) == {}
    # Closed after the day judged on: still followed on that day.
    assert _codes(departement, jour=D(2026, 5, 20)) == {
        clause.lot.marche_id: [MotifRisque.SANS_DECLARATION, MotifRisque.NON_CALIBREE]
    }


def test_toutes_les_raisons_d_un_meme_marche(departement):
    clause = _clause(debut=D(2026, 1, 1), fin=D(2026, 8, 31))
    ClauseFactory(lot__marche=clause.lot.marche, heures_reservees=None)
    ClauseFactory(lot__marche=clause.lot.marche, heures_reservees=None)
    ligne = marches_a_risque(user=departement, jour=JOUR)[0]
    assert ligne.codes == [
        MotifRisque.EN_RETARD,
        MotifRisque.FIN_PROCHE,
        MotifRisque.SANS_DECLARATION,
        MotifRisque.NON_CALIBREE,
    ]
    assert ligne.motifs[-1] == "2 clauses non calibrées : leurs heures réservées sont à fixer."


def test_marches_a_risque_dans_le_perimetre(agent_a, lecteur_a, agent_b, epci_a):
    chez_a = _clause(reservees=None, epci=epci_a)
    _clause(reservees=None)
    assert _codes(agent_a) == {chez_a.lot.marche_id: [MotifRisque.SANS_DECLARATION, MotifRisque.NON_CALIBREE]}
    assert set(_codes(lecteur_a)) == {chez_a.lot.marche_id}
    assert chez_a.lot.marche_id not in _codes(agent_b)


def test_un_marche_sans_clause_n_est_pas_liste(departement):
    MarcheFactory(date_debut=D(2026, 1, 1), date_fin=D(2026, 7, 1))
    assert _codes(departement) == {}


# --- missing declarations ------------------------------------------------------------------------


def test_declarations_manquantes_par_epci(departement, agent_a, epci_a, epci_b):
    mai = D(2026, 5, 1)
    a1 = _clause(epci=epci_a, reference="A-1")
    a2 = ClauseFactory(lot__marche=a1.lot.marche, lot__numero=9)
    a_declare = _clause(epci=epci_a)
    _heures(a_declare, mai, 10, Statut.REJETEES)
    b = _clause(epci=epci_b, debut=D(2026, 5, 31))
    _clause(epci=epci_b, debut=D(2026, 6, 1))  # not in execution in May
    fini_en_avril = _clause(epci=epci_b, fin=D(2026, 4, 30))  # ended before May
    _clause(epci=epci_b, cloture_le=D(2026, 6, 1))  # closed
    groupes = declarations_manquantes(user=departement, jour=JOUR)
    assert [(g.epci, g.mois) for g in groupes] == [(epci_a, mai), (epci_b, mai)]
    assert [m.marche for m in groupes[0].marches] == [a1.lot.marche]
    assert groupes[0].marches[0].clauses == sorted([a1, a2], key=lambda c: c.lot.numero)
    assert [m.marche for m in groupes[1].marches] == [b.lot.marche]
    # A clerk sees their EPCI only; another month may be asked for.
    assert [g.epci for g in declarations_manquantes(user=agent_a, jour=JOUR)] == [epci_a]
    avril = declarations_manquantes(user=departement, mois=D(2026, 4, 1), jour=JOUR)
    assert {(g.epci, m.marche) for g in avril for m in g.marches} == {
        (epci_a, a1.lot.marche),
        (epci_a, a_declare.lot.marche),
        (epci_b, fini_en_avril.lot.marche),
    }


def test_une_requete_pour_les_marches_a_risque_deux_pour_les_declarations(
    departement, django_assert_num_queries
):
    for _ in range(5):
        clause = _clause()
        ClauseFactory(lot__marche=clause.lot.marche, heures_reservees=None)
        _heures(clause, D(2026, 4, 1), 10)
    with django_assert_num_queries(1):
        lignes = marches_a_risque(user=departement, jour=JOUR)
        assert [ligne.marche.libelle for ligne in lignes]  # buyer joined, no query per row
        assert len(lignes) == 5
    with django_assert_num_queries(2):
        groupes = declarations_manquantes(user=departement, jour=JOUR)
        assert sum(len(m.clauses) for g in groupes for m in g.marches) == 10
        assert all(str(m.marche.epci) for g in groupes for m in g.marches)


def test_fin_proche_d_un_marche_pas_encore_commence(departement):
    # A short contract starting next week and ending within 90 days, hours still to achieve.
    clause = _clause(debut=JOUR + datetime.timedelta(days=7), fin=JOUR + datetime.timedelta(days=60))
    assert _codes(departement) == {clause.lot.marche_id: [MotifRisque.FIN_PROCHE]}
