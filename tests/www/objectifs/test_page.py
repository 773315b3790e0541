"""The yearly targets page (/objectifs/): Département staff set the Département's and the EPCI targets of a year."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from insertion.models import Objectif
from territoires.models import Epci
from tests.factories import EpciFactory, ObjectifFactory
from tests.requetes import assert_autant_de_requetes, requetes_de_l_envoi, requetes_de_la_page

pytestmark = pytest.mark.django_db

URL = reverse("objectifs:page")
NBSP = "\u00a0"


def _objectifs(annee):
    return dict(Objectif.objects.filter(annee=annee).values_list("epci_id", "heures"))


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def _donnees(departement="", **par_epci):
    return {"departement": departement, **{f"epci_{pk}": valeur for pk, valeur in par_epci.items()}}


@pytest.fixture
def staff(client, departement):
    client.force_login(departement)
    return client


def test_page_de_l_annee_courante_par_defaut(staff, epci_a, epci_b):
    annee = timezone.localdate().year
    ObjectifFactory(annee=annee, heures=10_000)
    ObjectifFactory(annee=annee, epci=epci_a, heures=4000)
    ObjectifFactory(annee=annee - 1, epci=epci_b, heures=1)  # another year
    response = staff.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert f"Objectifs de {annee}" in page and f"{annee:_}".replace("_", " ") not in page
    form = response.context["form"]
    assert form["departement"].value() == 10_000
    assert form[f"epci_{epci_a.pk}"].value() == 4000 and form[f"epci_{epci_b.pk}"].value() is None
    assert f'<label for="id_epci_{epci_a.pk}">CC Alpha</label>' in page
    assert f"10{NBSP}000{NBSP}h" in page
    assert f"4{NBSP}000{NBSP}h (1 EPCI sur 2 ont un objectif)" in page
    # Not an error, a warning: the EPCI targets do not add up to the Département's.
    assert response.context["ecart"] == (
        f"La somme des objectifs des EPCI (4{NBSP}000{NBSP}h) diffère de l'objectif du Département "
        f"(10{NBSP}000{NBSP}h) : vérifiez si c'est voulu."
    )


def test_enregistrer_les_objectifs_d_une_annee(staff, epci_a, epci_b):
    ObjectifFactory(annee=2027, epci=epci_b, heures=700)
    response = staff.post(
        f"{URL}?annee=2027", _donnees("10 000", **{str(epci_a.pk): "6000 h", str(epci_b.pk): ""})
    )
    assert response.status_code == 302 and response["Location"] == f"{URL}?annee=2027"
    assert _objectifs(2027) == {None: 10_000, epci_a.pk: 6000}
    assert _messages(response) == [
        "Les objectifs de 2027 sont enregistrés.",
        f"La somme des objectifs des EPCI (6{NBSP}000{NBSP}h) diffère de l'objectif du Département "
        f"(10{NBSP}000{NBSP}h) : vérifiez si c'est voulu.",
    ]
    page = staff.get(f"{URL}?annee=2027")
    assert page.context["form"]["departement"].value() == 10_000
    assert page.context["annee"] == "2027"


def test_somme_egale_sans_avertissement(staff, epci_a, epci_b):
    response = staff.post(
        f"{URL}?annee=2027", _donnees("100", **{str(epci_a.pk): "60", str(epci_b.pk): "40"})
    )
    assert _messages(response) == ["Les objectifs de 2027 sont enregistrés."]
    assert staff.get(f"{URL}?annee=2027").context["ecart"] is None


def test_rien_ne_change(staff, epci_a):
    ObjectifFactory(annee=2027, heures=100)
    response = staff.post(f"{URL}?annee=2027", _donnees("100"))
    assert _messages(response) == ["Aucun objectif de 2027 n'a changé."]


@pytest.mark.parametrize(
    "valeur", ["0", "-3", "12,5", "12.5", "1e5", "abc", "٣", "10000001", "9" * 5000, "<script>", "1 0 0 0x"]
)
def test_valeur_refusee_en_francais_rien_n_est_ecrit(staff, epci_a, epci_b, valeur):
    ObjectifFactory(annee=2027, heures=100)
    response = staff.post(
        f"{URL}?annee=2027", _donnees("200", **{str(epci_a.pk): valeur, str(epci_b.pk): "5"})
    )
    assert response.status_code == 200
    assert response.context["form"].errors[f"epci_{epci_a.pk}"] == [
        f"Indiquez un nombre entier d'heures supérieur à 0 (au plus 10{NBSP}000{NBSP}000), ou laissez le champ vide."
    ]
    assert "Le formulaire contient des erreurs" in response.content.decode()
    assert _objectifs(2027) == {None: 100}


@pytest.mark.parametrize("annee", ["abc", "1999", "2101", "20266", "-1", "%00"])
def test_annee_illisible_annee_courante(staff, epci_a, annee):
    response = staff.get(URL, {"annee": annee})
    assert response.status_code == 200
    assert response.context["annee"] == str(timezone.localdate().year)
    (message,) = _messages(response)
    assert message.startswith("Indiquez une année") and "Voici les objectifs de" in message


@pytest.mark.parametrize("annee", ["abc", "1999", "-1"])
def test_envoi_vers_une_annee_illisible_refuse(staff, epci_a, annee):
    response = staff.post(f"{URL}?annee={annee}", _donnees("100", **{str(epci_a.pk): "50"}))
    assert response.status_code == 200
    assert any("Rien n'a été enregistré." in e for e in response.context["form"].non_field_errors())
    assert not Objectif.objects.exists()


@pytest.mark.parametrize("role", ["agent_a", "agent_b", "lecteur", "lecteur_a"])
def test_les_autres_obtiennent_404_et_rien_n_est_ecrit(client, request, epci_a, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(URL).status_code == 404
    assert client.post(URL, _donnees("100", **{str(epci_a.pk): "50"})).status_code == 404
    assert not Objectif.objects.exists()


def test_lien_depuis_le_tableau_de_bord_pour_le_departement(client, departement, agent_a):
    client.force_login(departement)
    page = client.get(reverse("tableau_de_bord:page"), {"annee": 2025}).content.decode()
    assert f'href="{URL}?annee=2025"' in page and f'href="{URL}"' in page  # the button and the menu
    client.force_login(agent_a)
    assert URL not in client.get(reverse("tableau_de_bord:page")).content.decode()


@pytest.mark.parametrize("methode", ["get", "post"])
def test_nombre_de_requetes_constant(staff, methode):
    """n vs 10 n EPCI; the POST deletes, changes, keeps and creates targets at both sizes."""
    mesures = []
    for n in (3, 30):
        Objectif.objects.all().delete()
        while Epci.objects.count() < n:
            ObjectifFactory(annee=2027, pour_epci=True)
        ObjectifFactory(annee=2027, heures=100)
        if methode == "get":
            _, requetes = requetes_de_la_page(staff, URL, {"annee": 2027})
        else:
            valeurs = {str(e.pk): ["", "5", "1000"][i % 3] for i, e in enumerate(Epci.objects.order_by("pk"))}
            valeurs[str(EpciFactory().pk)] = "8"
            _, requetes = requetes_de_l_envoi(staff, f"{URL}?annee=2027", _donnees("200", **valeurs))
        mesures.append(requetes)
    assert_autant_de_requetes(*mesures)
