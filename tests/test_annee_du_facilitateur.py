"""A year of the clause, run in the portal only — never /admin/ — by the Département and an EPCI clerk.

The Département creates a contract with two lots, a titulaire and a calibrated clause; the clerk declares a month
with a person already known, a new person and an employer the portal does not know; the Département verifies the
employer and an eligibility, validates the month and issues the titulaire's attestation. Every figure shown on the
contract page, the company page and the attestation is then compared with what the database holds.
"""

import datetime
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db.models import Count, Sum
from django.urls import reverse
from django.utils import timezone

from beneficiaires.enums import CodePublic, VerificationEligibilite
from beneficiaires.models import Beneficiaire, Eligibilite
from insertion import regles
from insertion.enums import Modalite, Statut, TypeContrat
from insertion.models import Clause, HeuresRealisees
from marches.enums import TypeStructure
from marches.models import Entreprise, Marche
from portail.periodes import mois_courant, mois_precedent
from tests.factories import BeneficiaireFactory, CommuneFactory, EntrepriseFactory, siret_aleatoire
from tests.www.saisie.aides import (
    donnees_post,
    messages_de,
    personne_saisie,
    remplir,
    url_grille,
    url_personne,
)

pytestmark = pytest.mark.django_db

H = Decimal


def _ok(reponse, *attendus):
    """A POST that went through: a redirect (or the page) and none of the admin."""
    assert reponse.status_code in attendus or reponse.status_code == 302, reponse.content.decode()[:2000]
    assert "/admin/" not in reponse.get("Location", "")
    return reponse


def _index(formset, public_id):
    [index] = [i for i, form in enumerate(formset) if form["beneficiaire"].value() == str(public_id)]
    return index


def _creer_le_marche(client, *, departement, epci, debut, fin):
    """The Département's first step: a buyer, a contract, two lots, one new titulaire, one calibrated clause."""
    client.force_login(departement)
    titulaire_connu = EntrepriseFactory(raison_sociale="Étanchéité de l'Authion")
    siret_titulaire = siret_aleatoire()
    donnees = {
        "acheteur": "",
        "acheteur_siret": siret_aleatoire(),
        "acheteur_nom": "Commune de Val-Témoin",
        "acheteur_type": "commune",
        "reference": "2026-T-002",
        "objet": "Rénovation du groupe scolaire",
        "nature": "travaux",
        "montant_ht": "900 000",
        "date_notification": "",
        "date_debut": debut.isoformat(),
        "date_fin": fin.isoformat(),
        "epci": str(epci.pk),
        "clause_sociale": "on",
        "lots-TOTAL_FORMS": "2",
        "lots-INITIAL_FORMS": "0",
        "lots-MIN_NUM_FORMS": "0",
        "lots-MAX_NUM_FORMS": "50",
        # Lot 1: a titulaire created on the page, a clause calibrated from the contract's amount.
        "lots-0-numero": "1",
        "lots-0-intitule": "Gros œuvre",
        "lots-0-montant_ht": "600 000",
        "lots-0-titulaire": siret_titulaire,
        "lots-0-titulaire_raison_sociale": "Bâtisseurs du Layon",
        "lots-0-titulaire_type_structure": TypeStructure.ENTREPRISE,
        "lots-0-base_juridique": "L2112-2",
        "lots-0-part_main_oeuvre": "50",
        "lots-0-taux_insertion": "5",
        "lots-0-cout_horaire": "30",
        # Lot 2: a known company, no clause.
        "lots-1-numero": "2",
        "lots-1-intitule": "Étanchéité",
        "lots-1-montant_ht": "300 000",
        "lots-1-titulaire": titulaire_connu.siret,
        "lots-1-titulaire_type_structure": TypeStructure.ENTREPRISE,
        "lots-1-base_juridique": "",
    }
    _ok(client.post(reverse("marches:nouveau"), donnees))
    marche = Marche.objects.get(reference="2026-T-002")
    lot1, lot2 = marche.lots.order_by("numero")
    assert lot1.titulaire.siret == siret_titulaire
    assert lot2.titulaire == titulaire_connu
    assert lot1.clause.heures_reservees == H(500)  # 600 000 × 50 % × 5 % ÷ 30
    assert not Clause.objects.filter(lot=lot2).exists()
    # The same reference for the same buyer is refused, with nothing written.
    refus = client.post(reverse("marches:nouveau"), donnees | {"acheteur": str(marche.acheteur_id)})
    assert refus.status_code == 200
    assert Marche.objects.filter(reference="2026-T-002").count() == 1
    # A dated entry of the follow-up log: the information meeting with the titulaire.
    _ok(
        client.post(
            reverse("marches:suivi", args=[marche.pk]),
            {
                "suivi-date": debut.isoformat(),
                "suivi-etape": "reunion_information",
                "suivi-commentaire": "Réunion en mairie.",
            },
        )
    )
    assert marche.evenements_suivi.get().auteur == departement
    return marche, lot1.clause


