"""Second factor (django-otp): Département staff and superusers set up an authenticator app, then confirm each
sign-in with its six digits or a single-use recovery code; clerks and readers are never asked."""

import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.contrib import admin
from django.utils import timezone
from django.utils.html import escape
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from comptes import regles
from tests.factories import MOT_DE_PASSE, UserFactory
from tests.urls_du_portail import motifs_du_portail

pytestmark = pytest.mark.django_db

ACTIVER = "/compte/double-facteur/activer/"
VERIFIER = "/compte/double-facteur/verifier/"
CODES = "/compte/double-facteur/codes/"


@pytest.fixture(autouse=True)
def _double_facteur_exige(settings):
    settings.EXIGER_DOUBLE_FACTEUR = True


def _connecter(client, user):
    """Signs in with the password, as people do (the second factor comes after)."""
    client.logout()
    reponse = client.post("/connexion/", {"username": user.username, "password": MOT_DE_PASSE})
    assert reponse.status_code == 302, reponse.content.decode()


def _code(appareil, decalage=0) -> str:
    """The six digits the person's app shows now (or `decalage` steps later)."""
    appareil.refresh_from_db()
    return f"{totp(appareil.bin_key, step=appareil.step, drift=decalage):06d}"


def _dit(reponse, texte: str) -> bool:
    return escape(texte) in reponse.content.decode()


def _chemin_et_suite(reponse):
    destination = urlsplit(reponse["Location"])
    return destination.path, parse_qs(destination.query).get("next", [None])[0]


def _equiper(user) -> tuple[TOTPDevice, list[str]]:
    """A confirmed app and three recovery codes."""
    appareil = TOTPDevice.objects.create(user=user, name="téléphone", confirmed=True)
    secours = StaticDevice.objects.create(user=user, name="Codes de secours")
    codes = ["aaaa2222", "bbbb3333", "cccc4444"]
    StaticToken.objects.bulk_create(StaticToken(device=secours, token=code) for code in codes)
    return appareil, codes


def _deverrouiller(appareil):
    """Leaves the throttling delay behind, as if the person had waited."""
    type(appareil).objects.filter(pk=appareil.pk).update(
        throttling_failure_timestamp=timezone.now() - datetime.timedelta(hours=1)
    )


def test_la_regle_des_comptes_concernes(departement, superuser, agent_a, lecteur, lecteur_a):
    assert departement.doit_avoir_double_facteur and superuser.doit_avoir_double_facteur
    assert not any(u.doit_avoir_double_facteur for u in (agent_a, lecteur, lecteur_a))
    simple_admin = UserFactory(lecteur=True, is_superuser=True, is_staff=True)
    assert regles.doit_avoir_double_facteur(simple_admin)


# --- set-up ----------------------------------------------------------------------------------------------


def test_activation_avec_un_vrai_code_puis_codes_de_secours_montres_une_fois(client, departement):
    _connecter(client, departement)
    reponse = client.get("/marches/?page=1")
    assert _chemin_et_suite(reponse) == (ACTIVER, "/marches/?page=1")

    page = client.get(reponse["Location"])
    assert page.status_code == 200
    appareil = TOTPDevice.objects.get(user=departement)
    assert not appareil.confirmed
    contenu = page.content.decode()
    assert 'src="data:image/svg+xml' in contenu  # the QR code, drawn on the server
    cle = page.context["cle"]
    assert cle.replace(" ", "") in appareil.config_url and cle in contenu
    # a reload shows the same secret
    assert client.get(ACTIVER).context["cle"] == cle

    reponse = client.post(ACTIVER, {"code": _code(appareil), "next": "/marches/?page=1"})
    assert reponse["Location"] == CODES
    appareil.refresh_from_db()
    assert appareil.confirmed
    codes = set(StaticToken.objects.filter(device__user=departement).values_list("token", flat=True))
    assert len(codes) == regles.NOMBRE_DE_CODES_DE_SECOURS

    page = client.get(CODES)
    contenu = page.content.decode()
    assert set(page.context["codes"]) == codes and all(code in contenu for code in codes)
    assert "plus jamais affichés" in contenu and "Imprimez cette page" in contenu
    assert 'href="/marches/?page=1"' in contenu
    # shown once: the page then leads to the state page, which shows no code
    assert client.get(CODES)["Location"] == "/compte/double-facteur/"
    etat = client.get("/compte/double-facteur/").content.decode()
    assert "10</strong> codes de secours" in etat and not any(code in etat for code in codes)
    # the session is confirmed: pages open
    assert client.get("/marches/").status_code == 200


