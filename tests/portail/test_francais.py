"""French phrases: agreement of 0 and 1 in the singular, elision before vowels and mute h."""

import datetime
from decimal import Decimal

import pytest
from django.template import Context, Template

from portail.francais import accord, de, du, le, pluriel
from portail.periodes import libelle_mois
from portail.recherche import plier


@pytest.mark.parametrize(
    ("valeur", "attendu"),
    [
        (0, "0 bénéficiaire"),
        (1, "1 bénéficiaire"),
        (2, "2 bénéficiaires"),
        (12345, "12\u00a0345 bénéficiaires"),
        (Decimal("1.5"), "2 bénéficiaires"),  # the figure is rounded to a whole number
        (-1, "-1 bénéficiaire"),
    ],
)
def test_pluriel(valeur, attendu):
    assert pluriel(valeur, "bénéficiaire", "bénéficiaires") == attendu


def test_l_accord_suit_le_chiffre_affiche():
    assert pluriel(Decimal("1.4"), "heure") == "1 heure"
    assert pluriel(Decimal("1.5"), "heure", decimales=1) == "1,5 heure"
    assert pluriel(Decimal("2.5"), "heure", decimales=1) == "2,5 heures"


def test_pluriel_en_s_par_defaut_et_pluriels_irreguliers():
    assert pluriel(3, "ligne") == "3 lignes"
    assert pluriel(0, "ligne") == "0 ligne"
    assert pluriel(2, "travail", "travaux") == "2 travaux"
    assert accord(0, "correspond", "correspondent") == "correspond"
    assert accord(5, "correspond", "correspondent") == "correspondent"


@pytest.mark.parametrize(
    ("mot", "attendu"),
    [
        ("octobre 2026", "d'octobre 2026"),
        ("avril", "d'avril"),
        ("août 2025", "d'août 2025"),
        ("mars", "de mars"),
        ("juin 2026", "de juin 2026"),
        ("heures", "d'heures"),
        ("habitants", "d'habitants"),
        ("hauteur", "de hauteur"),
        ("hameau", "de hameau"),
        ("héros", "de héros"),
        ("EPCI", "d'EPCI"),
        ("Écouflant", "d'Écouflant"),
        ("Yzernay", "d'Yzernay"),
        ("yaourt", "de yaourt"),
        ("", "de "),
    ],
)
def test_de(mot, attendu):
    assert de(mot) == attendu


def test_articles_definis():
    assert le("EPCI") == "l'EPCI"
    assert le("marché") == "le marché"
    assert le("commune", feminin=True) == "la commune"
    assert le("hauteur", feminin=True) == "la hauteur"
    assert le("heure", feminin=True) == "l'heure"
    assert du("EPCI") == "de l'EPCI"
    assert du("marché") == "du marché"
    assert du("commune", feminin=True) == "de la commune"
    assert du("hameau") == "du hameau"


@pytest.mark.parametrize("numero", range(1, 13))
def test_chaque_mois(numero):
    libelle = libelle_mois(datetime.date(2026, numero, 1))
    elide = plier(libelle)[0] in "aeiou"
    assert de(libelle) == (f"d'{libelle}" if elide else f"de {libelle}")
    assert elide == (numero in (4, 8, 10))  # avril, août, octobre


def test_filtres_de_gabarit():
    gabarit = Template(
        "{% load formats_fr %}{{ n|pluriel:'ligne lue,lignes lues' }} · {{ n|accord:'correspond,correspondent' }} · "
        "{{ zero|pluriel:'marché' }} · saisie {{ mois|de }} · {{ epci|du }} · {{ epci|le }}"
    )
    texte = gabarit.render(
        Context({"n": 1000, "zero": 0, "mois": "octobre 2026", "epci": "EPCI"}, autoescape=False)
    )
    assert texte == (
        "1\u00a0000 lignes lues · correspondent · 0 marché · saisie d'octobre 2026 · de l'EPCI · l'EPCI"
    )


def test_de_devant_le_nom_d_une_personne():
    assert de("ÉLAN Zoé") == "d'ÉLAN Zoé"
    assert de("DUPRÉ Maëlle") == "de DUPRÉ Maëlle"
    assert de(None) == "de "
