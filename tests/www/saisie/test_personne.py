"""Monthly entry pages: finding or adding a person."""

import datetime
from urllib.parse import parse_qs, urlsplit

import pytest

from beneficiaires.enums import CodePublic
from beneficiaires.models import Beneficiaire, Eligibilite, Public
from insertion.enums import Modalite, TypeContrat
from insertion.models import HeuresRealisees
from tests.factories import (
    BeneficiaireFactory,
    CommuneFactory,
)
from tests.www.saisie.aides import (
    donnees_post,
    grille,
    index_de,
    messages_de,
    personne_saisie,
    remplir,
    url_grille,
    url_personne,
)

pytestmark = pytest.mark.django_db


# --- adding a person ------------------------------------------------------------------------------


def _personne(**valeurs):
    return personne_saisie(**valeurs)


def test_une_personne_connue_est_reprise_accents_et_casse_ignores(client_agent, clause_a, mois):
    existante = BeneficiaireFactory(
        nom="DUPRÉ",
        prenom="Élodie",
        date_naissance=datetime.date(1990, 2, 1),
        cree_par_epci=clause_a.lot.marche.epci,
    )

    reponse = client_agent.post(url_personne(clause_a, mois), _personne(nom="dupre", prenom="elodie"))

    assert Beneficiaire.objects.count() == 1
    assert reponse.status_code == 302
    assert reponse["Location"] == url_grille(clause_a, mois, personne=existante.public_id)
    assert messages_de(reponse) == [
        "DUPRÉ Élodie (né·e le 01/02/1990) est déjà connu·e du portail : sa fiche existante est reprise, "
        "sans modification. Saisissez ses heures ci-dessous."
    ]
    # Her EPCI entered her before, without hours on this contract: the grid offers her on a new line.
    reponse, formset = grille(client_agent, clause_a, mois, personne=existante.public_id)
    index = index_de(formset, existante)
    assert formset.forms[index]["siret_employeur"].value() == clause_a.lot.titulaire.siret
    donnees = remplir(
        donnees_post(formset),
        index,
        heures="20",
        modalite=Modalite.EMBAUCHE_DIRECTE,
        type_contrat=TypeContrat.CDD,
    )
    assert client_agent.post(url_grille(clause_a, mois), donnees).status_code == 302
    assert HeuresRealisees.objects.get().beneficiaire == existante


def _enregistrer_ses_heures(client, clause, mois, adresse_grille, heures="20"):
    """Opens the grid the add page led to, types hours on the new person's line and saves the grid."""
    public_id = parse_qs(urlsplit(adresse_grille).query)["personne"][0]
    reponse = client.get(adresse_grille)
    formset = reponse.context["formset"]
    [index] = [
        i for i, f in enumerate(formset) if f.rangee is None and f["beneficiaire"].value() == public_id
    ]
    donnees = remplir(
        donnees_post(formset),
        index,
        heures=heures,
        modalite=Modalite.EMBAUCHE_DIRECTE,
        type_contrat=TypeContrat.CDD,
    )
    return client.post(url_grille(clause, mois), donnees)


def test_ajouter_une_personne_n_ecrit_rien_avant_l_enregistrement_de_la_grille(client_agent, clause_a, mois):
    reponse = client_agent.post(url_personne(clause_a, mois), _personne())
    assert reponse.status_code == 302
    assert messages_de(reponse) == [
        "DUPRÉ Élodie (né·e le 01/02/1990) est ajouté·e à la grille : saisissez ses heures ci-dessous. Sa fiche "
        "sera créée à l'enregistrement de la grille."
    ]
    assert not Beneficiaire.objects.exists()
    # Offered in the grid, not saved; the grid saved without hours for her writes nothing either.
    grille_ouverte = client_agent.get(reponse["Location"])
    assert "DUPRÉ Élodie (né·e le 01/02/1990)" in grille_ouverte.content.decode()
    client_agent.post(url_grille(clause_a, mois), donnees_post(grille_ouverte.context["formset"]))
    assert not Beneficiaire.objects.exists()


def test_une_grille_refusee_ne_cree_pas_la_personne(client_agent, clause_a, mois):
    reponse = client_agent.post(url_personne(clause_a, mois), _personne())
    refus = _enregistrer_ses_heures(client_agent, clause_a, mois, reponse["Location"], heures="300")
    assert refus.status_code == 200
    assert not Beneficiaire.objects.exists()
    assert not HeuresRealisees.objects.exists()
    # She is still offered: correct the hours and save.
    assert _enregistrer_ses_heures(client_agent, clause_a, mois, reponse["Location"]).status_code == 302
    assert HeuresRealisees.objects.get().beneficiaire.nom == "Dupré"


