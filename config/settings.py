"""Settings, 12-factor: every knob comes from the environment (see README.md).

Bad values fail at start-up with the variable's name (config.env), never later
in a request. Download workers load these settings too but never open the
database: nothing in their code path issues a query.
"""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from archiver import task_names, tree
from archiver.limits import MIN_SYNC_INTERVAL_HOURS
from archiver.private_files import narrow
from archiver.ytdlp import versions as ytdlp_versions
from config import lanes, podcast_env, signin_env, web_server
from config.env import (
    env,
    env_address_policy,
    env_apprise_urls,
    env_bool,
    env_cache_dir,
    env_choice,
    env_egress,
    env_float,
    env_http_url,
    env_impersonate,
    env_int,
    env_library_root,
    env_list,
    env_mode,
    env_networks,
    env_profile,
    env_rate,
    env_resource_tiers,
    env_secret,
    env_site_rates,
    env_str,
    pacing_default,
    persistent_secret,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DATA_DIR = Path(env_str("DATA_DIR", str(BASE_DIR / ".data"))).resolve()
ARCHIVE_ROOT = Path(env_str("ARCHIVE_ROOT", str(BASE_DIR / "archive"))).resolve()

SECRET_KEY = persistent_secret("DJANGO_SECRET_KEY", DATA_DIR)
# Secrets at rest (archiver.private_files): DATA_DIR is ours alone in every process that has one (make run, the
# chart's pods, a plain manage.py), whatever made it; a mount point owned by another account is left as it is.
narrow(DATA_DIR, 0o700)
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
# Security headers on every response (SecurityMiddleware, XFrameOptionsMiddleware, front_app.http.csp): no framing,
# no sniffing, no Referer to other sites; HSTS only on a response served over HTTPS (README, "Security").
SECURE_HSTS_SECONDS = env_int("YTARCHIVE_HSTS_SECONDS", 31_536_000, minimum=0)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "django_prometheus",
    "channels_app",
    "downloads_app",
    "tokens_app",
    "library_app",
    "text_app",
    "search_app",
    "front_app",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "front_app.http.url_limit.UrlLimitMiddleware",
    "front_app.http.body_limit.BodyLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "front_app.signin.forward_auth.ForwardAuthMiddleware",  # YTARCHIVE_REMOTE_USER_HEADER (a no-op when unset)
    "django.contrib.messages.middleware.MessageMiddleware",
    "front_app.http.outage.RedisOutageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "front_app.http.csp.ContentSecurityPolicyMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "config.urls"
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/login/"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "front_app.pages.context.permissions",  # can_edit, can_manage_people (tokens_app.roles)
            ],
            "builtins": ["front_app.templatetags.sizes"],  # |binary_size: KiB/MiB/GiB, as the CLI writes
        },
    },
]

# SQLite by default (one writer host: the web and control processes), PostgreSQL
# through DATABASE_URL. SQLite runs in WAL mode with a busy timeout and
# IMMEDIATE transactions so a read-then-write transaction waits for the lock
# instead of failing at once with "database is locked".
#
# A download worker (YTARCHIVE_ROLE=download) has no database at all: Django's
# dummy backend, on which any query fails loudly. Workers take everything
# from their task message and report through the control queue, so they hold
# no database credentials and SQLite stays correct with any number of them.
ROLE = env_choice("YTARCHIVE_ROLE", "all", ("all", "download"))
_default_db = f"sqlite:///{DATA_DIR / 'ytarchive.sqlite3'}"
if ROLE == "download":
    DATABASES = {"default": {"ENGINE": "django.db.backends.dummy"}}