def test_activation_refuse_un_code_faux_en_francais(client, departement):
    _connecter(client, departement)
    client.get(ACTIVER)
    appareil = TOTPDevice.objects.get(user=departement)
    faux = f"{(int(_code(appareil)) + 1) % 1_000_000:06d}"
    reponse = client.post(ACTIVER, {"code": faux})
    assert reponse.status_code == 200
    assert _dit(reponse, regles.CODE_D_ACTIVATION_INCORRECT)
    appareil.refresh_from_db()
    assert not appareil.confirmed and appareil.throttling_failure_count == 1
    assert not StaticToken.objects.exists()
    assert client.get("/")["Location"].startswith(ACTIVER)


def test_une_application_confirmee_ne_se_remplace_pas_sans_le_code(client, departement):
    """Someone holding only the password cannot set up their own app over the real one."""
    appareil, _ = _equiper(departement)
    _connecter(client, departement)
    reponse = client.get(ACTIVER + "?next=/validation/")
    assert _chemin_et_suite(reponse) == (VERIFIER, "/validation/")
    client.post(ACTIVER, {"code": "123456"})
    assert list(TOTPDevice.objects.filter(user=departement)) == [appareil]


# --- verification at sign-in -----------------------------------------------------------------------------


def test_verification_par_le_code_de_l_application(client, departement):
    appareil, _ = _equiper(departement)
    _connecter(client, departement)
    reponse = client.get("/validation/")
    assert _chemin_et_suite(reponse) == (VERIFIER, "/validation/")
    assert "Confirmer la connexion" in client.get(reponse["Location"]).content.decode()

    reponse = client.post(VERIFIER, {"code": _code(appareil), "next": "/validation/"})
    assert reponse["Location"] == "/validation/"
    assert client.get("/validation/").status_code == 200
    # already confirmed: the verification page sends on
    assert client.get(VERIFIER)["Location"] == "/"


def test_un_code_faux_est_refuse_puis_les_essais_sont_ralentis(client, departement):
    appareil, _ = _equiper(departement)
    _connecter(client, departement)
    faux = f"{(int(_code(appareil)) + 500_000) % 1_000_000:06d}"
    reponse = client.post(VERIFIER, {"code": faux})
    assert reponse.status_code == 200
    assert _dit(reponse, regles.CODE_INCORRECT)
    # django-otp's throttling: right after a failure, even the right code waits
    reponse = client.post(VERIFIER, {"code": _code(appareil)})
    assert _dit(reponse, "Trop de codes erronés : attendez 1 seconde avant de réessayer.")
    appareil.refresh_from_db()
    assert appareil.throttling_failure_count == 1
    assert client.get("/")["Location"].startswith(VERIFIER)

    _deverrouiller(appareil)
    client.post(VERIFIER, {"code": "000000" if _code(appareil) != "000000" else "111111"})
    reponse = client.post(VERIFIER, {"code": _code(appareil)})
    assert _dit(reponse, "attendez 2 secondes")

    _deverrouiller(appareil)
    assert client.post(VERIFIER, {"code": _code(appareil)})["Location"] == "/"
    appareil.refresh_from_db()
    assert appareil.throttling_failure_count == 0


def test_un_code_de_l_application_ne_sert_qu_une_fois(client, departement):
    appareil, _ = _equiper(departement)
    _connecter(client, departement)
    code = _code(appareil)
    assert client.post(VERIFIER, {"code": code})["Location"] == "/"
    _connecter(client, departement)
    reponse = client.post(VERIFIER, {"code": code})
    assert _dit(reponse, regles.CODE_INCORRECT)


