# Two commands on a fresh machine:  `make run`  and  `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000
PYTEST_ARGS ?= -n 2 --dist loadgroup

.PHONY: run test setup install system-packages translations migrate demo messages lint benchmark benchmark-city loadtest clean

# The task worker (imports, exports, PDFs, figure refreshes) runs beside the web server and
# stops with it.
run: setup demo
	@mkdir -p var; $(PY) manage.py db_worker >var/worker.log 2>&1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	echo "Task worker running (log: var/worker.log)."; \
	$(PY) manage.py runserver $(HOST)

test: install system-packages translations
	$(PY) -m pytest $(PYTEST_ARGS)

setup: install system-packages translations migrate
	$(PY) manage.py collectstatic --noinput -v0

translations: install .env
	$(PY) manage.py compilemessages --ignore=.venv -v0

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[dev]"
	touch $@

# A CJK font for PDF exports, HarfBuzz's subsetter (without it WeasyPrint subsets the CJK fonts
# with fontTools, and a PDF takes two to three times as long), gettext for translations and
# poppler (pdffonts, pdftotext) for checks.
# Installed from Debian's packages when missing and we may (root); otherwise a hint.
system-packages:
	@missing=""; \
	fc-list :lang=zh 2>/dev/null | grep -q . || missing="$$missing fonts-noto-cjk"; \
	command -v msgfmt >/dev/null || missing="$$missing gettext"; \
	command -v pdffonts >/dev/null || missing="$$missing poppler-utils"; \
	ldconfig -p 2>/dev/null | grep -q libharfbuzz-subset || missing="$$missing libharfbuzz-subset0"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing:$$missing"; \
	    (apt-get install -y -qq $$missing >/dev/null 2>&1 || \
	     (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing)) >/dev/null; \
	  else echo "Please install:$$missing (sudo apt-get install$$missing)"; fi; \
	fi

migrate: install .env
	$(PY) manage.py migrate -v0

# Development keys, made once per checkout (never committed). Production sets its own.
.env: | install
	@$(PY) -c "import secrets; from cryptography.fernet import Fernet; \
	print('# Written by make for development; see .env.example.'); \
	print('SECRET_KEY=' + secrets.token_urlsafe(50)); \
	print('PERSONAL_DATA_KEY=' + Fernet.generate_key().decode())" > $@
	@chmod 600 $@
	@echo "Wrote .env with new development keys."

demo: migrate
	$(PY) manage.py seed_demo

messages: install
	$(PY) manage.py makemessages -l en -l zh_Hant --ignore=.venv --ignore=tests --no-obsolete
	$(PY) manage.py translate_traditional

lint: install .env
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run -v0

benchmark: install .env
	$(PY) benchmarks/annual_report.py
	$(PY) benchmarks/import_members.py

# City scale on PostgreSQL (seeds jsx_city on first use) and the load test with writes.
benchmark-city: install .env
	$(PY) benchmarks/city.py --growth

loadtest: install .env
	$(PY) benchmarks/loadtest.py

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 var