else:
    DATABASES = {"default": env.db_url("DATABASE_URL", default=_default_db)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The web server's threads (config.web_server: gthread workers); media transfers take at most
# WEB_STREAM_SLOTS of a worker's threads at once, the rest answer /health, the API and the pages.
WEB_THREADS = web_server.threads()
WEB_TIMEOUT = web_server.timeout()
WEB_STREAM_SLOTS = web_server.stream_slots(WEB_THREADS)

# Sign-in: a password, OpenID Connect (front_app.signin.oidc; on when YTARCHIVE_OIDC_CLIENT_ID is set) and a
# trusted proxy's header (front_app.signin.forward_auth, from YTARCHIVE_TRUSTED_PROXIES only). README, "Sign-in".
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend", "front_app.signin.oidc.Backend"]
globals().update(signin_env.oidc())
YTARCHIVE_FORWARD_AUTH = signin_env.forward_auth()

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TZ", "UTC") or "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "tokens_app.auth.HashedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["front_app.http.permissions.ReadAuthenticatedWriteStaff"],
    "DEFAULT_PAGINATION_CLASS": "front_app.http.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "front_app.http.api_errors.exception_handler",
    # JSON only: one request body type per operation, so a client generated from /api/schema/ has one way to
    # send each; a form or another type gets 415 saying so. The cookies upload alone also takes multipart.
    "DEFAULT_PARSER_CLASSES": ["front_app.http.parsers.SafeJSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",  # DRF's APIClient in the tests sends what the API takes
    "DEFAULT_THROTTLE_CLASSES": ["front_app.http.throttles.WriteThrottle"],
    # Throttles identify a client by REMOTE_ADDR, or by X-Forwarded-For behind this many proxies
    # of yours; 0 (the default) ignores that header, which a client could otherwise set to anything.
    "NUM_PROXIES": env_int("YTARCHIVE_NUM_PROXIES", 0, minimum=0, maximum=10),
    "DEFAULT_THROTTLE_RATES": {
        "token": env_rate("YTARCHIVE_THROTTLE_TOKEN", "10/minute"),
        "writes": env_rate("YTARCHIVE_THROTTLE_WRITES", "120/minute"),
    },
}
# API tokens (tokens_app): knox keeps only a SHA-512 digest of each key; clients still send
# `Authorization: Token <key>`. A new token lives YTARCHIVE_TOKEN_TTL_DAYS days (0: until revoked).
TOKEN_TTL_DAYS = env_int("YTARCHIVE_TOKEN_TTL_DAYS", 90, minimum=0, maximum=36_500)
REST_KNOX = {
    "AUTH_HEADER_PREFIX": "Token",
    "TOKEN_TTL": timedelta(days=TOKEN_TTL_DAYS) if TOKEN_TTL_DAYS else None,
    "AUTO_REFRESH": False,
}
# Bodies over this get a 413 (front_app.http.body_limit), also ones sent without Content-Length.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("YTARCHIVE_MAX_REQUEST_BYTES", 2_621_440, minimum=1024)
SPECTACULAR_SETTINGS = {
    "TITLE": "ytarchive API",
    "DESCRIPTION": "Archive whole video channels: add, sync, watch progress, retry.",
    "VERSION": "0.1.0",
    # Swagger UI and ReDoc from the sidecar package's static files: nothing from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # The schema and the docs page follow /api/'s rule: a signed-in user (token or session) reads them.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # API clients generated from the schema (README "API clients"): a request component of its own per
    # serializer, so read-only fields are never asked for in a request nor write-only ones promised in an answer.
    "COMPONENT_SPLIT_REQUEST": True,
    # Stable names for the vocabularies' enums (archiver.vocabulary), whichever fields carry them.
    "ENUM_NAME_OVERRIDES": {
        "VideoStatusEnum": "front_app.api.schema_enums.video_status",
        "ShownStatusEnum": "front_app.api.schema_enums.SHOWN_STATUS",
        "JobStatusEnum": "front_app.api.schema_enums.JOB_STATUS",
        "FailureKindEnum": "front_app.api.schema_enums.failure_kind",
        "FailureReasonEnum": "front_app.api.schema_enums.FAILURE_REASON",
        "FixityStatusEnum": "front_app.api.schema_enums.fixity_status",
        "FlightStateEnum": "front_app.api.schema_enums.FLIGHT_STATE",
    },
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "front_app.api.schema_docs.add_error_responses",
                           "front_app.api.schema_clients.optional_multi_type_bodies"],
}

# The admin account `manage.py ensure_admin` keeps (never a default password; a secret may come from _FILE).
SUPERUSER = {"USERNAME": env_str("DJANGO_SUPERUSER_USERNAME", "").strip(),
             "PASSWORD": env_secret("DJANGO_SUPERUSER_PASSWORD"),
             "EMAIL": env_str("DJANGO_SUPERUSER_EMAIL", "").strip()}

# Redis: Celery broker and the live state (progress, locks, leases).
REDIS_URL = env_secret("REDIS_URL") or "redis://127.0.0.1:6379/0"

# The DRF throttles count in Redis, shared by every web worker; everything else uses a local cache.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "throttle": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
                 "KEY_PREFIX": "ytarchive-throttle"},
}

CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Each task to its lane's queue (config.lanes): syncs, outcomes, maintenance, scaling, downloads.
CELERY_TASK_DEFAULT_QUEUE = lanes.MAINTENANCE
CELERY_TASK_ROUTES = lanes.task_routes()
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Every worker (make run's, the chart's, the download Jobs) sends task events, and a sent task says so,
# so Flower shows every task, not only those it happened to switch events on for. Arguments carry no
# secret (archiver.messages; tests/integration/test_no_secrets_anywhere.py scans Flower for them).
CELERY_WORKER_SEND_TASK_EVENTS = True
CELERY_TASK_SEND_SENT_EVENT = True
# Sending a task (an outcome, a retry) waits out a short Redis restart instead of failing.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 60, "interval_start": 0.5, "interval_step": 0.5,
                                    "interval_max": 3}

# The archiver's own knobs (README.md, "Configuration").
YTARCHIVE = {
    "SCALER": env_choice("YTARCHIVE_SCALER", "local", ("local", "kubernetes", "none")),
    "WORKERS_PER_QUEUE": env_int("YTARCHIVE_WORKERS_PER_QUEUE", 50, minimum=1),
    "MAX_WORKERS": env_int("YTARCHIVE_MAX_WORKERS", 2, minimum=0, maximum=500),
    "DOWNLOADS_PER_WORKER": env_int("YTARCHIVE_DOWNLOADS_PER_WORKER", 8, minimum=1, maximum=64),
    # The feeder (downloads_app.feeder): messages in Redis per site, as a multiple of what can run there now.
    "FEED_WINDOW_FACTOR": env_float("YTARCHIVE_FEED_WINDOW_FACTOR", 3.0, minimum=1),
    "FEED_SECONDS": env_float("YTARCHIVE_FEED_SECONDS", 10.0, minimum=0.5),
    "DOWNLOADS_PER_SITE": env_int("YTARCHIVE_DOWNLOADS_PER_SITE", pacing_default("YTARCHIVE_DOWNLOADS_PER_SITE"),
                                  minimum=0, maximum=1000),
    "WORKER_IDLE_SECONDS": env_int("YTARCHIVE_WORKER_IDLE_SECONDS", 60, minimum=1),
    "SCALE_INTERVAL_SECONDS": env_float("YTARCHIVE_SCALE_INTERVAL_SECONDS", 5.0, minimum=0.2),
    "DOWNLOAD_RETRIES": env_int("YTARCHIVE_DOWNLOAD_RETRIES", 3, minimum=0, maximum=20),
    # The stats page's samples of totals over time (downloads_app.stats): how often, and how long kept.
    "STATS_SAMPLE_SECONDS": env_float("YTARCHIVE_STATS_SAMPLE_SECONDS", 900.0, minimum=1.0),
    "STATS_KEEP_DAYS": env_int("YTARCHIVE_STATS_KEEP_DAYS", 400, minimum=1),
    # Search (search_app.engine): of a query's matches of one kind, the newest this many are ranked (the count
    # stays exact); a word in every tenth line says little, and ranking all of them costs ~2 us each.
    "SEARCH_RANK_LIMIT": env_int("YTARCHIVE_SEARCH_RANK_LIMIT", 5000, minimum=4000, maximum=10_000_000),
    "RETRY_BASE_SECONDS": env_float("YTARCHIVE_RETRY_BASE_SECONDS", 300.0, minimum=0),
    "SYNC_INTERVAL_HOURS": env_float("YTARCHIVE_SYNC_INTERVAL_HOURS", 24.0, minimum=MIN_SYNC_INTERVAL_HOURS),
    "SYNC_ATTEMPTS": env_int("YTARCHIVE_SYNC_ATTEMPTS", 3, minimum=1, maximum=20),
    "ALLOW_PRIVATE_URLS": env_address_policy("YTARCHIVE_ALLOW_PRIVATE_URLS"),
    "LISTING_BATCH": env_int("YTARCHIVE_LISTING_BATCH", 500, minimum=1, maximum=10000),
    "FORMAT": env_str("YTARCHIVE_FORMAT", "bestvideo*+bestaudio/best") or "bestvideo*+bestaudio/best",
    # Every channel's options unless the channel says otherwise (archiver.channel_options), among them
    # YTARCHIVE_RATE_LIMIT and YTARCHIVE_CHANNEL_CONCURRENCY (the channel's max_concurrent).
    "PROFILE": env_profile(),
    # Where SponsorBlock segments are asked for (yt-dlp's --sponsorblock-api).
    "SPONSORBLOCK_API": env_str("YTARCHIVE_SPONSORBLOCK_API", "https://sponsor.ajay.app") or "https://sponsor.ajay.app",
    "SOCKET_TIMEOUT": env_float("YTARCHIVE_SOCKET_TIMEOUT", 30.0, minimum=1),
    "HTTP_RETRIES": env_int("YTARCHIVE_HTTP_RETRIES", 10, minimum=0),
    "LEASE_SECONDS": env_float("YTARCHIVE_LEASE_SECONDS", 60.0, minimum=0.5),
    "RECONCILE_SECONDS": env_float("YTARCHIVE_RECONCILE_SECONDS", 30.0, minimum=0.5),
    "SHUTDOWN_GRACE_SECONDS": env_float("YTARCHIVE_SHUTDOWN_GRACE_SECONDS", 20.0, minimum=1),
    # Downloads that resume (archiver.deadline, downloads_app.tasks): a worker's deadline (0: none; a
    # Job's activeDeadlineSeconds), the first guess of download seconds per second of video, the
    # hand-backs before a video is reported as a transient failure, and how long unwritten partial
    # files are kept for the next attempt.
    "WORKER_DEADLINE_SECONDS": env_float("YTARCHIVE_WORKER_DEADLINE_SECONDS", 0.0, minimum=0),
    "SECONDS_PER_VIDEO_SECOND": env_float("YTARCHIVE_SECONDS_PER_VIDEO_SECOND", 0.5, minimum=0.001),
    "MAX_HANDBACKS": env_int("YTARCHIVE_MAX_HANDBACKS", 20, minimum=1, maximum=10000),
    "PARTIAL_KEEP_HOURS": env_float("YTARCHIVE_PARTIAL_KEEP_HOURS", 72.0, minimum=0),
    "HOUSEKEEPING_SECONDS": env_float("YTARCHIVE_HOUSEKEEPING_SECONDS", 600.0, minimum=1),
    "K8S_JOB_TEMPLATE": env_str("YTARCHIVE_K8S_JOB_TEMPLATE", "/etc/ytarchive/job.yaml"),
    "K8S_NAMESPACE": env_str("YTARCHIVE_K8S_NAMESPACE", "default") or "default",
    "K8S_RESOURCE_TIERS": env_resource_tiers("YTARCHIVE_K8S_RESOURCE_TIERS"),
    "BACKUP_HOURS": env_float("YTARCHIVE_BACKUP_HOURS", 24.0, minimum=0),
    "BACKUP_KEEP": env_int("YTARCHIVE_BACKUP_KEEP", 7, minimum=1),
    "MEDIA_ACCEL_REDIRECT": env_str("YTARCHIVE_MEDIA_ACCEL_REDIRECT", ""),
    # Apprise URLs told of new videos, failures and site pauses (channels_app.notify); they hold secrets.
    "NOTIFY_URLS": env_apprise_urls("YTARCHIVE_NOTIFY_URLS"),
    "NOTIFY_SECONDS": env_float("YTARCHIVE_NOTIFY_SECONDS", 60.0, minimum=1),
    # ytarchive import: the folder (on the server) that imports may read from; nothing outside it.
    "IMPORT_ROOT": Path(env_str("YTARCHIVE_IMPORT_ROOT", str(DATA_DIR / "import"))),
    # Metadata history: how many archived videos' own pages a sync reads again (oldest reading first).
    "HISTORY_PAGES_PER_SYNC": env_int("YTARCHIVE_HISTORY_PAGES_PER_SYNC", 20, minimum=0, maximum=10000),
    # The metadata history's bounds (channels_app.history_prune, channels_app.view_series): changes older
    # than this many days are pruned daily (0: kept for ever); each video keeps this many view-count points.
    "HISTORY_RETENTION_DAYS": env_int("YTARCHIVE_HISTORY_RETENTION_DAYS", 365, minimum=0, maximum=36500),
    "VIEW_SERIES_POINTS": env_int("YTARCHIVE_VIEW_SERIES_POINTS", 32, minimum=2, maximum=1000),
    # Fixity: every archived video re-hashed once per FIXITY_DAYS (0: never), reads capped at this rate.
    "FIXITY_DAYS": env_float("YTARCHIVE_FIXITY_DAYS", 7.0, minimum=0),
    "FIXITY_BYTES_PER_SECOND": env_int("YTARCHIVE_FIXITY_BYTES_PER_SECOND", 50_000_000, minimum=0),
    # Long maintenance (a fixity round, an import) runs in slices of at most this long, each under a
    # lease, then sends itself the rest: a redelivery never runs twice, a lane is never held for an hour.
    "SLICE_SECONDS": env_float("YTARCHIVE_SLICE_SECONDS", 120.0, minimum=0.1),
    # The archive's permissions: readable by another user (a media server) unless narrowed.
    "FILE_MODE": env_mode("YTARCHIVE_FILE_MODE", 0o644),
    "DIR_MODE": env_mode("YTARCHIVE_DIR_MODE", 0o755),
    "LOGIN_ATTEMPTS": env_int("YTARCHIVE_LOGIN_ATTEMPTS", 5, minimum=1),
    # A refusal (bot check, 429, rate-limited, 403s, throttled formats) pauses that egress identity for
    # that site this long, doubling while it repeats, at most a day (archiver.egress).
    "BOTCHECK_BACKOFF_SECONDS": env_float("YTARCHIVE_BOTCHECK_BACKOFF_SECONDS", 1800.0, minimum=1),
    # Videos each egress identity may touch per period, per site (archiver.budgets); the egress pool.
    "SITE_RATES": env_site_rates("YTARCHIVE_SITE_RATES"),
    "EGRESS": env_egress("YTARCHIVE_EGRESS", "YTARCHIVE_EGRESS_PROXIES"),
    "FORBIDDEN_STREAK": env_int("YTARCHIVE_FORBIDDEN_STREAK", 3, minimum=1, maximum=100),
    # The longest a download waits in its worker for budget; longer, it waits as retrying (no attempt).
    "BUDGET_WAIT_SECONDS": env_float("YTARCHIVE_BUDGET_WAIT_SECONDS", 300.0, minimum=1),
    # /metrics: a scrape sends the token as a Bearer token, or comes from one of the networks
    # (loopback by default, none once a token is set: then the token is required).
    "METRICS_TOKEN": env_secret("YTARCHIVE_METRICS_TOKEN"),
    # What every YoutubeDL shares (archiver.ytdlp.params.Environment): a bgutil PO-token server, a browser to
    # impersonate (curl_cffi; unset: yt-dlp's own choice), and its cache on storage every worker shares.
    "POT_PROVIDER_URL": env_http_url("YTARCHIVE_POT_PROVIDER_URL"),
    "YTDLP_CACHE_DIR": env_cache_dir("YTARCHIVE_YTDLP_CACHE_DIR", tree.app_dir(ARCHIVE_ROOT, tree.YTDLP_CACHE_DIR)),
}
YTARCHIVE["IMPERSONATE"] = env_impersonate("YTARCHIVE_IMPERSONATE", YTARCHIVE["ALLOW_PRIVATE_URLS"])
YTARCHIVE["METRICS_ALLOW_NETWORKS"] = env_networks(
    "YTARCHIVE_METRICS_ALLOW_NETWORKS", "" if YTARCHIVE["METRICS_TOKEN"] else "127.0.0.1/32,::1/128")
