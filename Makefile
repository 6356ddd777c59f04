# The two commands of the README: `make run` and `make test`. Everything else is what they use.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test migrate demo lint messages bench clean serve worker

# Settings may come from a .env file (see .env.example) as well as from the environment.
ifneq (,$(wildcard .env))
include .env
export
endif

$(STAMP): requirements.txt
	@command -v $(PYTHON) >/dev/null || { echo "Cần Python 3.11 ($(PYTHON)); đặt PYTHON=/đường/dẫn/python3.11"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $(STAMP)

migrate: $(STAMP)
	$(PY) manage.py migrate --no-input

demo: migrate
	$(PY) manage.py seed_demo

run: demo
	@echo "UnionPortal: http://$(HOST):$(PORT)/  (Ctrl+C để dừng)"
	DEBUG=$${DEBUG:-true} $(PY) manage.py runserver $(HOST):$(PORT)

# The production setup on this machine (docs/operations.md "Triển khai"): DEBUG off, PostgreSQL from
# DATABASE_URL, SECRET_KEY set; gunicorn.conf.py refuses to start otherwise and says why.
serve: $(STAMP)
	@export DEBUG=false SERVE_STATIC=true BIND=$${BIND:-$(HOST):$(PORT)}; \
	$(PY) gunicorn.conf.py && \
	$(PY) manage.py migrate --no-input && \
	$(PY) manage.py collectstatic --no-input --verbosity 0 && \
	exec $(VENV)/bin/gunicorn --config gunicorn.conf.py

# Issue 22: the Celery worker that runs long jobs (imports, rebuilds, backups) when CELERY_BROKER_URL is
# set, beside make serve (docs/operations.md "Việc chạy nền"). Without a broker the requests run them.
# One job at a time per process; on SQLite keep WORKER_CONCURRENCY=1 (one writer).
WORKER_CONCURRENCY ?= 2
worker: $(STAMP)
	@test -n "$${CELERY_BROKER_URL:-}" || { echo "Đặt CELERY_BROKER_URL (ví dụ redis://127.0.0.1:6379/0): không có nó, việc chạy ngay trong yêu cầu web."; exit 1; }
	exec $(VENV)/bin/celery -A unionportal worker --loglevel INFO --concurrency $(WORKER_CONCURRENCY) -Q $${CELERY_QUEUE:-unionportal}

# The suite on every core (pytest-xdist: one process and one test database per worker);
# PYTEST_WORKERS=0 runs it in this one process, as a debugger wants.
PYTEST_WORKERS ?= auto
test: $(STAMP)
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

messages: $(STAMP)
	$(PY) manage.py makemessages -l en --no-obsolete --add-location file -i ".venv/*" -i "bench/*"
	$(PY) manage.py compilemessages -l en --ignore=.venv

bench: demo
	$(PY) bench/report_speed.py
	$(PY) bench/drilldown_speed.py
	$(PY) bench/province_merge.py
	DATABASE_URL=$${BENCH_DATABASE_URL:-} $(PY) bench/grid_speed.py
	DATABASE_URL=$${BENCH_DATABASE_URL:-} $(PY) bench/import_speed.py
	DATABASE_URL=$${BENCH_DATABASE_URL:-} $(PY) bench/member_speed.py
	DATABASE_URL=$${BENCH_DATABASE_URL:-} $(PY) bench/organising_speed.py
	DATABASE_URL=$${BENCH_DATABASE_URL:-} $(PY) bench/reorg_speed.py
	$(PY) -m pip install --quiet --disable-pip-version-check -r bench/requirements.txt
	@if [ -n "$${BENCH_DATABASE_URL:-}" ]; then \
		DATABASE_URL=$$BENCH_DATABASE_URL $(PY) bench/dashboard_speed.py && \
		DATABASE_URL=$$BENCH_DATABASE_URL $(PY) bench/dashboard_speed.py --demo; \
	else echo "bench/dashboard_speed.py: PostgreSQL only, skipped (set BENCH_DATABASE_URL)"; fi

# Issue 9, load and faults (docs/operations.md "Tải và sự cố"): the deadline load on PostgreSQL (LOAD_SECONDS,
# LOAD_DATABASE_URL) and a PostgreSQL restart under load in a cluster of its own (root, port 5433).
.PHONY: load pg-restart
load: $(STAMP)
	$(PY) -m pip install --quiet --disable-pip-version-check -r bench/requirements.txt
	$(PY) bench/load.py

pg-restart: $(STAMP)
	$(PY) bench/pg_restart.py

clean:
	rm -rf $(VENV) .pytest_cache test-results .ci/out