def test_creer_une_personne_avec_ses_publics(client_agent, epci_a, clause_a, mois):
    commune = CommuneFactory(nom="Segré-en-Anjou Bleu", epci=epci_a)
    reponse = client_agent.post(
        url_personne(clause_a, mois),
        _personne(
            commune=commune.pk,
            niveau_qualification="3",
            date_entree="2025-09-01",
            brsa_debut="2024-03-15",
            brsa_fin="2025-06-30",
        ),
    )
    assert reponse.status_code == 302
    assert _enregistrer_ses_heures(client_agent, clause_a, mois, reponse["Location"]).status_code == 302
    personne = Beneficiaire.objects.get()
    assert HeuresRealisees.objects.get().beneficiaire == personne
    assert (personne.nom, personne.prenom, personne.commune, personne.niveau_qualification) == (
        "Dupré",
        "Élodie",
        commune,
        "3",
    )
    assert personne.cree_par_epci == epci_a
    assert personne.date_entree == datetime.date(2025, 9, 1)
    brsa = Eligibilite.objects.get(beneficiaire=personne)
    assert (brsa.public.code, brsa.date_debut, brsa.date_fin) == (
        CodePublic.BRSA,
        datetime.date(2024, 3, 15),
        datetime.date(2025, 6, 30),
    )
    assert reponse["Location"] == url_grille(clause_a, mois, personne=personne.public_id)
    assert personne.history.get().history_user.epci == epci_a


def test_creer_une_personne_avec_d_autres_publics(client_agent, clause_a, mois):
    rqth, qpv = Public.objects.get(code=CodePublic.RQTH), Public.objects.get(code=CodePublic.QPV)
    reponse = client_agent.post(
        url_personne(clause_a, mois),
        _personne(
            date_naissance="2005-05-05",
            autres_publics=[rqth.pk, qpv.pk],
            autres_publics_debut="2025-01-01",
            referent="mission_locale",
        ),
    )
    assert _enregistrer_ses_heures(client_agent, clause_a, mois, reponse["Location"]).status_code == 302
    eligibilites = Eligibilite.objects.filter(beneficiaire__nom="Dupré").order_by("public__ordre")
    assert [(e.public.code, e.date_debut, e.date_fin, e.verification) for e in eligibilites] == [
        (CodePublic.RQTH, datetime.date(2025, 1, 1), None, "declaree"),
        (CodePublic.QPV, datetime.date(2025, 1, 1), None, "declaree"),
    ]
    assert eligibilites[0].beneficiaire.referent == "mission_locale"


def test_publics_d_age_jamais_coches(client_agent, clause_a, mois):
    """Jeune and senior are computed from the birth date: the form offers neither, and refuses them."""
    jeune, senior = Public.objects.get(code=CodePublic.JEUNE), Public.objects.get(code=CodePublic.SENIOR)
    page = client_agent.get(url_personne(clause_a, mois)).content.decode()
    assert "Autres publics éligibles" in page and "quartier prioritaire" in page
    assert jeune.libelle not in page and senior.libelle not in page
    reponse = client_agent.post(
        url_personne(clause_a, mois), _personne(autres_publics=[jeune.pk], autres_publics_debut="2025-01-01")
    )
    assert reponse.status_code == 200
    assert "Sélectionnez un choix valide" in reponse.content.decode()


def test_referent_inconnu_refuse(client_agent, clause_a, mois):
    reponse = client_agent.post(url_personne(clause_a, mois), _personne(referent="ASS_AAH"))
    assert reponse.status_code == 200
    assert "Choisissez un référent ou prescripteur dans la liste." in reponse.content.decode()


@pytest.mark.parametrize(
    ("valeurs", "message"),
    [
        ({"date_naissance": ""}, "Indiquez la date de naissance."),
        ({"nom": "  "}, "Indiquez le nom."),
        ({"date_naissance": "01/02/2099"}, "La date de naissance doit être passée."),
        ({"date_naissance": "31/02/1990"}, "Saisissez une date valide au format jj/mm/aaaa."),
        ({"date_naissance": "2015-01-01"}, "vérifiez la date de naissance (de 16 à 75 ans"),
        ({"date_naissance": "1930-01-01"}, "vérifiez la date de naissance (de 16 à 75 ans"),
        ({"brsa_debut": "2025-06-01", "brsa_fin": "2025-05-31"}, "La fin du RSA doit suivre son début."),
        ({"brsa_fin": "2025-05-31"}, "Indiquez depuis quand la personne est bénéficiaire du RSA."),
        ({"date_entree": "1980-01-01"}, "Cette date doit suivre la date de naissance."),
        ({"sexe": ""}, "Indiquez le sexe."),
    ],
)
def test_la_personne_est_verifiee(client_agent, clause_a, mois, valeurs, message):
    reponse = client_agent.post(url_personne(clause_a, mois), _personne(**valeurs))
    assert reponse.status_code == 200
    assert message.replace("'", "&#x27;") in reponse.content.decode()
    assert not Beneficiaire.objects.exists()


def test_le_formulaire_de_personne_est_accessible(client_agent, clause_a, mois):
    contenu = client_agent.get(url_personne(clause_a, mois)).content.decode()
    for champ in (
        "nom",
        "prenom",
        "date_naissance",
        "commune",
        "niveau_qualification",
        "brsa_debut",
        "brsa_fin",
    ):
        assert f'<label class="form-label" for="id_{champ}">' in contenu
    assert "<legend" in contenu
    assert 'type="date"' in contenu