# Podcast feeds' channel tags (config.podcast_env): language, Apple category, explicit, owner.
YTARCHIVE["PODCAST"] = podcast_env.podcast()
# yt-dlp updates (archiver.ytdlp.versions): the shared folder, the daily check's channel, the canary video.
YTARCHIVE.update({
    "YTDLP_DIR": ytdlp_versions.shared_dir(env_str("YTARCHIVE_YTDLP_DIR", ""), ARCHIVE_ROOT),
    "YTDLP_UPDATE": env_choice("YTARCHIVE_YTDLP_UPDATE", "stable", ytdlp_versions.CHANNELS),
    "YTDLP_CANARY_URL": env_http_url("YTARCHIVE_YTDLP_CANARY_URL"),
})

# Library views for media servers (issue 26, archiver.library_view): a tree of links into the archive under
# LIBRARY_ROOT/{layout}/, for the channels whose library_layout (YTARCHIVE_LIBRARY_LAYOUT, the PROFILE's) is
# not off. Unset: no views. Hard links (the same filesystem as the archive) unless symlink is asked for.
YTARCHIVE.update({
    "LIBRARY_ROOT": env_library_root("YTARCHIVE_LIBRARY_ROOT", ARCHIVE_ROOT),
    "LIBRARY_LINKS": env_choice("YTARCHIVE_LIBRARY_LINKS", "hard", ("hard", "symlink")),
})