def _declarer_le_mois(client, *, agent, clause, mois, connue):
    """The clerk's month: a person already known (found by search), a new one, an employer nobody knows yet."""
    client.force_login(agent)
    recherche = client.get(url_personne(clause, mois), {"q": connue.nom, "annee": connue.date_naissance.year})
    assert connue in recherche.context["trouvees"]
    _ok(
        client.post(
            reverse("saisie:reprendre", args=[clause.pk, mois.strftime("%Y-%m")]),
            {"personne": str(connue.public_id)},
        )
    )
    ajout = _ok(client.post(url_personne(clause, mois), personne_saisie(brsa_debut="2024-01-01")))
    nouvelle = parse_qs(urlsplit(ajout["Location"]).query)["personne"][0]

    siret_etti = siret_aleatoire()
    # The grid offers both people the clerk has just found or added, each on a line of their own.
    formset = client.get(url_grille(clause, mois), {"personne": [str(connue.public_id), nouvelle]}).context[
        "formset"
    ]
    donnees = donnees_post(formset)
    commun = {"modalite": Modalite.MISE_A_DISPOSITION, "type_contrat": TypeContrat.MISSION}
    remplir(donnees, _index(formset, connue.public_id), heures="35", siret_employeur=siret_etti, **commun)
    remplir(donnees, _index(formset, nouvelle), heures="42,5", siret_employeur=siret_etti, **commun)
    # The unknown employer: the grid comes back asking for its name and type on the lines, and writes nothing.
    retour = client.post(url_grille(clause, mois), donnees)
    assert retour.status_code == 200
    assert not HeuresRealisees.objects.exists() and not Entreprise.objects.filter(siret=siret_etti).exists()
    for index in (_index(formset, connue.public_id), _index(formset, nouvelle)):
        remplir(
            donnees,
            index,
            raison_sociale_employeur="Intérim Insertion Anjou",
            type_structure_employeur=TypeStructure.ETTI,
        )
    _ok(client.post(url_grille(clause, mois), donnees))
    etti = Entreprise.objects.get(siret=siret_etti)
    assert etti.a_verifier and etti.signalee_par_epci == agent.epci
    creee = Beneficiaire.objects.get(public_id=nouvelle)
    assert creee.cree_par_epci == agent.epci
    assert HeuresRealisees.objects.filter(clause=clause, mois=mois, statut=Statut.DECLAREES).count() == 2
    return etti, creee


def _verifier_et_valider(client, *, departement, etti, creee):
    """The Département: confirms the employer, verifies the new person's BRSA, validates the month."""
    client.force_login(departement)
    a_verifier = client.get(reverse("entreprises:a_verifier"))
    assert etti in list(a_verifier.context["entreprises"])
    _ok(
        client.post(
            reverse("entreprises:confirmer", args=[etti.siret]),
            {"raison_sociale": "Intérim Insertion Anjou", "type_structure": TypeStructure.ETTI},
        )
    )
    etti.refresh_from_db()
    assert not etti.a_verifier and etti.verifiee_par == departement

    brsa = Eligibilite.objects.get(beneficiaire=creee, public__code=CodePublic.BRSA)
    assert brsa.verification == VerificationEligibilite.DECLAREE
    _ok(
        client.post(
            reverse("beneficiaires:verification", args=[creee.public_id, brsa.pk]),
            {"verification": VerificationEligibilite.VERIFIEE, "justificatif": "attestation CAF du mois"},
        )
    )
    brsa.refresh_from_db()
    assert brsa.verification == VerificationEligibilite.VERIFIEE
    assert brsa.verifiee_par == departement and brsa.justificatif == "attestation CAF du mois"

    file = client.get(reverse("validation:file"))
    lignes = [ligne.record for ligne in file.context["table"].paginated_rows]
    assert len(lignes) == 2
    donnees = {"action": "valider", "selection": [ligne.pk for ligne in lignes]}
    donnees |= {f"version_{ligne.pk}": ligne.modifie_le.isoformat() for ligne in lignes}
    validation = _ok(client.post(reverse("validation:file"), donnees))
    assert messages_de(validation)[0].startswith("2 lignes validées")
    assert HeuresRealisees.objects.filter(statut=Statut.VALIDEES).count() == 2


