# syntax=docker/dockerfile:1
#
# ytarchive: one image for every process (web, control worker, beat, flower,
# download workers, migrations). The default CMD runs the web server; the Helm
# chart / compose file choose the process with `args`.
#
#   docker build -t ytarchive:0.1.0 .
#   docker run --rm -p 8000:8000 -e DJANGO_SECRET_KEY=... ytarchive:0.1.0
# Stage 1 builds the virtualenv and the static files; stage 2 holds only what runs:
# Python, ffmpeg, tini, the venv and the code (no pip cache, no build tools).
FROM python:3.11-slim-bookworm AS build

ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /venv
COPY requirements/base.txt /tmp/base.txt
RUN /venv/bin/pip install -r /tmp/base.txt

WORKDIR /app
COPY . .
# Static files are baked in (served by whitenoise). The secret key exists only for this line.
RUN DJANGO_SECRET_KEY=build-only-collectstatic DATA_DIR=/tmp STATIC_ROOT=/app/staticfiles \
    /venv/bin/python manage.py collectstatic --noinput \
 && rm -rf /app/tests /app/.ci /app/helm /app/docs

FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/venv/bin:$PATH \
    DJANGO_SETTINGS_MODULE=config.settings \
    DATA_DIR=/data \
    ARCHIVE_ROOT=/archive \
    STATIC_ROOT=/app/staticfiles \
    PORT=8000

# ffmpeg: yt-dlp merges/remuxes with it. tini: PID 1 that forwards signals and
# reaps the ffmpeg/yt-dlp grandchildren.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg tini \
 && rm -rf /var/lib/apt/lists/*

# One non-root user for every role (uid/gid 1000; the Helm chart runs as the same ids).
RUN groupadd --gid 1000 app \
 && useradd --uid 1000 --gid 1000 --home-dir /home/app --create-home --shell /usr/sbin/nologin app \
 && mkdir -p /data /archive \
 && chown app:app /data /archive

COPY --from=build /venv /venv
# Application code, owned by root: read-only for the app user.
COPY --from=build /app /app
WORKDIR /app

USER 1000:1000

EXPOSE 8000

# Liveness of the web process (GET /health, no auth). Worker containers built
# from this image should disable it (compose: `healthcheck: {disable: true}`);
# Kubernetes ignores it and uses the chart's probes.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://localhost:%s/health' % os.environ.get('PORT', '8000'), timeout=4)"]

ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["sh", "-c", "exec gunicorn config.wsgi -c python:config.gunicorn_conf --bind 0.0.0.0:${PORT:-8000}"]
