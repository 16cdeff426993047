"""Settings for Helhet.

Every value that differs between a laptop demo and a municipality's production
installation is read from the environment (``HELHET_*``), so secrets stay out of
the code (Normen: secrets outside the code). See README, "Production settings".
"""

import datetime as dt
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("HELHET_DATA_DIR", Path.cwd() / "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


# Demo mode relaxes only what a laptop demo cannot have (two-factor enrolment,
# HTTPS); it never relaxes the access gate. It is off unless turned on
# (tools/demo and the test settings do): an installation that forgets the
# variable runs with every protection, not as a demo.
DEMO_MODE = env_bool("HELHET_DEMO_MODE", False)
DEBUG = env_bool("HELHET_DEBUG", False)
SECRET_KEY = os.environ.get("HELHET_SECRET_KEY", "").strip()
if not SECRET_KEY:
    if not DEMO_MODE:
        # Sessions, CSRF tokens and password-reset links are signed with it: a
        # known key lets anyone forge them. Refuse to start instead of guessing.
        raise ImproperlyConfigured(
            "HELHET_SECRET_KEY is not set. Set it to a long random value kept outside "
            "the code (README, 'Production settings'), or HELHET_DEMO_MODE=1 for a demo "
            "on a laptop."
        )
    SECRET_KEY = "insecure-demo-key-only-for-demo-mode"
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("HELHET_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("HELHET_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "django_htmx",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "helhet.core",
    "helhet.organisation",
    "helhet.people",
    "helhet.access",
    "helhet.consent",
    "helhet.plans",
    "helhet.coordination",
    "helhet.intake",
    "helhet.cooperation",
    "helhet.mapping",
    "helhet.around",
    "helhet.voice",
    "helhet.workforce",
    "helhet.offers",
    "helhet.quality",
    "helhet.housing",
    "helhet.nav",
    "helhet.audit",
    "helhet.portal",
    "helhet.api",
    "helhet.exchange",
    "helhet.operations",
    "helhet.workday",
    "helhet.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise (static files may be cached), before everything else.
    "helhet.core.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Who is acting, for the administration log (helhet.access.adminlog).
    "helhet.access.adminlog.ActorMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    # Staff must pass the second factor before any other page (Normen: strong login).
    "helhet.access.middleware.RequireTwoFactorMiddleware",
    # Persons and their representatives use Min side only (helhet.access.staffonly).
    "helhet.access.middleware.StaffOnlyMiddleware",
    # A refusal after the gate granted is logged as one (helhet.access.afterwards).
    "helhet.access.middleware.RefusedAfterGrantMiddleware",
    # Last, as django-axes requires: turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "helhet.urls"
WSGI_APPLICATION = "helhet.wsgi.application"

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
                "helhet.core.context_processors.helhet",
            ],
        },
    }
]

