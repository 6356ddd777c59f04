"""UnionPortal settings. Everything that differs between machines comes from the environment
(see .env.example); SQLite is the embedded default, PostgreSQL comes through DATABASE_URL."""

import tempfile
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from unionportal.lib.env import envbool, envint, envlist, envstr

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = envbool("DEBUG", False)
SECRET_KEY = envstr("SECRET_KEY") or "dev-only-insecure-key-change-me-in-production"
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "import_export",
    "unionportal",
    "jobs",  # issue 22: long work off the request; stands on unionportal.lib, below every app
    "members",
    "targets",
    "organising",
    "ratings",
    "training",
    "reorganisation",
    "reports",
    "desk",
    "notices",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "unionportal.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "unionportal.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "members.context_processors.role",
                "desk.context_processors.menu",
            ],
        },
    },
]

WSGI_APPLICATION = "unionportal.wsgi.application"

DATABASES = {
    # An empty DATABASE_URL (as in .env.example) means the embedded SQLite too.
    "default": dj_database_url.parse(
        envstr("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=envint("CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one writer saves; IMMEDIATE makes two saves at once
    # queue for the write lock instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    # PostgreSQL's JIT compiles a plan when its cost estimate is high, which the reports' correlated
    # subqueries reach at national scale: 38 ms of compiling for a 60 ms query that returns nothing
    # (bench/dashboard_speed.py). The portal runs short queries only: for the same reason, no
    # parallel workers, which take longer to start than such a query takes alone (a country's
    # progress report sums 2,800 rows of the summary in 9 ms alone, 19 ms with two workers), and
    # would take the other core from the next request.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off -c max_parallel_workers_per_gather=0"

# Reads on a replica (issue 22, docs/operations.md "Đọc trên bản sao"): with DATABASE_REPLICA_URL, a
# streaming replica of the primary serves the pages that only read (unionportal/replica.py); the
# grid, uploads, every write, the admin and the commands stay on the primary. Without it, no alias.
DATABASE_REPLICA_URL = envstr("DATABASE_REPLICA_URL")
if DATABASE_REPLICA_URL:
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        raise ImproperlyConfigured(
            "DATABASE_REPLICA_URL là bản sao của một PostgreSQL: đặt DATABASE_URL là PostgreSQL chính, "
            "hoặc bỏ DATABASE_REPLICA_URL."
        )
    DATABASES["replica"] = dj_database_url.parse(DATABASE_REPLICA_URL, conn_max_age=envint("CONN_MAX_AGE", 0))
    DATABASES["replica"].update(
        # A replica whose host does not answer costs a page REPLICA_CONNECT_TIMEOUT seconds, then the primary.
        OPTIONS={**DATABASES["default"]["OPTIONS"], "connect_timeout": envint("REPLICA_CONNECT_TIMEOUT", 2)},
        CONN_HEALTH_CHECKS=True,
        # In the tests Django points the alias at the test database, on the replica's host and port.
        TEST={"MIRROR": "default"},
    )
DATABASE_ROUTERS = ["unionportal.replica.ReplicaRouter"]
MIDDLEWARE.append("unionportal.replica.ReplicaReadsMiddleware")
# false: keep the alias but read everything on the primary (while the replica is rebuilt, say).
REPLICA_READS = envbool("REPLICA_READS", True)
# After a person writes, their own pages read the primary this long ("what I saved is what I see").
REPLICA_STICKY_SECONDS = envint("REPLICA_STICKY_SECONDS", 10)
# A replica further behind than this is not read; its health is checked at most this often.
REPLICA_MAX_LAG_SECONDS = envint("REPLICA_MAX_LAG_SECONDS", 30)
REPLICA_CHECK_SECONDS = envint("REPLICA_CHECK_SECONDS", 5)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Vietnamese first; English through the language switch in the navbar.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
# Django's vi formats leave NUMBER_GROUPING unset: ours set it, so 30018 shows as 30.018.
FORMAT_MODULE_PATH = ["unionportal.formats"]
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(envstr("STATIC_ROOT") or BASE_DIR / "staticfiles")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# The entry grid posts a dozen fields per CĐCS: a 2,000-CĐCS federation sends 26,000.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 40_000

# Monthly returns are due on this day of the following month (the submission board counts
# a return submitted after it as late).
RETURN_DUE_DAY = envint("RETURN_DUE_DAY", 10)
# The entry grid warns when a CĐCS's admitted or lost is more than this many times its own
# largest monthly figure of the last twelve months.
GRID_JUMP_FACTOR = envint("GRID_JUMP_FACTOR", 3)
# A federation with more CĐCS than this enters its month a page of this many rows at a time
# (members.figures.grid_paging): a browser lays out a few hundred rows of inputs at once, not thousands.
GRID_PAGE_SIZE = envint("GRID_PAGE_SIZE", 300)
# A CĐCS whose term ends within this many months is listed as due for its congress (cần kiện toàn).
OFFICERS_CONGRESS_DUE_MONTHS = envint("OFFICERS_CONGRESS_DUE_MONTHS", 3)

# The meeting brief's signature block and "Nơi nhận" as its form first shows them (whoever
# prepares a brief may change them there). Empty: "TRƯỞNG BAN", no name (written by hand), and
# the usual recipients; BRIEF_RECIPIENTS lists them separated by "|".
BRIEF_SIGNER_TITLE = envstr("BRIEF_SIGNER_TITLE")
BRIEF_SIGNER_NAME = envstr("BRIEF_SIGNER_NAME")
BRIEF_RECIPIENTS = [line.strip() for line in envstr("BRIEF_RECIPIENTS").split("|") if line.strip()]

# Notices (notices/): what happens to a user's federation reaches them in the portal (the bell) and
# by e-mail through this SMTP server. No EMAIL_HOST: notices stay in the portal only. A send that
# fails (server down, timeout) never fails the action that caused it: the e-mail stays unsent and
# `manage.py send_reminders` (hourly, from cron) tries it again.
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = envstr("EMAIL_HOST")
EMAIL_PORT = envint("EMAIL_PORT", 587)
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = envstr("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = envbool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL") or "UnionPortal <noreply@localhost>"
# The portal's address as people open it, for the links in e-mails.
SITE_URL = (envstr("SITE_URL") or "http://127.0.0.1:8000").rstrip("/")
# send_reminders: a federation that has not sent its month hears of it this many days before the
# due day (and once more the day after it); followers hear of a meeting this many days before.
REMINDER_DAYS_BEFORE = envint("REMINDER_DAYS_BEFORE", 3)
MEETING_REMINDER_DAYS = envint("MEETING_REMINDER_DAYS", 3)

# The member register (members.register.lookups): how many times a day a user may be answered that
# an ID number they typed or uploaded belongs to a member of a unit they may not read; past it their
# look-ups are refused until the next day (the provincial office can help). Audited either way.
REGISTER_LOOKUP_LIMIT = envint("REGISTER_LOOKUP_LIMIT", 20)

# Excel uploads (members.sheets): refused above this size or number of rows, and, before any
# parser opens them, when the archive inside looks like a zip bomb.
UPLOAD_MAX_BYTES = envint("UPLOAD_MAX_MB", 5) * 1024 * 1024
UPLOAD_MAX_ROWS = envint("UPLOAD_MAX_ROWS", 10_000)
UPLOAD_MAX_ZIP_ENTRIES = 200
UPLOAD_MAX_RATIO = 200  # uncompressed ÷ compressed size of any entry above 1 MB
# How far a sheet may reach, counted from A1 over the cells and rows the file holds (not what its
# <dimension> claims): a reader builds a dense range over it, python-calamine 32 bytes a cell, so
# A1 and XFD1048576 alone would ask for 512 GB. Room for UPLOAD_MAX_ROWS lines twice over (blank
# lines, notes below the table), 256 columns (IV, the last of Excel 2003), and a million cells for
# all the sheets of a file together: at most 32 MB of range whatever the file.
UPLOAD_MAX_SHEET_ROWS = envint("UPLOAD_MAX_SHEET_ROWS", 2 * UPLOAD_MAX_ROWS)
UPLOAD_MAX_SHEET_COLUMNS = envint("UPLOAD_MAX_SHEET_COLUMNS", 256)
UPLOAD_MAX_CELLS = envint("UPLOAD_MAX_CELLS", 50 * UPLOAD_MAX_SHEET_ROWS)
# What a file may unzip to: 64 bytes for each of those cells (a styled cell holding a number or a
# shared string takes under 45 in the XML; a 10,000-line member list unzips to 4 MB). Its text is
# held about three times over while python-calamine reads it (XML, Rust, Python): with 64 MB,
# about 200 MB at most (the former 200 MB let a 1.25 MB file of one long cell take 570 MB).
UPLOAD_MAX_UNZIPPED_BYTES = 64 * UPLOAD_MAX_CELLS
# Uploads are kept in memory only, never in a temporary file (whose name could come from the
# user); a file above the cap is dropped by the handler and the form says it is too large.
FILE_UPLOAD_HANDLERS = ["django.core.files.uploadhandler.MemoryFileUploadHandler"]
FILE_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES + 64 * 1024

LOG_LEVEL = envstr("LOG_LEVEL") or "INFO"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"personal_data": {"()": "unionportal.logfilters.RedactPersonalData"}},
    "formatters": {
        "django.server": {"()": "django.utils.log.ServerFormatter", "format": "[{server_time}] {message}", "style": "{"}
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["personal_data"]},
        # runserver's request lines, which Django's own logging prints unfiltered
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server", "filters": ["personal_data"]},
    },
    "loggers": {"django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
}

# Production (issue 9): database faults (H3). A persistent connection (CONN_MAX_AGE > 0) is checked
# before a request reuses it, so a PostgreSQL restart costs the requests made while it is down
# (503, templates/503.html) and nothing after: no app server restart needed.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
MIDDLEWARE.append("unionportal.middleware.DatabaseUnavailableMiddleware")

# Production (issue 9): security (H2). Served over HTTP on localhost for `make run` and the tests;
# a deployment behind TLS sets HTTPS=true, which makes the cookies secure, redirects HTTP to HTTPS
# and sends HSTS (what `check --deploy` asks for).
HTTPS = envbool("HTTPS", False)
# Proxies of our own in front of the app server (nginx, a load balancer): each appends to
# X-Forwarded-For. 0 (the default): the header is ignored, so that a client cannot choose its
# address for login throttling; the scheme comes from X-Forwarded-Proto only behind a proxy too.
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT > 0:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SECURE_SSL_REDIRECT = HTTPS
SECURE_REDIRECT_EXEMPT = [r"^health/$"]  # the load balancer probes the app server over plain HTTP
SECURE_HSTS_SECONDS = envint("HSTS_SECONDS", 31_536_000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = envbool("HSTS_PRELOAD", True)
# A working day: signed in at 8:00, still signed in at 17:00, and not on a shared computer the
# next morning (the cookie also ends with the browser).
SESSION_COOKIE_AGE = envint("SESSION_HOURS", 10) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = envbool("SESSION_EXPIRE_AT_BROWSER_CLOSE", True)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True  # no script of ours reads it; forms carry the token
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Passwords set through Django (admin, changepassword) have at least 10 characters.
for _validator in AUTH_PASSWORD_VALIDATORS:
    if _validator["NAME"].endswith(".MinimumLengthValidator"):
        _validator["OPTIONS"] = {"min_length": envint("PASSWORD_MIN_LENGTH", 10)}

# Login throttling (django-axes): after LOGIN_FAILURE_LIMIT wrong passwords for one username from
# one address, that pair is refused for LOGIN_COOLOFF_MINUTES, even with the right password; other
# people, and the same person elsewhere, keep signing in. A success clears the count.
INSTALLED_APPS += ["axes", "csp"]
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=envint("LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # no banner in every manage.py command; lockouts are still logged
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_CLIENT_IP_CALLABLE = "unionportal.lib.client_ip.client_ip"

# Content Security Policy (django-csp): scripts, styles and images from our own static files only
# (no inline script or style attribute anywhere in templates/; Chart.js draws on a canvas).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
MIDDLEWARE += ["csp.middleware.CSPMiddleware", "axes.middleware.AxesMiddleware"]

# Production (issue 9): deployment (H1). `make serve` runs gunicorn (gunicorn.conf.py), which sets
# SERVE_STATIC=true: the app server then serves /static/ itself through whitenoise, from the
# files `collectstatic` wrote to STATIC_ROOT with content hashes in their names and gzip/brotli
# copies (cached for a year by browsers and proxies). Left off for `make run` and the tests, which
# serve static files from static/ through Django and need no collectstatic.
SERVE_STATIC = envbool("SERVE_STATIC", False)
if SERVE_STATIC:
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
        "whitenoise.middleware.WhiteNoiseMiddleware",
    )
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
# App servers keep no state of their own, so that several can run behind a load balancer:
# sessions are rows of django_session (the database backend, Django's default), uploaded files
# are kept in members.Upload.content (FILE_UPLOAD_HANDLERS above never writes a temporary file),
# and nothing is written under BASE_DIR at run time. unionportal/tests/test_production_settings.py
# holds these to it.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# --- Jobs (issue 22): long work off the request, with a progress bar (jobs/, docs/operations.md
# "Việc chạy nền"). With CELERY_BROKER_URL (Redis: redis://127.0.0.1:6379/0) a job is queued and a
# Celery worker runs it (`make worker`, `celery -A unionportal worker`); without it, the request
# that starts a job runs it itself, so that `make run` stays one command.
CELERY_BROKER_URL = envstr("CELERY_BROKER_URL")
CELERY_TASK_DEFAULT_QUEUE = envstr("CELERY_QUEUE") or "unionportal"
# A message is acknowledged once its job has ended and put back if the worker's process dies under
# it; one job at a time per worker process, so that a queued job never waits behind a long one that
# a busy process prefetched.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True  # a job's outcome is its row (jobs.Job), not a result backend
CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # LOGGING above, with its personal-data filter, stays in charge
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5}
# Redis hands an unacknowledged message to another worker after this long: longer than any job
# runs. (A job delivered twice is harmless: the second finds it running or done.)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": envint("JOBS_VISIBILITY_SECONDS", 6 * 3600)}
# A job's progress and heartbeat are written to the cache while its work's transaction is open:
# Redis when a worker runs (every process sees it), this process's memory otherwise.
CACHE_URL = envstr("CACHE_URL") or CELERY_BROKER_URL
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": envstr("CACHE_KEY_PREFIX") or "unionportal",  # two portals on one Redis: two prefixes
        }
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "unionportal"}
    )
}
# How often a running job says it is alive, and after how long without a word it counts as
# interrupted (its page then offers to run it again).
JOBS_HEARTBEAT_SECONDS = envint("JOBS_HEARTBEAT_SECONDS", 5)
JOBS_STALE_SECONDS = envint("JOBS_STALE_SECONDS", 60)
# A job interrupted this many times is not taken over again by the worker (a file that makes the
# worker run out of memory would otherwise kill it for ever); its owner may still run it again.
JOBS_MAX_ATTEMPTS = envint("JOBS_MAX_ATTEMPTS", 3)
# A month sheet reaching beyond this many rows is read, and its confirmation imported, as a job
# (members.figures.sheet_jobs): smaller ones stay in the request, as before.
JOBS_INLINE_ROWS = envint("JOBS_INLINE_ROWS", 2_000)
# Where the administrators' backup page writes its files (unionportal.backup_jobs): a directory the
# worker writes and the app servers read (one machine, or a shared mount), outside the project.
# Empty: the page says so and makes none (`manage.py backup FILE` works regardless).
BACKUP_DIR = envstr("BACKUP_DIR")
# --- end of jobs

# --- The register's province-wide export (issue 22, members/register/register_export.py): a job
# writes it into EXPORT_DIR (the directory 0700, each file 0600 under a name nobody can guess);
# only the one who asked downloads it, from the job's page, for EXPORT_KEEP_HOURS; then it is
# deleted (on the next export, a download that comes too late, and `manage.py exports_purge`
# hourly from cron). The worker and the app servers must see the same directory: one machine, or
# a mount they share.
EXPORT_DIR = Path(envstr("EXPORT_DIR") or Path(tempfile.gettempdir()) / "unionportal-exports")
EXPORT_KEEP_HOURS = envint("EXPORT_KEEP_HOURS", 24)
