"""Validation queue: a row rejected on its own with its own reason, the confirmation naming the rows, the action
bar that stays at the bottom of the window."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.messages import get_messages

from insertion.enums import Statut
from insertion.models import HeuresRealisees
from insertion.regles import MESSAGE_MOTIF_REJET
from tests.factories import BeneficiaireFactory, HeuresRealiseesFactory
from tests.requetes import assert_autant_de_requetes, requetes_de_l_envoi
from tests.www.validation.aides import MARS, URL, avec_versions, connecte

pytestmark = pytest.mark.django_db
NBSP = "\u00a0"


def messages_de(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def rejet(ligne, motif_ligne, **autres):
    """What a row's own form posts: its button, its reason and the version displayed."""
    return {
        "rejeter_ligne": str(ligne.pk),
        f"motif_{ligne.pk}": motif_ligne,
        f"version_{ligne.pk}": ligne.modifie_le.isoformat(),
        **autres,
    }


@pytest.fixture
def deux_lignes(clause_a):
    dupont = BeneficiaireFactory(nom="Dupont", prenom="Jeanne")
    martin = BeneficiaireFactory(nom="Martin", prenom="Léo")
    return (
        HeuresRealiseesFactory(clause=clause_a, beneficiaire=dupont, mois=MARS, heures=Decimal(35)),
        HeuresRealiseesFactory(clause=clause_a, beneficiaire=martin, mois=MARS, heures=Decimal("12.5")),
    )


def test_rejeter_une_ligne_avec_son_propre_motif(client, departement, clause_a, deux_lignes):
    dupont, martin = deux_lignes
    url = f"{URL}?mois=2026-03"
    response = connecte(client, departement).post(
        url, rejet(dupont, "  Contrat de travail à joindre. ", **{f"motif_{martin.pk}": "Autre motif"})
    )
    assert response.status_code == 302 and response["Location"] == url
    marche = clause_a.lot.marche
    assert messages_de(response) == [
        f"1 ligne rejetée : DUPONT Jeanne, mars 2026, {marche.acheteur.nom} – marché {marche.reference}, "
        f"35{NBSP}h."
    ]
    dupont.refresh_from_db()
    martin.refresh_from_db()
    assert dupont.statut == Statut.REJETEES and dupont.motif_rejet == "Contrat de travail à joindre."
    assert dupont.valide_par == departement
    assert martin.statut == Statut.DECLAREES and martin.motif_rejet == ""


@pytest.mark.parametrize("motif", ["", "   ", None])
def test_motif_obligatoire_rien_n_est_ecrit(client, departement, deux_lignes, motif):
    dupont, _ = deux_lignes
    donnees = rejet(dupont, motif or "")
    if motif is None:
        del donnees[f"motif_{dupont.pk}"]
    response = connecte(client, departement).post(URL, donnees)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Aucune ligne n'a été modifiée" in page
    assert MESSAGE_MOTIF_REJET.replace("'", "&#x27;") in page
    assert f'id="erreur-motif-{dupont.pk}"' in page  # beside the row's own field
    assert not HeuresRealisees.objects.exclude(statut=Statut.DECLAREES).exists()


def test_le_motif_commun_ne_sert_pas_au_rejet_d_une_ligne(client, departement, deux_lignes):
    dupont, _ = deux_lignes
    response = connecte(client, departement).post(URL, rejet(dupont, "", motif="Motif de la sélection"))
    assert response.status_code == 200
    assert not HeuresRealisees.objects.exclude(statut=Statut.DECLAREES).exists()