# Forms render through the project's templates (helhet/templates/django/forms/):
# Designsystemet markup, an error summary, labels without colons, no «---------».
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("HELHET_DATABASE_URL") or f"sqlite:///{DATA_DIR / 'helhet.sqlite3'}",
        conn_max_age=int(os.environ.get("HELHET_DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets the overview be read while a plan is saved; IMMEDIATE avoids
    # "database is locked" upgrades between concurrent writers.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
# No ATOMIC_REQUESTS: a refused access raises PermissionDenied, and a request-wide
# transaction would roll back the access-log row that records the refusal
# (pjl § 16: refused attempts must stay in the log). Writes that span several
# rows use transaction.atomic in the app's services instead.
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# A PostgreSQL hot standby for reports (helhet/core/replica.py); tests mirror it
# onto the default database.
if os.environ.get("HELHET_REPLICA_DATABASE_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["HELHET_REPLICA_DATABASE_URL"],
        conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    # A standby that does not answer must not hold a report up: after this many
    # seconds the report reads the primary instead (helhet/core/replica.py).
    DATABASES["replica"].setdefault("OPTIONS", {})["connect_timeout"] = int(
        os.environ.get("HELHET_REPLICA_CONNECT_TIMEOUT", "3")
    )
# A standby further behind than this is not used; one that failed is not asked again
# for the retry interval (docs/deployment.md).
HELHET_REPLICA_MAX_LAG_SECONDS = float(os.environ.get("HELHET_REPLICA_MAX_LAG_SECONDS", "60"))
HELHET_REPLICA_RETRY_SECONDS = float(os.environ.get("HELHET_REPLICA_RETRY_SECONDS", "30"))
DATABASE_ROUTERS = ["helhet.core.replica.ReportRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- Login security (access app; see notes/access-readme.md) -----------------
# The lockout backend comes first so a locked-out account is refused before
# its password is even checked.
AUTHENTICATION_BACKENDS = [
    "helhet.access.backends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Repeated failed logins lock the username *from that client address* for a
# while (django-axes). By username alone, anyone who knows a colleague's
# username could lock them out at will; by username and address, the
# attacker locks only themselves out, while guessing from one address stays
# throttled. Behind a reverse proxy HELHET_PROXY_COUNT must be set, or every
# client has the proxy's address. Staff accounts also have a second factor
# (Normen: strong authentication), which a guessed password alone does not pass.
AXES_FAILURE_LIMIT = int(os.environ.get("HELHET_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(os.environ.get("HELHET_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("HELHET_PROXY_COUNT", "0")) or None
# Two factors (TOTP) are required for staff whenever DEMO_MODE is off
# (helhet.access.middleware); a laptop demo has no phone to enrol.
OTP_TOTP_ISSUER = os.environ.get("HELHET_OTP_ISSUER", "Helhet")
# After an administrator resets a login, a one-time link goes only to an
# e-mail address the account has had at least this many days (helhet.access.recovery).
ENROL_EMAIL_QUIET_DAYS = int(os.environ.get("HELHET_ENROL_EMAIL_QUIET_DAYS", "7"))

# OpenID Connect (ID-porten or the municipality's own identity provider) is on
# when a client id is configured. Users are never created from the IdP: a
# person is found by the fødselsnummer claim (`pid` in ID-porten), staff by a
# configured claim matched against the username.
OIDC_ENABLED = bool(os.environ.get("HELHET_OIDC_CLIENT_ID"))
OIDC_RP_CLIENT_ID = os.environ.get("HELHET_OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("HELHET_OIDC_CLIENT_SECRET", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("HELHET_OIDC_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("HELHET_OIDC_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("HELHET_OIDC_USERINFO_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("HELHET_OIDC_JWKS_ENDPOINT") or None
OIDC_OP_LOGOUT_ENDPOINT = os.environ.get("HELHET_OIDC_LOGOUT_ENDPOINT", "")
OIDC_RP_SIGN_ALGO = os.environ.get("HELHET_OIDC_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = os.environ.get("HELHET_OIDC_SCOPES", "openid profile")
OIDC_CREATE_USER = False
OIDC_USE_PKCE = True
# mozilla-django-oidc keeps the ID token, so logout can end the provider's session too.
OIDC_STORE_ID_TOKEN = True
# Seconds to wait for the identity provider (token, keys, userinfo): a provider
# that hangs must not hold a worker.
OIDC_TIMEOUT = int(os.environ.get("HELHET_OIDC_TIMEOUT", "10"))
OIDC_AUTHENTICATION_CALLBACK_URL = "access:oidc_callback"
# A path, not a URL name: mozilla-django-oidc redirects to it as it stands.
LOGIN_REDIRECT_URL_FAILURE = "/logg-inn/"
OIDC_PERSON_CLAIM = os.environ.get("HELHET_OIDC_PERSON_CLAIM", "pid")
OIDC_STAFF_CLAIM = os.environ.get("HELHET_OIDC_STAFF_CLAIM", "")
# acr/amr values that mean the IdP itself did two-factor login (ID-porten
# "idporten-loa-substantial"/"-high", Entra ID amr "mfa"): no second TOTP step.
OIDC_TWO_FACTOR_VALUES = [
    v.strip()
    for v in os.environ.get(
        "HELHET_OIDC_TWO_FACTOR_VALUES", "idporten-loa-substantial,idporten-loa-high,mfa"
    ).split(",")
    if v.strip()
]
OIDC_LABEL = os.environ.get("HELHET_OIDC_LABEL", "ID-porten")
if OIDC_ENABLED:
    AUTHENTICATION_BACKENDS.append("helhet.access.oidc.HelhetOIDCBackend")

LANGUAGE_CODE = "nb"
LANGUAGES = [("nb", _("Norsk bokmål")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True
# Dates: ISO from the date picker or dd.mm.åååå typed (helhet/core/forms.py).
FORMAT_MODULE_PATH = ["helhet.formats"]
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y"]

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Served by WhiteNoise straight from the apps (no collectstatic step for a demo).
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
# Attachments live outside the web root and are served only through the gate.
MEDIA_ROOT = DATA_DIR / "files"

SESSION_COOKIE_AGE = int(os.environ.get("HELHET_SESSION_SECONDS", str(30 * 60)))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEMO_MODE:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("HELHET_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("HELHET_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Everything is served from our own origin: no CDN, no inline script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# The API (helhet.api, see notes/api-readme.md). The session comes first so an
# anonymous call gets 403, as a page does; personal tokens ("Token hlt_...")
# and, when OIDC is configured, the provider's bearer tokens are accepted.
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "helhet.api.pagination.StrictLimitOffsetPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "helhet.api.authentication.ApiTokenAuthentication",
        *(["helhet.api.authentication.OIDCBearerAuthentication"] if OIDC_ENABLED else []),
    ],
    # Staff only, for token and bearer users too (helhet.access.staffonly).
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "helhet.api.permissions.StaffRole",
    ],
    "DEFAULT_PARSER_CLASSES": ["helhet.api.parsers.BoundedJSONParser"],
    "EXCEPTION_HANDLER": "helhet.api.parsers.exception_handler",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Helhet API",
    "VERSION": "1.0.0",
    "DESCRIPTION": "REST-API for Helhet. FHIR R4 finnes under /fhir/r4/ (se /fhir/r4/metadata).",
    # Swagger UI from our own static files (drf-spectacular-sidecar): no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "PlanKindEnum": "helhet.plans.models.IndividualPlan.Kind",
        "PlanStatusEnum": "helhet.plans.models.IndividualPlan.Status",
        "GoalStatusEnum": "helhet.plans.models.Goal.Status",
        "MeasureStatusEnum": "helhet.plans.models.Measure.Status",
        "ParticipantKindEnum": "helhet.plans.models.Participant.Kind",
        "ConsentStatusEnum": "helhet.consent.models.Status",
        "MemberKindEnum": "helhet.cooperation.models.GroupMember.Kind",
        "MeetingStatusEnum": "helhet.cooperation.models.Meeting.Status",
        "ApplicationKindEnum": "helhet.intake.models.Application.Kind",
        "ApplicationStatusEnum": "helhet.intake.models.Application.Status",
        "DeviationKindEnum": "helhet.quality.models.Deviation.Kind",
        "DeviationStatusEnum": "helhet.quality.models.Deviation.Status",
        "DwellingKindEnum": "helhet.housing.models.DwellingType",
    },
    "PREPROCESSING_HOOKS": ["helhet.api.schema.only_api"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "helhet.api.schema.add_errors",
    ],
}

EMAIL_BACKEND = os.environ.get(
    "HELHET_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("HELHET_FROM_EMAIL", "helhet@localhost")

# Application logs must never carry person data (names, fødselsnummer): the
# access log in the database is the only place who-saw-whom is recorded.
# Handlers log messages only (never request bodies or POST data: no
# AdminEmailHandler), and a filter masks anything shaped like a fødselsnummer.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_person_data": {"()": "helhet.access.logfilter.MaskNationalIds"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["no_person_data"]},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("HELHET_LOG_LEVEL", "WARNING")},
    # Login attempts name the username; they belong in the lockout table, not the log.
    "loggers": {"axes": {"handlers": ["console"], "level": "ERROR", "propagate": False}},
}
