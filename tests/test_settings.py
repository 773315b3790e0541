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