@pytest.mark.parametrize("valeur", ["", "abc", "999999", "-1", "1.5", "1 OR 1=1", "9" * 30, "١٢"])
def test_ligne_hostile_refusee_en_francais(client, departement, deux_lignes, valeur):
    response = connecte(client, departement).post(
        URL, {"rejeter_ligne": valeur, f"motif_{valeur}": "Motif", "motif": "Motif"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "rechargez la page" in page
    assert not HeuresRealisees.objects.exclude(statut=Statut.DECLAREES).exists()


def test_ligne_deja_validee_ou_hors_du_filtre(client, departement, clause_a, clause_b, deux_lignes):
    validee = HeuresRealiseesFactory(clause=clause_a, mois=MARS, validees=True)
    ailleurs = HeuresRealiseesFactory(clause=clause_b, mois=MARS)
    client = connecte(client, departement)
    # A validated row (shown with statut=tous): not rejected, and said so.
    response = client.post(f"{URL}?statut=tous", rejet(validee, "Motif"))
    assert response.status_code == 302
    assert messages_de(response)[0] == "0 ligne rejetée"
    assert "1 ligne ignorée" in messages_de(response)[1]
    validee.refresh_from_db()
    assert validee.statut == Statut.VALIDEES
    # A row outside the filtered queue.
    response = client.post(f"{URL}?marche={clause_a.lot.marche_id}", rejet(ailleurs, "Motif"))
    assert response.status_code == 200 and "rechargez la page" in response.content.decode()
    ailleurs.refresh_from_db()
    assert ailleurs.statut == Statut.DECLAREES


def test_ligne_modifiee_depuis_l_affichage_ignoree(client, departement, deux_lignes):
    dupont, _ = deux_lignes
    donnees = rejet(dupont, "Motif")
    HeuresRealisees.objects.filter(pk=dupont.pk).update(
        modifie_le=dupont.modifie_le + datetime.timedelta(seconds=5)
    )
    response = connecte(client, departement).post(URL, donnees)
    assert messages_de(response)[1].startswith("1 ligne ignorée : elle n'était plus en attente")
    dupont.refresh_from_db()
    assert dupont.statut == Statut.DECLAREES


@pytest.mark.parametrize("role", ["agent_a", "lecteur", "lecteur_a"])
def test_les_autres_roles_ne_rejettent_rien(client, request, deux_lignes, role):
    dupont, _ = deux_lignes
    response = connecte(client, request.getfixturevalue(role)).post(URL, rejet(dupont, "Motif"))
    assert response.status_code == 404
    dupont.refresh_from_db()
    assert dupont.statut == Statut.DECLAREES


# --- the page --------------------------------------------------------------------------------------


def test_chaque_ligne_declaree_a_son_formulaire_de_rejet(client, departement, clause_a, deux_lignes):
    dupont, martin = deux_lignes
    validee = HeuresRealiseesFactory(clause=clause_a, mois=MARS, validees=True)
    page = connecte(client, departement).get(URL, {"statut": "tous"}).content.decode()
    for ligne in (dupont, martin):
        assert f'<form method="post" action="/validation/?statut=tous" id="rejet-{ligne.pk}"' in page
        assert f'name="motif_{ligne.pk}" form="rejet-{ligne.pk}"' in page
        assert f'name="rejeter_ligne" value="{ligne.pk}" form="rejet-{ligne.pk}"' in page
        assert f'<label class="visually-hidden" for="motif-{ligne.pk}">Motif du rejet : ' in page
    assert f'id="rejet-{validee.pk}"' not in page and f'value="{validee.pk}" form=' not in page
    # The per-row forms sit outside the queue's form (forms cannot nest).
    fin_du_formulaire = page.index("</form>", page.index('id="actions-file"'))
    assert page.index(f'id="rejet-{dupont.pk}"') > fin_du_formulaire


def test_un_identifiant_a_plusieurs_milliers_n_est_pas_groupe(client, departement, clause_a):
    # USE_THOUSAND_SEPARATOR must not turn the id of row 12 345 into "12 345" in the form's id.
    ligne = HeuresRealiseesFactory(pk=12345, clause=clause_a, mois=MARS)
    page = connecte(client, departement).get(URL).content.decode()
    assert f'id="rejet-{ligne.pk}"' in page and f'form="rejet-{ligne.pk}"' in page


def test_barre_d_actions_collante_en_bas_de_la_fenetre(client, departement, deux_lignes):
    page = connecte(client, departement).get(URL).content.decode()
    barre = page.index('class="barre-actions')
    assert barre > page.index("</table>")  # after the rows: it sticks to the bottom while they scroll
    assert page.index("Valider la sélection", barre) < page.index("</fieldset>", barre)
    assert page.index("Rejeter la sélection", barre) < page.index("</fieldset>", barre)
    css = (Path(settings.BASE_DIR) / "static" / "css" / "portail.css").read_text(encoding="utf-8")
    regle = css[css.index(".barre-actions {") :].split("}", 1)[0]
    assert "position: sticky" in regle and "bottom: 0" in regle


# --- the confirmation ------------------------------------------------------------------------------


@pytest.mark.parametrize(("nombre", "fin"), [(1, ""), (10, ""), (11, " et 1 autre"), (13, " et 3 autres")])
def test_la_confirmation_nomme_dix_lignes_au_plus(client, departement, clause_a, nombre, fin):
    lignes = [
        HeuresRealiseesFactory(
            clause=clause_a,
            beneficiaire=BeneficiaireFactory(nom=f"Nom{i:02d}", prenom="Prénom"),
            mois=MARS,
            heures=Decimal(7),
        )
        for i in range(nombre)
    ]
    response = connecte(client, departement).post(
        URL, avec_versions({"action": "valider", "selection": [r.pk for r in lignes]})
    )
    (message,) = messages_de(response)
    marche = clause_a.lot.marche
    debut = "1 ligne validée : " if nombre == 1 else f"{nombre} lignes validées : "
    noms = " ; ".join(
        f"NOM{i:02d} Prénom, mars 2026, {marche.acheteur.nom} – marché {marche.reference}, 7{NBSP}h"
        for i in range(min(nombre, 10))
    )
    assert message == f"{debut}{noms}{fin}."


def test_rejet_en_masse_avec_un_motif_commun_nomme_les_lignes(client, departement, deux_lignes):
    dupont, martin = deux_lignes
    response = connecte(client, departement).post(
        URL, avec_versions({"action": "rejeter", "selection": [dupont.pk, martin.pk], "motif": "Doublon."})
    )
    (message,) = messages_de(response)
    assert message.startswith("2 lignes rejetées : DUPONT Jeanne, mars 2026, ")
    assert "; MARTIN Léo, mars 2026, " in message and message.endswith(f"12,5{NBSP}h.")
    assert set(HeuresRealisees.objects.values_list("motif_rejet", flat=True)) == {"Doublon."}


def test_requetes_du_rejet_d_une_ligne_independantes_du_nombre_de_lignes(client, departement, clause_a):
    client = connecte(client, departement)
    mesures = []
    for n in (3, 30):
        HeuresRealisees.objects.all().delete()
        lignes = HeuresRealiseesFactory.create_batch(n, clause=clause_a, mois=MARS)
        _, requetes = requetes_de_l_envoi(client, URL, rejet(lignes[0], ""))  # refused: the page again
        mesures.append(requetes)
    assert_autant_de_requetes(*mesures)
