"""The age rule of a new person (`beneficiaires.regles`), at its bounds: 16 to 75 on the last day of the month."""

import datetime

import pytest

from beneficiaires.regles import AGE_MAX, AGE_MIN, erreur_age_nouvelle_personne

D = datetime.date
MARS = D(2026, 3, 1)


def test_les_bornes_choisies():
    assert (AGE_MIN, AGE_MAX) == (16, 75)


@pytest.mark.parametrize(
    ("naissance", "acceptee"),
    [
        (D(2010, 3, 31), True),  # 16 on the last day of March
        (D(2010, 4, 1), False),  # 15 all March long
        (D(1950, 4, 1), True),  # still 75 on 31 March
        (D(1950, 3, 31), False),  # 76 on 31 March
    ],
)
def test_age_au_dernier_jour_du_mois_travaille(naissance, acceptee):
    assert (erreur_age_nouvelle_personne(date_naissance=naissance, mois=MARS) is None) is acceptee


def test_message_en_francais():
    assert erreur_age_nouvelle_personne(date_naissance=D(2010, 4, 1), mois=MARS) == (
        "Née ou né le 01/04/2010, la personne aurait 15 ans en mars 2026 : vérifiez la date de naissance "
        "(de 16 à 75 ans pour travailler des heures d'insertion)."
    )


def test_naissance_apres_le_mois_travaille():
    assert erreur_age_nouvelle_personne(date_naissance=D(2026, 4, 2), mois=MARS) == (
        "La date de naissance 02/04/2026 doit précéder le mois travaillé."
    )
