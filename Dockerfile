# syntax=docker/dockerfile:1
#
# ytarchive: one image for every process (web, control worker, beat, flower,
# download workers, migrations). The default CMD runs the web server; the Helm
# chart / compose file choose the process with `args`.
#
#   docker build -t ytarchive:0.1.0 .
#   docker run --rm -p 8000:8000 -e DJANGO_SECRET_KEY=... ytarchive:0.1.0
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=config.settings \
    DATA_DIR=/data \
    ARCHIVE_ROOT=/archive \
    PORT=8000

# ffmpeg: yt-dlp merges/remuxes with it. tini: PID 1 that forwards signals and
# reaps the ffmpeg/yt-dlp grandchildren.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg tini \
 && rm -rf /var/lib/apt/lists/*

# Non-root runtime user (uid/gid 1000; the Helm chart runs as the same ids).
RUN groupadd --gid 1000 app \
 && useradd --uid 1000 --gid 1000 --home-dir /home/app --create-home --shell /usr/sbin/nologin app \
 && mkdir -p /data /archive \
 && chown app:app /data /archive

WORKDIR /app

# Dependencies first so code edits do not invalidate this layer.
COPY requirements/base.txt requirements/base.txt
RUN pip install -r requirements/base.txt

# Application code (see .dockerignore). Owned by root: read-only for the app user.
COPY . .

# Static files are baked into the image (served by whitenoise). The secret key
# here exists only for this RUN line and is never part of the image's env.
RUN DJANGO_SECRET_KEY=build-only-collectstatic DATA_DIR=/tmp \
    python manage.py collectstatic --noinput

USER 1000:1000

EXPOSE 8000

# Liveness of the web process (GET /health, no auth). Worker containers built
# from this image should disable it (compose: `healthcheck: {disable: true}`);
# Kubernetes ignores it and uses the chart's probes.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://localhost:%s/health' % os.environ.get('PORT', '8000'), timeout=4)"]

ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["sh", "-c", "exec gunicorn config.wsgi --bind 0.0.0.0:${PORT:-8000}"]
