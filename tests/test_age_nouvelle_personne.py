"""One age rule for a new person: the monthly grid and the statement import give the same verdict."""

import csv
import datetime
import io

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from beneficiaires.models import Beneficiaire
from insertion.models import HeuresRealisees
from insertion.releves.colonnes import ENTETES
from insertion.releves.importation import importer_releve
from insertion.releves.lecture import lire_releve
from portail.periodes import ajouter_mois, code_mois, dernier_jour, libelle_mois, mois_courant, mois_precedent
from tests.factories import ClauseFactory, EntrepriseFactory, UserFactory
from tests.www.saisie.aides import personne_saisie

pytestmark = pytest.mark.django_db

NOM, PRENOM = "Bellanger", "Maëlys"


@pytest.fixture
def mois():
    return mois_precedent(mois_courant())


@pytest.fixture
def clause(mois):
    return ClauseFactory(
        lot__numero=1,
        lot__marche__date_debut=mois - datetime.timedelta(days=400),
        lot__marche__date_fin=mois + datetime.timedelta(days=400),
    )


@pytest.fixture
def departement():
    return UserFactory(departement=True)


def verdict_de_la_grille(client, user, clause, mois, naissance) -> str | None:
    """None when the grid's person form adds her; otherwise its message on the birth date."""
    client.force_login(user)
    reponse = client.post(
        reverse("saisie:personne", args=[clause.pk, code_mois(mois)]),
        personne_saisie(nom=NOM, prenom=PRENOM, date_naissance=f"{naissance:%Y-%m-%d}"),
    )
    if reponse.status_code == 302:
        # Added to the grid; her record is written when the grid is saved with her hours.
        assert f"{NOM.upper()} {PRENOM} (né·e le {naissance:%d/%m/%Y}) est ajouté·e à la grille" in str(
            list(get_messages(reponse.wsgi_request))[0]
        )
        return None
    assert reponse.status_code == 200
    form = reponse.context["form"]
    assert list(form.errors) == ["date_naissance"]
    assert not Beneficiaire.objects.filter(nom=NOM).exists()
    return " ".join(form.errors["date_naissance"])


def verdict_de_l_import(user, clause, mois, naissance) -> str | None:
    """None when the statement is imported with her as a new person; otherwise the errors of her line."""
    sortie = io.StringIO()
    ecrivain = csv.writer(sortie, delimiter=";")
    ecrivain.writerow(ENTETES)
    valeurs = {
        "reference_marche": clause.lot.marche.reference,
        "numero_lot": "1",
        "mois": code_mois(mois),
        "nom": NOM,
        "prenom": PRENOM,
        "date_naissance": f"{naissance:%d/%m/%Y}",
        "sexe": "F",
        "siret_employeur": EntrepriseFactory().siret,
        "modalite": "embauche_directe",
        "type_contrat": "cdd",
        "heures": "35",
    }
    ecrivain.writerow([valeurs.get(entete, "") for entete in ENTETES])
    releve = lire_releve(nom="releve.csv", contenu=sortie.getvalue().encode("utf-8"))
    resultat = importer_releve(user=user, releve=releve)
    if resultat.ecrit:
        assert resultat.personnes_creees == [f"{NOM.upper()} {PRENOM}"]
        assert HeuresRealisees.objects.filter(beneficiaire__nom=NOM, mois=mois).count() == 1
        return None
    assert {e.ligne for e in resultat.erreurs} == {2}
    assert not Beneficiaire.objects.filter(nom=NOM).exists()
    return " ".join(e.message for e in resultat.erreurs)


@pytest.mark.parametrize(("age", "acceptee"), [(15, False), (16, True), (76, False)])
def test_la_grille_et_l_import_rendent_le_meme_verdict(client, departement, clause, mois, age, acceptee):
    # Exactly `age` years old on the last day of the month worked.
    naissance = ajouter_mois(dernier_jour(mois), -12 * age)

    grille = verdict_de_la_grille(client, departement, clause, mois, naissance)
    import_ = verdict_de_l_import(departement, clause, mois, naissance)

    assert grille == import_
    if acceptee:
        assert grille is None
    else:
        assert grille == (
            f"Née ou né le {naissance:%d/%m/%Y}, la personne aurait {age} ans en {libelle_mois(mois)} : "
            "vérifiez la date de naissance (de 16 à 75 ans pour travailler des heures d'insertion)."
        )
