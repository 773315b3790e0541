"""Settings of the portal: one module, read from the environment (and an optional .env file).

Runs on SQLite with nothing set; DATABASE_URL switches to PostgreSQL.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from territoires.regles import code_departement, erreur_code_departement

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY doit être défini quand DEBUG n'est pas activé.")
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "csp",
    "django_tables2",
    "django_filters",
    "simple_history",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "portail",
    "territoires",
    "comptes",
    "marches",
    "beneficiaires",
    "insertion",
    "notifications",
    "demo",  # dev tool: the load_demo command
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portail.requetes.MethodeRefuseeMiddleware",  # inside the header middlewares (CSP…)
    "django_otp.middleware.OTPMiddleware",
    "portail.requetes.TailleRequeteMiddleware",  # before anything reads the body
    "portail.requetes.RefusOctetNulMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "www.comptes.middleware.DoubleFacteurMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "notifications.context_processors.notifications_non_lues",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c statement_timeout={env.int('STATEMENT_TIMEOUT_MS', default=30_000)}"
    )

# The monthly grid posts one page at a time: at most 200 rows, 50 people just added and 3 empty lines (the
# formset refuses more than 500 lines) of at most 8 fields, so 4 010 fields. A month of a 5 000-line statement
# (insertion.releves.lecture.LIGNES_MAX) opens over 25 pages: no request needs more (tests/www/saisie).
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000
# Also the cap of a whole request body, files included (portail.requetes.TailleRequeteMiddleware): a statement
# (2 Mo at most) fits; the DECP upload page raises it for itself with portail.requetes.taille_max_requete.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# Uploads above it go to a temporary file, not to memory (the DECP file is streamed from there).
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "comptes.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked account before checking its password
    "django.contrib.auth.backends.ModelBackend",
]
# Sign-in throttling: an account is locked for 15 minutes after 10 failures in a row; others are untouched.
AXES_FAILURE_LIMIT = 10
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username"]
# By account only, on purpose: locking by IP address would lock a whole office behind one address.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "comptes/verrouille.html"
AXES_VERBOSE = False
AXES_ENABLE_ADMIN = False  # locks are seen and lifted from the portal (/comptes/verrouillages/)
# Second factor (TOTP app, single-use recovery codes) for Département staff and superusers. Read at request time
# by the middleware, so tests switch it with override_settings.
EXIGER_DOUBLE_FACTEUR = env.bool("EXIGER_DOUBLE_FACTEUR", default=not DEBUG)
OTP_TOTP_ISSUER = "Clauses d'insertion 49"
LOGIN_URL = "comptes:connexion"
LOGIN_REDIRECT_URL = "accueil:accueil"
LOGOUT_REDIRECT_URL = "comptes:connexion"

# Statistical secret: readers never see a count of fewer than this many people, directly or by difference.
SEUIL_SECRET_STATISTIQUE = env.int("SEUIL_SECRET_STATISTIQUE", default=5)
if SEUIL_SECRET_STATISTIQUE < 3:  # "< 2" would tell the count itself
    raise ImproperlyConfigured("SEUIL_SECRET_STATISTIQUE doit être un entier supérieur ou égal à 3.")

# The Département of the portal (INSEE code): DECP imports keep its contracts, the person form its communes.
DEPARTEMENT = code_departement(env.str("DEPARTEMENT", default="49"))
if erreur := erreur_code_departement(DEPARTEMENT):
    raise ImproperlyConfigured(f"DEPARTEMENT : {erreur}")

# E-mail (password reset, invitations, notifications): console in development, SMTP in production.
vars().update(env.email_url("EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25"))
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Portail des clauses d'insertion <ne-pas-repondre@maine-et-loire.fr>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The portal's address, for the links of e-mails sent outside a request (envoyer_relances).
ADRESSE_DU_PORTAIL = env.str("ADRESSE_DU_PORTAIL", default="http://127.0.0.1:8000").rstrip("/")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "fr-fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env.bool("STATIC_MANIFEST", default=not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# A session ends after 30 minutes without a request: every request pushes the expiry back.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
# Messages name people (validation, grid): kept in the database-backed session, never in a cookie.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_PROXY", default=False) else None
)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^sante/$"]  # the load balancer's probe may come over plain HTTP
SECURE_HSTS_SECONDS = env.int("HSTS_SECONDS", default=0 if DEBUG else 365 * 24 * 60 * 60)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True

# Content-Security-Policy: everything from the portal itself, no inline script or style, no frame.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],  # Bootstrap draws its small icons as data: SVG
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
# The portal needs none of the browser's powerful features.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
}

# Bootstrap 5 tables with a caption, the sort state for screen readers and French pagination.
DJANGO_TABLES2_TEMPLATE = "tableau.html"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