# A message a worker took but never acknowledged (the worker died) goes back to
# the queue after one hour (Redis transport's visibility timeout). Nothing
# waits for that: dead downloads and dead syncs are found within a lease by
# the reconcilers, and no worker holds delayed retries (the control side owns
# them), so the timeout only has to outlast the longest single download.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
# Each control lane's worker slots (config.lanes; make run and the chart start one worker per lane).
YTARCHIVE["LANE_CONCURRENCY"] = {name: env_int(lane.env, lane.concurrency, minimum=1, maximum=64)
                                 for name, lane in lanes.LANES.items()}
# Playlists (channels_app.playlists, issue 26): a playlist is read up to this many entries; uploads.json is
# rewritten this many seconds after the first download outcome that brought an upload date (one rewrite per
# burst of outcomes, not one per video).
YTARCHIVE["PLAYLIST_MAX_ENTRIES"] = env_int("YTARCHIVE_PLAYLIST_MAX_ENTRIES", 5000, minimum=1, maximum=100_000)
YTARCHIVE["UPLOADS_REWRITE_SECONDS"] = env_float("YTARCHIVE_UPLOADS_REWRITE_SECONDS", 5.0, minimum=0.1)

# Every periodic task expires (``expire_seconds``: django-celery-beat's name for Celery's ``expires``)
# within its interval: a run still waiting when the next is due is dropped, never piled up behind a
# long task. (A lane stuck that long is what the lanes exist to prevent.)
CELERY_BEAT_SCHEDULE = {
    "reconcile-leases": {"task": task_names.RECONCILE_LEASES,
                         "schedule": YTARCHIVE["RECONCILE_SECONDS"]},
    "reconcile-syncs": {"task": task_names.RECONCILE_SYNCS, "schedule": YTARCHIVE["RECONCILE_SECONDS"]},
    "housekeeping": {"task": task_names.HOUSEKEEPING, "schedule": YTARCHIVE["HOUSEKEEPING_SECONDS"]},
    "reconcile-workers": {"task": task_names.RECONCILE_WORKERS, "schedule": 15.0},
    "feed-downloads": {"task": task_names.FEED_DOWNLOADS, "schedule": YTARCHIVE["FEED_SECONDS"],
                       "options": {"expire_seconds": int(max(5, YTARCHIVE["FEED_SECONDS"]))}},
    "notify": {"task": task_names.NOTIFY_ROUND, "schedule": YTARCHIVE["NOTIFY_SECONDS"]},
    # Daily; a round missed (the lane busy) is not made up: the next one prunes the same rows.
    "prune-history": {"task": task_names.PRUNE_HISTORY, "schedule": 86400.0},
    "stats-sample": {"task": task_names.TAKE_STATS_SAMPLE, "schedule": YTARCHIVE["STATS_SAMPLE_SECONDS"]},
}
if YTARCHIVE["FIXITY_DAYS"] > 0:
    CELERY_BEAT_SCHEDULE["fixity"] = {"task": task_names.FIXITY_ROUND,
                                      "schedule": 86400 / 24}  # an hour's share each hour (channels_app.fixity_checks)
