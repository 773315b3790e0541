"""Two clerks save the same row from the same page at the same time: the second is told, nothing is lost.

PostgreSQL only (SQLite serialises every write anyway). 20 rounds through the grid's view, each clerk in
their own thread and database connection, released together by a barrier.
"""

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.forms import CheckboxInput
from django.test import Client
from django.utils.html import escape

from insertion.enums import Statut
from insertion.models import HeuresRealisees
from portail.periodes import code_mois, libelle_mois, mois_courant
from tests.factories import (
    BeneficiaireFactory,
    ClauseFactory,
    EpciFactory,
    HeuresRealiseesFactory,
    UserFactory,
)

TOURS = 20


@pytest.fixture(scope="module")
def donnees_de_reference_restaurees(django_db_blocker):
    """Transactional tests end with a flush that also empties the publics created by data migrations."""
    yield
    contenu = getattr(connection, "_test_serialized_contents", None)
    if contenu:
        with django_db_blocker.unblock():
            connection.creation.deserialize_db_from_string(contenu)


def donnees_postees(formset) -> dict:
    """What a browser posts for this grid as displayed (hidden initial values included)."""
    donnees = {champ.html_name: champ.value() for champ in formset.management_form}
    for formulaire in formset.forms:
        for champ in formulaire:
            valeur = champ.value()
            if isinstance(champ.field.widget, CheckboxInput):
                if valeur:
                    donnees[champ.html_name] = "on"
                continue
            donnees[champ.html_name] = "" if valeur is None else str(valeur)
            if champ.field.show_hidden_initial:
                donnees[champ.html_initial_name] = str(champ.initial)
    return donnees


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_deux_enregistrements_simultanes_de_la_meme_ligne(donnees_de_reference_restaurees, sur_postgresql):
    ce_mois = mois_courant()
    epci = EpciFactory()
    clause = ClauseFactory(
        lot__marche__acheteur__epci=epci,
        lot__marche__date_debut=ce_mois - datetime.timedelta(days=400),
        lot__marche__date_fin=ce_mois + datetime.timedelta(days=400),
    )
    personne = BeneficiaireFactory(cree_par_epci=epci)
    rangee = HeuresRealiseesFactory(clause=clause, beneficiaire=personne, mois=ce_mois, heures=Decimal(30))
    agents = [UserFactory(agent_epci=True, epci=epci) for _ in range(2)]
    clients = []
    for agent in agents:
        client = Client()
        client.force_login(agent)
        clients.append(client)
    url = f"/saisie/{clause.pk}/{code_mois(ce_mois)}/"
    message = (
        f"{personne} en {libelle_mois(ce_mois)} ont été modifiées par quelqu'un d'autre pendant votre saisie"
    )

    pertes, refus_signales = 0, 0
    for tour in range(TOURS):
        HeuresRealisees.objects.filter(pk=rangee.pk).update(heures=Decimal(30), statut=Statut.DECLAREES)
        page = clients[0].get(url)  # the same page, shown to both clerks
        formset = page.context["formset"]
        index = next(i for i, f in enumerate(formset.forms) if f.initial.get("id_rangee") == rangee.pk)
        valeurs = [Decimal(31 + tour), Decimal(60 + tour)]
        postes = []
        for valeur in valeurs:
            donnees = donnees_postees(formset)
            donnees[f"lignes-{index}-heures"] = str(valeur)
            postes.append(donnees)

        depart = threading.Barrier(2)
        reponses, erreurs = [None, None], []

        def enregistrer(numero, depart=depart, reponses=reponses, erreurs=erreurs, postes=postes):
            try:
                depart.wait(timeout=10)
                reponses[numero] = clients[numero].post(url, postes[numero])
            except Exception as exc:  # every exception must reach the assertion below
                erreurs.append(exc)
            finally:
                connection.close()

        fils = [threading.Thread(target=enregistrer, args=(numero,)) for numero in range(2)]
        for fil in fils:
            fil.start()
        for fil in fils:
            fil.join(timeout=60)
        assert not any(fil.is_alive() for fil in fils)
        assert erreurs == []

        rangee.refresh_from_db()
        enregistrees = [n for n, r in enumerate(reponses) if r.status_code == 302]
        refusees = [
            n
            for n, r in enumerate(reponses)
            if r.status_code == 200 and escape(message) in r.content.decode()
        ]
        if len(enregistrees) != 1 or rangee.heures != valeurs[enregistrees[0]]:
            pertes += 1
        refus_signales += len(refusees)
        assert sorted(enregistrees + refusees) == [0, 1], [r.status_code for r in reponses]

    print(
        f"\nDeux enregistrements simultanés de la même ligne, {TOURS} tours : {pertes} mise(s) à jour perdue(s), "
        f"{refus_signales} refus signalé(s) au second."
    )
    assert pertes == 0
    assert refus_signales == TOURS
