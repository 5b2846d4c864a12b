# ytarchive: `make run` starts the whole app, `make test` runs every test.
# Both install what is missing first: a virtualenv from requirements/, and
# Debian's redis-server and ffmpeg (and Chromium for browser tests) when absent.
PYTHON ?= python3.11
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements/base.txt requirements/test.txt pyproject.toml | md5sum | cut -c1-12)
APT_PACKAGES_RUN := redis-server ffmpeg
APT_PACKAGES_TEST := redis-server ffmpeg chromium postgresql podget newsboat
# ytdl-sub pins another yt-dlp than ours: it gets a venv of its own, for `make bench` only.
BENCH_VENV := .cache/bench-venv
BENCH_STAMP := $(BENCH_VENV)/.installed-$(shell cat requirements/bench.txt | md5sum | cut -c1-12)

# Another package install (unattended-upgrades at boot) may hold dpkg's lock: wait for it (10 min), saying so.
APT_LOCK := -o DPkg::Lock::Timeout=600
APT_WAIT := if command -v fuser >/dev/null && fuser /var/lib/dpkg/lock-frontend /var/lib/apt/lists/lock >/dev/null 2>&1; then \
	  echo "another package install holds dpkg's lock (unattended-upgrades?): waiting for it, up to 10 minutes"; fi

POSTGRES_TESTS := tests/integration/test_archive_channel.py tests/integration/test_control_plane.py \
	tests/integration/test_download_guarantees.py tests/integration/test_history.py \
	tests/integration/test_backups.py tests/integration/test_readd_channel.py tests/unit/test_token_conversion.py \
	tests/unit/test_watching.py tests/integration/test_comments_captions.py tests/unit/test_search_index.py \
	tests/unit/test_search_api.py

.PHONY: run test lint screenshots bench chaos bench-scale system-deps system-deps-test venv clean

$(STAMP): requirements/base.txt requirements/test.txt pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) is needed"; exit 1; }
	@$(PYTHON) -c "import ensurepip" 2>/dev/null || { \
	  echo "installing python3-venv (Debian ships venv apart from Python)"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $(APT_WAIT); \
	  $$SUDO apt-get $(APT_LOCK) update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get $(APT_LOCK) install -y -qq python3-venv; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements/test.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	rm -f $(VENV)/.installed-* && touch $@

venv: $(STAMP)

$(BENCH_STAMP): requirements/bench.txt $(STAMP)
	test -x $(BENCH_VENV)/bin/python || $(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install -q --disable-pip-version-check -r requirements/bench.txt
	rm -f $(BENCH_VENV)/.installed-* && touch $@

system-deps:
	@missing=""; for p in $(APT_PACKAGES_RUN); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $(APT_WAIT); \
	  $$SUDO apt-get $(APT_LOCK) update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get $(APT_LOCK) install -y -qq --no-install-recommends $$missing; \
	fi

system-deps-test:
	@$(MAKE) --no-print-directory system-deps APT_PACKAGES_RUN="$(APT_PACKAGES_TEST)"

run: venv system-deps
	# One run per DATA_DIR, ports checked, leftovers stopped, then migrate/ensure_admin/collectstatic (config.launch).
	exec $(PY) -m config.launch --prepare

test: venv system-deps-test
	$(PY) -m ruff check .
	$(PY) -m pytest
	# The catalog's integration tests again on a real PostgreSQL server (DATABASE_URL proven, not promised):
	# syncs, outcomes, retries, leases, history and backups, where the database's own behaviour matters.
	YTARCHIVE_TEST_DATABASE=postgres $(PY) -m pytest $(POSTGRES_TESTS)

lint: venv
	$(PY) -m ruff check .

# Every page, desktop and phone, light and dark, into docs/screenshots/ (tests/browser/screenshots.py).
screenshots: venv system-deps-test
	$(PY) -m pytest tests/browser/screenshots.py -q -p no:randomly

# tests/bench/test_search_bench.py is among them: search over 10,000 videos, 1M cues, 1M comments on SQLite
# (YTARCHIVE_BENCH_SEARCH_VIDEOS/_CUES/_COMMENTS/_QUERIES scale it down).
bench: venv system-deps-test $(BENCH_STAMP)
	$(PY) -m pytest tests/bench -s -p no:cacheprovider --no-header -q -o addopts=""

# Not part of `make test`: the whole stack under random SIGKILLs for CHAOS_SECONDS (600), then an audit
# of the archive; prints chaos_* figures, exit 1 when anything was lost, duplicated, partial or stuck.
chaos: venv system-deps
	$(PY) -m tests.chaos.run_chaos

# 1,000 channels x 1,000 videos on SQLite, then on PostgreSQL: every page's p50/p99, /metrics, queueing, Redis,
# database size, web RSS, each against its goal (tests/bench/bench_scale.py; BENCH_SCALE_* env to scale it down).
bench-scale: venv system-deps-test
	$(PY) -m tests.bench.bench_scale

clean:
	rm -rf $(VENV) .cache .pytest_cache