def test_un_code_de_secours_sert_une_seule_fois(client, departement):
    _equiper(departement)
    _connecter(client, departement)
    reponse = client.post(VERIFIER, {"code": " AAAA-2222 ", "next": "/beneficiaires/"}, follow=True)
    assert reponse.redirect_chain[0][0] == "/beneficiaires/"
    assert _dit(reponse, "Code de secours accepté : il ne servira plus. Il vous en reste 2")
    assert not StaticToken.objects.filter(token="aaaa2222").exists()

    _connecter(client, departement)
    reponse = client.post(VERIFIER, {"code": "aaaa2222"})
    assert _dit(reponse, regles.CODE_INCORRECT)
    assert client.get("/")["Location"].startswith(VERIFIER)
    _deverrouiller(StaticDevice.objects.get(user=departement))
    assert client.post(VERIFIER, {"code": "bbbb3333"})["Location"] == "/"


def test_la_suite_ne_mene_pas_hors_du_portail(client, departement):
    appareil, _ = _equiper(departement)
    _connecter(client, departement)
    reponse = client.post(VERIFIER, {"code": _code(appareil), "next": "https://ailleurs.example/"})
    assert reponse["Location"] == "/"


def test_toutes_les_pages_et_l_administration_attendent_le_code(client, superuser):
    """Every URL of the resolver sends a signed-in superuser without a confirmed code to the verification
    page, but the few that must stay open. The check runs before the view: any value fits the routes."""
    appareil, _ = _equiper(superuser)
    _connecter(client, superuser)
    ouvertes = {
        "/connexion/",
        "/deconnexion/",
        "/sante/",
        "/admin/login/",
        "/admin/logout/",
        "/mot-de-passe-oublie/",
        "/mot-de-passe-oublie/envoye/",
        "/mot-de-passe-oublie/1/1/",
        "/mot-de-passe-oublie/termine/",
        ACTIVER,
        VERIFIER,
    }
    urls = [motif.url() for motif in motifs_du_portail()]
    urls = [url for url in urls if not url.startswith("/" + settings.STATIC_URL.lstrip("/"))]
    assert {"/", "/admin/", "/admin/comptes/user/", "/comptes/double-facteur/"} <= set(urls)
    assert ouvertes <= set(urls)
    erreurs = []
    for url in urls:
        reponse = client.get(url)
        vers_verification = reponse.status_code == 302 and _chemin_et_suite(reponse) == (VERIFIER, url)
        if vers_verification == (url in ouvertes):
            erreurs.append(f"{url} : {reponse.status_code} {reponse.get('Location', '')}")
    assert not erreurs, "\n".join(erreurs)
    # a form posted before confirming is not processed either
    assert client.post("/comptes/double-facteur/")["Location"].startswith(VERIFIER)

    client.post(VERIFIER, {"code": _code(appareil)})
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/comptes/user/").status_code == 200


@pytest.mark.parametrize("role", ["agent_a", "lecteur", "lecteur_a"])
def test_agents_d_epci_et_lecteurs_jamais_sollicites(client, request, role):
    user = request.getfixturevalue(role)
    _connecter(client, user)
    assert client.get("/").status_code == 200
    assert client.get("/tableau-de-bord/").status_code == 200
    assert client.get(VERIFIER).status_code == 404
    assert not TOTPDevice.objects.exists()


def test_reglage_desactive_personne_n_est_sollicite(client, settings, departement, superuser):
    settings.EXIGER_DOUBLE_FACTEUR = False
    _equiper(departement)
    for user in (departement, superuser):
        _connecter(client, user)
        assert client.get("/validation/").status_code == 200
        assert client.get("/admin/").status_code == (200 if user.is_superuser else 302)


def test_l_administration_ne_montre_pas_les_secrets():
    assert not admin.site.is_registered(TOTPDevice)
    assert not admin.site.is_registered(StaticDevice)
