"""Helpers shared by the monthly entry page tests."""

from decimal import Decimal

from django import forms
from django.contrib.messages import get_messages
from django.urls import reverse

from beneficiaires.enums import Sexe
from tests.factories import (
    BeneficiaireFactory,
    HeuresRealiseesFactory,
)

H = Decimal


def personne_sans_commune(**kwargs):
    return BeneficiaireFactory(commune=None, cree_par_epci=None, **kwargs)


def heures(clause, mois, personne, nombre, **kwargs):
    return HeuresRealiseesFactory(clause=clause, mois=mois, beneficiaire=personne, heures=H(nombre), **kwargs)


def url_grille(clause, mois, **params):
    url = reverse("saisie:grille", args=[clause.pk, mois.strftime("%Y-%m")])
    return url + "".join(f"{'&' if i else '?'}{k}={v}" for i, (k, v) in enumerate(params.items()))


def personne_saisie(**valeurs):
    """What the "Ajouter une personne" form posts: Élodie Dupré, born 01/02/1990, nothing optional filled."""
    return {
        "nom": "Dupré",
        "prenom": "Élodie",
        "date_naissance": "1990-02-01",
        "sexe": Sexe.FEMME,
        "commune": "",
        "niveau_qualification": "",
        "date_entree": "",
        "brsa_debut": "",
        "brsa_fin": "",
        "autres_publics_debut": "",
    } | valeurs


def url_personne(clause, mois):
    return reverse("saisie:personne", args=[clause.pk, mois.strftime("%Y-%m")])


def texte(valeur):
    if valeur is None:
        return ""
    if isinstance(valeur, Decimal):
        return str(valeur).replace(".", ",")
    return str(valeur)


def donnees_post(formset):
    """What a browser would send back for the grid as displayed."""
    donnees = {champ.html_name: champ.value() for champ in formset.management_form}
    for form in formset:
        for champ in form:
            if champ.field.disabled:
                continue
            if isinstance(champ.field.widget, forms.CheckboxInput):
                if champ.value():
                    donnees[champ.html_name] = "on"
                continue
            donnees[champ.html_name] = texte(champ.value())
            if champ.field.show_hidden_initial:
                donnees[champ.html_initial_name] = texte(champ.initial)
    return donnees


def index_de(formset, personne):
    for i, form in enumerate(formset):
        if form.rangee is not None and form.rangee.beneficiaire_id == personne.pk:
            return i
        if form.rangee is None and form["beneficiaire"].value() == str(personne.public_id):
            return i
    raise AssertionError(f"{personne} n'est pas dans la grille")


def lignes_vides(formset):
    return [i for i, form in enumerate(formset) if form.rangee is None and not form["beneficiaire"].value()]


def remplir(donnees, index, **valeurs):
    for nom, valeur in valeurs.items():
        donnees[f"lignes-{index}-{nom}"] = texte(valeur)
    return donnees


def grille(client, clause, mois, **params):
    reponse = client.get(url_grille(clause, mois, **params))
    assert reponse.status_code == 200
    return reponse, reponse.context["formset"]


def messages_de(reponse):
    return [str(m) for m in get_messages(reponse.wsgi_request)]