def test_une_annee_de_clause_sans_l_administration(client, departement, agent_a, epci_a):
    ce_mois = mois_courant()
    mois = mois_precedent(ce_mois)
    debut = mois_precedent(mois_precedent(mois))
    fin = (ce_mois + datetime.timedelta(days=200)).replace(day=1) - datetime.timedelta(days=1)
    connue = BeneficiaireFactory(commune=CommuneFactory(epci=epci_a), nom="Lefèvre", prenom="Anaïs")

    marche, clause = _creer_le_marche(client, departement=departement, epci=epci_a, debut=debut, fin=fin)
    etti, creee = _declarer_le_mois(client, agent=agent_a, clause=clause, mois=mois, connue=connue)
    _verifier_et_valider(client, departement=departement, etti=etti, creee=creee)

    # What the database holds.
    rangees = HeuresRealisees.objects.filter(clause__lot__marche=marche)
    base = rangees.filter(statut=Statut.VALIDEES).aggregate(
        validees=Sum("heures"), personnes=Count("beneficiaire", distinct=True)
    )
    assert base == {"validees": H("77.5"), "personnes": 2}
    titulaire = clause.lot.titulaire

    # The contract page.
    fiche = client.get(reverse("marches:detail", args=[marche.pk]))
    totaux = fiche.context["totaux"]
    assert totaux["reservees"] == clause.heures_reservees == H(500)
    assert totaux["validees"] == base["validees"]
    assert totaux["declarees"] == H(0) and totaux["rejetees"] == H(0)
    assert totaux["dues"] == regles.heures_dues(
        heures_reservees=H(500), debut=marche.date_debut, fin=marche.date_fin, jour=timezone.localdate()
    )
    assert H(0) < totaux["dues"] < H(500)  # the contract is half-way through its execution
    assert {(p["beneficiaire__public_id"], p["validees"]) for p in fiche.context["personnes"]} == set(
        rangees.values_list("beneficiaire__public_id", "heures")
    )
    [employeur] = fiche.context["employeurs"]
    assert (employeur["employeur__siret"], employeur["validees"], employeur["personnes"]) == (
        etti.siret,
        base["validees"],
        base["personnes"],
    )

    # The company pages: the employer on this contract, the titulaire of lot 1.
    page_etti = client.get(reverse("entreprises:detail", args=[etti.siret]))
    [sur_le_marche] = [m for m in page_etti.context["marches"] if m.pk == marche.pk]
    assert sur_le_marche.heures_validees_employeur == base["validees"]
    assert sur_le_marche.nombre_personnes == base["personnes"]
    page_titulaire = client.get(reverse("entreprises:detail", args=[titulaire.siret]))
    [tenu] = [m for m in page_titulaire.context["marches"] if m.pk == marche.pk]
    assert tenu.heures_reservees == H(500)
    assert tenu.heures_validees_titulaire == base["validees"]

    # The attestation of the titulaire: the figures, the number of people, never a name.
    attestation = client.get(reverse("entreprises:attestation", args=[titulaire.siret, marche.pk]))
    assert attestation.status_code == 200
    chiffres = attestation.context["chiffres"]
    assert (chiffres.heures_reservees, chiffres.heures_validees, chiffres.nombre_personnes) == (
        H(500),
        base["validees"],
        base["personnes"],
    )
    contenu = attestation.content.decode()
    assert marche.acheteur.nom in contenu and marche.objet in contenu
    assert "Lefèvre" not in contenu and "LEFÈVRE" not in contenu and "Dupré" not in contenu
