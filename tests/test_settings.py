import os
import subprocess
import sys

from django.conf import settings

SCRIPT = "import django; django.setup(); from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])"


def _lancer(**env):
    environnement = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "DATABASE_URL"}}
    environnement |= {"DJANGO_SETTINGS_MODULE": "config.settings", **env}
    return subprocess.run(
        [sys.executable, "-c", SCRIPT],
        env=environnement,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
    )


def test_secret_key_obligatoire_hors_debug():
    resultat = _lancer()
    assert resultat.returncode != 0
    assert "SECRET_KEY doit être défini" in resultat.stderr


def test_debug_fournit_une_cle_de_developpement_et_sqlite():
    resultat = _lancer(DEBUG="true")
    assert resultat.returncode == 0, resultat.stderr
    assert resultat.stdout.strip() == "django.db.backends.sqlite3"


def test_database_url_choisit_postgresql():
    resultat = _lancer(SECRET_KEY="x", DATABASE_URL="postgres://postgres@127.0.0.1:5432/nimporte")
    assert resultat.returncode == 0, resultat.stderr
    assert resultat.stdout.strip() == "django.db.backends.postgresql"


def test_reglages_francais_et_proteges():
    assert settings.LANGUAGE_CODE == "fr-fr"
    assert settings.TIME_ZONE == "Europe/Paris"
    assert "django.contrib.auth.middleware.LoginRequiredMiddleware" in settings.MIDDLEWARE
    assert settings.DATABASES["default"]["ATOMIC_REQUESTS"] is True


def test_check_deploy_sans_avertissement_en_production():
    """With production variables, Django's deployment checklist reports nothing, warnings included."""
    environnement = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DEBUG", "DATABASE_URL", "SECURE_SSL_REDIRECT", "STATIC_MANIFEST"}
    }
    environnement |= {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SECRET_KEY": "c8Jx2-production-like-secret-key-of-sixty-characters-KqP0zRw7Yt",
        "ALLOWED_HOSTS": "insertion.maine-et-loire.fr",
        "DEBUG": "false",
    }
    resultat = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=environnement,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
    )
    assert resultat.returncode == 0, resultat.stdout + resultat.stderr
    assert "System check identified no issues" in resultat.stdout


def test_en_tetes_de_securite(client, db):
    reponse = client.get("/connexion/")
    politique = reponse["Content-Security-Policy"]
    assert "default-src 'self'" in politique
    assert "script-src 'self'" in politique and "unsafe-inline" not in politique
    assert "frame-ancestors 'none'" in politique
    assert "camera=()" in reponse["Permissions-Policy"]
    assert reponse["X-Frame-Options"] == "DENY"
    assert reponse["Referrer-Policy"] == "same-origin"


def test_https_impose_et_hsts_en_production():
    assert settings.SECURE_HSTS_SECONDS == 365 * 24 * 60 * 60
    assert settings.SECURE_HSTS_INCLUDE_SUBDOMAINS
    assert settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE


def test_departement_reglable_et_verifie():
    assert settings.DEPARTEMENT == "49"  # Maine-et-Loire by default
    resultat = _lancer(DEBUG="true", DEPARTEMENT="100")
    assert resultat.returncode != 0
    assert "DEPARTEMENT : Code de département inconnu : « 100 » (exemple : 49)." in resultat.stderr
