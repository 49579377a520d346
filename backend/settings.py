"""Settings for shuangsui, read from the environment.

Development needs nothing set: SQLite under var/ and DEBUG on. Production sets at least
DEBUG=0, SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL; `manage.py check --deploy --fail-level
WARNING` then passes.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str) -> bool:
    value = os.getenv(name, default).strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {value!r}")


def envint(name: str, default: int) -> int:
    value = os.getenv(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from None


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.getenv(name, default).split(",") if item.strip()]


# Like healthchecks: the embedded default is a developer's machine; production turns DEBUG off.
DEBUG = envbool("DEBUG", "1")

SECRET_KEY = os.getenv("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production-0123456789abcdef"

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

VAR_DIR = Path(os.getenv("VAR_DIR", BASE_DIR / "var"))
MEDIA_ROOT = Path(os.getenv("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"
STATIC_ROOT = Path(os.getenv("STATIC_ROOT", VAR_DIR / "static"))
STATIC_URL = "/static/"
# The inspections app is one Django app in three packages, one per step (inspections/__init__.py):
# each keeps its own templates and static files, which APP_DIRS would not find in a subpackage.
INSPECTION_STEPS = [BASE_DIR / "inspections" / step for step in ("directory", "planning", "draws")]
STATICFILES_DIRS = [
    BASE_DIR / "backend" / "static",
    *(step / "static" for step in INSPECTION_STEPS),
]
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns on every request otherwise

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    # API tokens stored as SHA-512 digests, each with an expiry (docs/security.md).
    "knox",
    # The second factor: TOTP apps, and one-time recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    # Content-Security-Policy: its system checks (the settings' format of django-csp 4).
    "csp",
    "backend.organisation",
    "backend.accounts",
    "backend.audit",
    "backend.api",
    "backend.imports",
    "backend.workdays",
    "backend.crypto",
    "backend.checkpoints",
    "backend.notifications",
    "backend.jobs",
    "personnel",
    "inspections",
    "fieldwork",
    "legalreview",
    # The firms' ratings of closed inspections and the complaints (企业评价、投诉).
    "ratings",
    # 行政执法监督: the 司法行政部门's warnings and opinions, read-only across departments.
    "supervision",
    "disclosure",
    # The daily reminders: reads personnel, planning, fieldwork, legalreview and disclosure.
    "reminders",
    # The 操作手册 at /help/: names the other apps' pages by URL name only (strings).
    "manual",
    # The demo story and `seed_demo`; it may import every app above, and none imports it.
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise (static files need no policy), before everything that may answer.
    "backend.api.csp.ContentSecurityPolicyMiddleware",
    "backend.audit.middleware.RequestIdMiddleware",
    # Open CORS for the open-data API only; answers preflights before sessions and CSRF.
    "disclosure.middleware.PublicApiCorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session passed the second step.
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "backend.audit.middleware.RefusalAuditMiddleware",
    # Inside the refusal audit, so that an API call from an unfinished login is recorded.
    "backend.accounts.middleware.LoginStepsMiddleware",
    # Axes last, as its documentation asks, so that it sees the final authentication outcome.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "backend.urls"
WSGI_APPLICATION = "backend.wsgi.application"
ASGI_APPLICATION = "backend.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [
            BASE_DIR / "backend" / "templates",
            *(step / "templates" for step in INSPECTION_STEPS),
        ],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "backend.accounts.context_processors.navigation",
                "backend.notifications.context_processors.notifications",
                # base.html's 帮助 link: the manual's topic for the page shown.
                "manual.context_processors.help_link",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------

DATABASE_URL = os.getenv("DATABASE_URL", f"sqlite:///{VAR_DIR / 'shuangsui.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=envint("CONN_MAX_AGE", 0))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one user writes; IMMEDIATE takes the write lock at BEGIN so
    # that two writers queue on the busy timeout instead of failing mid-transaction.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
    }
    # Tests use a file too, so that they run on WAL exactly as production does; one per test
    # run (the process id), so that two runs at once do not share it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-shuangsui-{os.getpid()}.sqlite3")}
    if DATABASES["default"]["NAME"] not in ("", ":memory:"):
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts and security --------------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses a locked username before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "backend.accounts.backends.RoleModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "backend.accounts.validators.ChineseMinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# PASSWORD_HASHER=pbkdf2_sm3 stores new passwords with PBKDF2-HMAC-SM3 (backend/crypto/hashers.py);
# the other hashes stay valid and are re-hashed at each user's next login.
_HASHERS = {
    "pbkdf2_sha256": "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "pbkdf2_sm3": "backend.crypto.hashers.PBKDF2SM3PasswordHasher",
}
PASSWORD_HASHER = os.getenv("PASSWORD_HASHER", "pbkdf2_sha256").strip().lower()
if PASSWORD_HASHER not in _HASHERS:
    raise ImproperlyConfigured(
        f"PASSWORD_HASHER must be one of {sorted(_HASHERS)}, got {PASSWORD_HASHER!r}"
    )
PASSWORD_HASHERS = [
    _HASHERS[PASSWORD_HASHER],
    *(path for name, path in _HASHERS.items() if name != PASSWORD_HASHER),
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# A session ends after 30 minutes without a request: the expiry moves on every request.
SESSION_COOKIE_AGE = envint("SESSION_IDLE_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Five failures lock the username (not the IP: offices share one NAT address) for 30 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "backend.accounts.views.locked_out"
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False
# axes warns that a username-only lockout lets one address try many usernames. That is the
# trade-off the product wants: a government office shares one NAT address, and locking it would
# lock out every colleague. Attempts per address are still audited.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# The second factor (TOTP, django-otp): required for the roles in
# backend.accounts.roles.SECOND_FACTOR_ROLES, optional for the others (docs/security.md).
OTP_TOTP_ISSUER = os.getenv("OTP_TOTP_ISSUER", "双随机监管平台")
# After each wrong code the next try waits 1, 2, 4, 8, ... seconds (per device, in the database).
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# How many one-time recovery codes an enrolment hands out.
RECOVERY_CODE_COUNT = 10

# API tokens (django-rest-knox): only a SHA-512 digest is stored, the token is shown once, and
# it expires. Each user holds a few at most.
API_TOKEN_TTL_DAYS = envint("API_TOKEN_TTL_DAYS", 30)
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=API_TOKEN_TTL_DAYS),
    "TOKEN_LIMIT_PER_USER": envint("API_TOKENS_PER_USER", 5),
    "AUTO_REFRESH": False,
    "AUTH_HEADER_PREFIX": "Token",
}

# Mail (a password set by an administrator is told to the account's owner): Django's own
# settings, from the environment. In development the messages go to the console.
EMAIL_BACKEND = os.getenv(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.getenv("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.getenv("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.getenv("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "0")
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = os.getenv("DEFAULT_FROM_EMAIL", "shuangsui@localhost")

# --- Notifications (docs/operations.md) ----------------------------------------------------------

# Every notification is kept in the product (the bell); each user chooses, per kind, whether it
# is also sent by mail (the settings above) and to the group robot below. Without a choice of
# their own, these defaults apply.
NOTIFY_DEFAULT_EMAIL = envbool("NOTIFY_DEFAULT_EMAIL", "1")
NOTIFY_DEFAULT_WEBHOOK = envbool("NOTIFY_DEFAULT_WEBHOOK", "0")
# A 企业微信 群机器人 or 钉钉 自定义机器人: its webhook address, which of the two, and for DingTalk
# the 加签 secret (empty: no signature).
NOTIFY_WEBHOOK_URL = os.getenv("NOTIFY_WEBHOOK_URL", "").strip()
NOTIFY_WEBHOOK_KIND = os.getenv("NOTIFY_WEBHOOK_KIND", "wecom").strip().lower()
if NOTIFY_WEBHOOK_KIND not in ("wecom", "dingtalk"):
    raise ImproperlyConfigured(
        f"NOTIFY_WEBHOOK_KIND must be 'wecom' or 'dingtalk', got {NOTIFY_WEBHOOK_KIND!r}"
    )
NOTIFY_WEBHOOK_SECRET = os.getenv("NOTIFY_WEBHOOK_SECRET", "").strip()
NOTIFY_WEBHOOK_TIMEOUT = envint("NOTIFY_WEBHOOK_TIMEOUT", 10)
# The staff site's address (e.g. https://jg.example.gov.cn), put before the links of mails and
# robot messages; empty: the links stay relative paths.
NOTIFY_BASE_URL = os.getenv("NOTIFY_BASE_URL", "").strip().rstrip("/")

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy on every response (django-csp, docs/security.md): scripts, styles,
# fonts and images only from this server's own static files; no inline script, no inline event
# handler, no inline style; no plug-ins; never framed; forms post only here. The Swagger page
# (backend/urls.py) and the DRF browsable API (backend/api/csp.py) relax styles only, each for
# itself. A response that sends its own policy keeps it (evidence downloads: `sandbox`).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "1")
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", "1")
    SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", "1")

# --- Imports ------------------------------------------------------------------------------------

IMPORT_MAX_BYTES = envint("IMPORT_MAX_MB", 200) * 1024 * 1024
# A workbook (.xlsx, .xlsm) is checked before it is opened, so that a zip bomb is refused at
# once (backend/workbook_checks.py): what it decompresses to, each part's compression ratio, the
# number of parts and of cells, and the longest text in a cell.
IMPORT_MAX_UNCOMPRESSED_BYTES = envint("IMPORT_MAX_UNCOMPRESSED_MB", 1024) * 1024 * 1024
IMPORT_MAX_COMPRESSION_RATIO = envint("IMPORT_MAX_COMPRESSION_RATIO", 100)
IMPORT_MAX_WORKBOOK_PARTS = envint("IMPORT_MAX_WORKBOOK_PARTS", 1000)
IMPORT_MAX_CELLS = envint("IMPORT_MAX_CELLS", 30_000_000)
IMPORT_MAX_CELL_CHARS = envint("IMPORT_MAX_CELL_CHARS", 32_767)
# Large imports run in a thread while the page shows progress; tests run them inline.
IMPORTS_IN_BACKGROUND = envbool("IMPORTS_IN_BACKGROUND", "1")
# On PostgreSQL a big import writes from a second thread while the file is still being read.
IMPORTS_PARALLEL_WRITES = envbool("IMPORTS_PARALLEL_WRITES", "1")
# On PostgreSQL a draw (announce or perform) runs in a thread while the task page shows its
# progress; tests run it within the request, as SQLite always does
# (inspections/draws/draw_jobs.py).
DRAWS_IN_BACKGROUND = envbool("DRAWS_IN_BACKGROUND", "1")
# Processes that read a large draw's pool at once (inspections/draws/draw_parallel.py), and the
# parts its pool is built in (inspections/draws/draw_files.py); 0: one per core.
DRAWS_PROCESSES = envint("DRAWS_PROCESSES", 0)
# An inspection started in an emergency before its approval (行政检查审批) must be approved by
# the body's head within this many working days of its start (fieldwork/services/approvals.py).
EMERGENCY_APPROVAL_WORKING_DAYS = envint("EMERGENCY_APPROVAL_WORKING_DAYS", 3)
if EMERGENCY_APPROVAL_WORKING_DAYS < 1:
    raise ImproperlyConfigured("EMERGENCY_APPROVAL_WORKING_DAYS must be at least 1")
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Language and time ------------------------------------------------------------------------

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Evidence (photos, documents, audio and video of inspections) ----------------------------

# The largest file of each kind; a larger one is refused before anything is stored.
EVIDENCE_MAX_BYTES = {
    "photo": envint("EVIDENCE_MAX_MB_PHOTO", 20) * 1024 * 1024,
    "document": envint("EVIDENCE_MAX_MB_DOCUMENT", 50) * 1024 * 1024,
    "audio": envint("EVIDENCE_MAX_MB_AUDIO", 200) * 1024 * 1024,
    "video": envint("EVIDENCE_MAX_MB_VIDEO", 1024) * 1024 * 1024,
}
# Where the files live: "filesystem" (under MEDIA_ROOT) or "s3" (any S3-compatible store:
# `pip install '.[s3]'`; boto3 reads AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY itself). Either
# way the files are only ever served through the download view, which checks their SHA-256.
EVIDENCE_STORAGE = os.getenv("EVIDENCE_STORAGE", "filesystem").strip().lower()
if EVIDENCE_STORAGE == "filesystem":
    STORAGES["evidence"] = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
elif EVIDENCE_STORAGE == "s3":
    if not os.getenv("EVIDENCE_S3_BUCKET"):
        raise ImproperlyConfigured("EVIDENCE_S3_BUCKET must be set when EVIDENCE_STORAGE=s3")
    STORAGES["evidence"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["EVIDENCE_S3_BUCKET"],
            "endpoint_url": os.getenv("EVIDENCE_S3_ENDPOINT_URL") or None,
            "region_name": os.getenv("EVIDENCE_S3_REGION") or None,
            "location": os.getenv("EVIDENCE_S3_PREFIX", ""),
            # No ACL of our own: the bucket stays private, as its policy says.
            "default_acl": None,
            "file_overwrite": False,
            # A download is checked through a temporary file: on disk past 8 MB, not in memory.
            "max_memory_size": 8 * 1024 * 1024,
        },
    }
else:
    raise ImproperlyConfigured(
        f"EVIDENCE_STORAGE must be 'filesystem' or 's3', got {EVIDENCE_STORAGE!r}"
    )

# --- API --------------------------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "knox.auth.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # DRF's parsers, refusing a NUL anywhere in the data (PostgreSQL cannot hold one).
    "DEFAULT_PARSER_CLASSES": [
        "backend.api.parsers.JSONParser",
        "backend.api.parsers.FormParser",
        "backend.api.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "backend.api.pagination.PagePagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "backend.api.errors.exception_handler",
    # How many proxies in front of the server append to X-Forwarded-For; 0 trusts REMOTE_ADDR
    # alone, so that a client cannot escape the public API's rate limit by sending the header.
    "NUM_PROXIES": envint("NUM_PROXIES", 0),
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "双随机、一公开 监管平台 API",
    "DESCRIPTION": "计划、抽取、检查与公示的接口。错误统一为 {code, message, fields}。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Served from our own static files: government intranets have no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Choice sets that share a field name with another app's get a name of their own.
    "ENUM_NAME_OVERRIDES": {
        "ItemCategoryEnum": "inspections.directory.models.ItemCategory",
        "ItemVersionStatusEnum": "inspections.directory.models.VersionStatus",
        "FirmStatusEnum": "inspections.directory.models.FirmStatus",
        "OfficerStatusEnum": "personnel.models.OfficerStatus",
        "CertificateStatusEnum": "personnel.models.CertificateStatus",
        "PlanStatusEnum": "inspections.planning.models.PlanStatus",
        "TaskStatusEnum": "inspections.planning.models.TaskStatus",
        "ParticipationStatusEnum": "inspections.planning.models.ParticipationStatus",
        "EvidenceKindEnum": "fieldwork.models.EvidenceKind",
        "PublicationKindEnum": ["original", "correction", "withdrawal"],
        "PublishedPlanStatusEnum": ["published", "superseded"],
        "DrawStatusEnum": ["announced", "performed", "abandoned"],
        "CertificateKindEnum": "personnel.models.CertificateKind",
    },
}

# --- Cache, public portal and open data -------------------------------------------------------

# Redis when REDIS_URL is set (`pip install '.[redis]'`); otherwise memory, which is per
# process: each WSGI worker then keeps its own rate-limit counts and cached counts.
REDIS_URL = os.getenv("REDIS_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
# Cache-Control: public, max-age=… on the portal's pages and the open-data API.
PUBLIC_CACHE_SECONDS = envint("PUBLIC_CACHE_SECONDS", 300)
# Requests per client address to the open-data list endpoints and the public list and search
# pages, counted together (DRF rate syntax; disclosure.pages.public_list_page).
PUBLIC_API_RATE = os.getenv("PUBLIC_API_RATE", "60/min")
# The address at which a firm's phone reaches the portal (e.g. https://jg.example.gov.cn), put in
# the inspection codes' QR images; empty: the address of the page that shows the code.
PUBLIC_BASE_URL = os.getenv("PUBLIC_BASE_URL", "").rstrip("/")
# The footer of every public page: who runs the portal, how to reach them, and the site's ICP
# filing (备案) number, which a government site must display. Each line is left out while unset.
PORTAL_HOST_ORGANISATION = os.getenv("PORTAL_HOST_ORGANISATION", "").strip()
PORTAL_CONTACT = os.getenv("PORTAL_CONTACT", "").strip()
PORTAL_ICP_NUMBER = os.getenv("PORTAL_ICP_NUMBER", "").strip()
# The number a firm calls about an inspection without a valid code (the supervisor's published
# line; 12345 is the national 政务服务便民热线), shown on the public verification page.
SUPERVISION_PHONE = os.getenv("SUPERVISION_PHONE", "12345")
# 投诉: the working days the inspecting department has to answer a complaint the supervisor
# opens on a firm's rating (ratings.services.open_complaint).
COMPLAINT_ANSWER_WORKING_DAYS = envint("COMPLAINT_ANSWER_WORKING_DAYS", 10)
if COMPLAINT_ANSWER_WORKING_DAYS < 1:
    raise ImproperlyConfigured("COMPLAINT_ANSWER_WORKING_DAYS must be at least 1")
# 行政执法监督 (supervision/alerts.py): two inspections of one firm by different bodies whose
# windows start at most this many days apart are a 多头 warning; a 监督意见 is due after this many
# working days unless the supervisor sets another figure.
SUPERVISION_MULTIPLE_BODIES_DAYS = envint("SUPERVISION_MULTIPLE_BODIES_DAYS", 30)
if SUPERVISION_MULTIPLE_BODIES_DAYS < 0:
    raise ImproperlyConfigured("SUPERVISION_MULTIPLE_BODIES_DAYS must not be negative")
# 执法主体 (backend/organisation/bodies.py): on, a task may be opened or announced only by
# departments registered as inspection bodies (confirmed and announced). Off by default, so that an
# installation that upgrades keeps inspecting while its administrators register the departments;
# an unregistered department is still shown as 未登记 everywhere (docs/rules-2025.md).
REQUIRE_REGISTERED_BODIES = envbool("REQUIRE_REGISTERED_BODIES", "false")
SUPERVISION_OPINION_WORKING_DAYS = envint("SUPERVISION_OPINION_WORKING_DAYS", 10)
if SUPERVISION_OPINION_WORKING_DAYS < 1:
    raise ImproperlyConfigured("SUPERVISION_OPINION_WORKING_DAYS must be at least 1")

# --- Background jobs (Celery) -----------------------------------------------------------------

# Draws, imports and the nightly verification run as Celery tasks on worker processes when a
# broker is set (redis://127.0.0.1:6379/0; docs/operations.md). Empty: no broker, the embedded
# default of `make run` and of the tests, where the same task functions run in a thread of the
# web process (backend/jobs/dispatch.py).
CELERY_BROKER_URL = os.getenv("CELERY_BROKER_URL", "")
# The queue this installation's jobs go to (two installations, or the tests, may share a Redis).
CELERY_TASK_DEFAULT_QUEUE = os.getenv("CELERY_QUEUE", "shuangsui")
# A message is acknowledged only once its task has ended, and put back on the queue if the
# worker process running it dies: a job is never lost, and every task is idempotent (a finished
# job is not run again; a lease keeps two workers off one job).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Outcomes are the job rows themselves; no result backend.
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# The modules that define tasks, for the worker (they register themselves on import).
CELERY_IMPORTS = [
    "backend.jobs.tasks",
    "backend.imports.runner",
    "inspections.draws.draw_jobs",
    "reminders.tasks",
    "inspections.directory.exports",
    "backend.audit.exports",
    "disclosure.yearly",
]
# Seconds a job of each kind may run before its worker process is stopped; the job is then
# marked failed by the stale-job sweep (backend/jobs/sweep.py), with nothing recorded.
JOB_TIME_LIMITS = {
    "draw": envint("JOB_TIME_LIMIT_DRAW", 60 * 60),
    "import": envint("JOB_TIME_LIMIT_IMPORT", 2 * 60 * 60),
    "nightly": envint("JOB_TIME_LIMIT_NIGHTLY", 4 * 60 * 60),
    "sweep": envint("JOB_TIME_LIMIT_SWEEP", 5 * 60),
    "reminders": envint("JOB_TIME_LIMIT_REMINDERS", 30 * 60),
    # A large staff export (the directory, the audit trail), a year's result file, a year's
    # statistics (backend/jobs/work.py).
    "export": envint("JOB_TIME_LIMIT_EXPORT", 60 * 60),
    "results_file": envint("JOB_TIME_LIMIT_RESULTS_FILE", 60 * 60),
    "statistics": envint("JOB_TIME_LIMIT_STATISTICS", 60 * 60),
    "annual": envint("JOB_TIME_LIMIT_ANNUAL", 30 * 60),
}
# A staff export of more rows than this is made by a background job (with its progress on
# 我的导出, /jobs/mine/, and a download link when done); smaller ones are answered at once.
EXPORT_INLINE_MAX_ROWS = envint("EXPORT_INLINE_MAX_ROWS", 100_000)
if EXPORT_INLINE_MAX_ROWS < 1:
    raise ImproperlyConfigured("EXPORT_INLINE_MAX_ROWS must be at least 1")
# The public is told to come back after this many seconds when a year's result file is
# still being built (503 with Retry-After).
RESULTS_FILE_RETRY_AFTER = envint("RESULTS_FILE_RETRY_AFTER", 60)
# How many times a job is started in all when its worker process dies part-way (a kill, a
# deploy, the machine's memory): then it is marked failed rather than tried forever.
JOB_MAX_ATTEMPTS = envint("JOB_MAX_ATTEMPTS", 2)
if JOB_MAX_ATTEMPTS < 1:
    raise ImproperlyConfigured("JOB_MAX_ATTEMPTS must be at least 1")
# Redis gives an unacknowledged message to another worker after this long (the worker that had
# it is gone): longer than any job may run, so no running job is handed out twice.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": max(JOB_TIME_LIMITS.values()) + 600}
# Celery beat (`celery -A backend beat`): the nightly verification, the daily reminders
# (reminders/daily.py) and the sweep that marks jobs whose worker died as failed. Times are
# local (CELERY_TIMEZONE).
CELERY_BEAT_SCHEDULE = {
    "daily-reminders": {
        "task": "reminders.send_daily",
        "schedule": crontab(hour=7, minute=0),
    },
    "nightly-verification": {
        "task": "backend.jobs.verify_nightly",
        "schedule": crontab(hour=2, minute=30),
    },
    "sweep-stale-jobs": {
        "task": "backend.jobs.sweep_stale_jobs",
        "schedule": timedelta(minutes=5),
    },
    # Last year's statistics and result file, built once the year is over (disclosure/yearly.py)
    # ...
    "annual-statistics-build": {
        "task": "disclosure.build_last_year",
        "schedule": crontab(month_of_year=1, day_of_month=1, hour=0, minute=30),
    },
    # ... and checked against the data before they are due (31 January); the administrators
    # are told of any problem. Run daily through January so a problem found is found early.
    "annual-statistics-check": {
        "task": "disclosure.check_last_year",
        "schedule": crontab(month_of_year=1, day_of_month="2-31", hour=6, minute=0),
    },
}

# --- Keys (商用密码): files or the environment, never the database ------------------------------

# docs/checkpoints-and-encryption.md says what each key is for, and how to rotate it. With DEBUG
# on, missing key files are generated under KEYS_DIR on first use (the embedded default).
KEYS_DIR = Path(os.getenv("KEYS_DIR", VAR_DIR / "keys"))
# SM4 encryption and the SM3 blind index of personal numbers: "id:64 hex digits", the current
# key first, the keys being rotated away after it; or the file (one "id hex" line each).
FIELD_ENCRYPTION_KEYS = os.getenv("FIELD_ENCRYPTION_KEYS", "").strip()
FIELD_ENCRYPTION_KEYS_FILE = Path(
    os.getenv("FIELD_ENCRYPTION_KEYS_FILE", KEYS_DIR / "field-encryption.keys")
)
# The key that signs the chains' checkpoints: "sm2:<64 hex>" (the default algorithm) or
# "ed25519:<64 hex>", or the file holding it; CHECKPOINT_SIGNER names another signer (a
# hardware one) instead of a key file.
CHECKPOINT_ALGORITHM = os.getenv("CHECKPOINT_ALGORITHM", "SM2").strip()
if CHECKPOINT_ALGORITHM.lower() not in ("sm2", "ed25519"):
    raise ImproperlyConfigured(
        f"CHECKPOINT_ALGORITHM must be SM2 or Ed25519, got {CHECKPOINT_ALGORITHM!r}"
    )
CHECKPOINT_ALGORITHM = {"sm2": "SM2", "ed25519": "Ed25519"}[CHECKPOINT_ALGORITHM.lower()]
CHECKPOINT_SIGNING_KEY = os.getenv("CHECKPOINT_SIGNING_KEY", "").strip()
CHECKPOINT_SIGNING_KEY_FILE = Path(
    os.getenv("CHECKPOINT_SIGNING_KEY_FILE", KEYS_DIR / "checkpoint-signing.key")
)
CHECKPOINT_SIGNER = os.getenv("CHECKPOINT_SIGNER", "backend.checkpoints.signing.KeySigner")
# The name a checkpoint is issued under, and where every checkpoint is also written as a file:
# keep that directory off the database's machine (or copy it away), so that a database restored
# from an older backup is recognised as rolled back.
CHECKPOINT_ISSUER = os.getenv("CHECKPOINT_ISSUER", "双随机、一公开 监管平台")
CHECKPOINT_EXPORT_DIR = Path(os.getenv("CHECKPOINT_EXPORT_DIR", VAR_DIR / "checkpoints"))
if not DEBUG:
    if not FIELD_ENCRYPTION_KEYS and not FIELD_ENCRYPTION_KEYS_FILE.exists():
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS (or the file FIELD_ENCRYPTION_KEYS_FILE) must be set when "
            "DEBUG is off: personal numbers are stored encrypted with it"
        )
    if (
        CHECKPOINT_SIGNER == "backend.checkpoints.signing.KeySigner"
        and not CHECKPOINT_SIGNING_KEY
        and not CHECKPOINT_SIGNING_KEY_FILE.exists()
    ):
        raise ImproperlyConfigured(
            "CHECKPOINT_SIGNING_KEY (or the file CHECKPOINT_SIGNING_KEY_FILE) must be set when "
            "DEBUG is off: the chains' checkpoints are signed with it"
        )

# --- Logging ----------------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.getenv("LOG_LEVEL", "WARNING")},
}