if YTARCHIVE["BACKUP_HOURS"] > 0:
    CELERY_BEAT_SCHEDULE["backup-database"] = {"task": task_names.BACKUP_DATABASE,
                                               "schedule": YTARCHIVE["BACKUP_HOURS"] * 3600}
if YTARCHIVE["YTDLP_UPDATE"] != "off":  # a missed day is not made up: the next one checks
    CELERY_BEAT_SCHEDULE["ytdlp-daily-check"] = {"task": task_names.YTDLP_DAILY_CHECK, "schedule": 86400.0,
                                                 "options": {"expire_seconds": 3600}}
for _entry in CELERY_BEAT_SCHEDULE.values():  # whole seconds (the field's type): at least one
    _entry.setdefault("options", {}).setdefault("expire_seconds", max(1, int(_entry["schedule"])))

LOG_LEVEL = env_choice("LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR"))
# plain: lines for people; json: one JSON object per line (python-json-logger) for log collectors.
LOG_FORMAT = env_choice("LOG_FORMAT", "plain", ("plain", "json"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "config.log_format.json_formatter"},
    },
    "filters": {"context": {"()": "archiver.log_context.ContextFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["context"]}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
LOGGING_CONFIG = "config.log_format.configure"  # dictConfig, plus warnings and crashes as log lines in json
