# Two commands on a fresh machine:
#   make run    set up, run the ETL on data/raw, then start the dashboard on http://127.0.0.1:8050
#   make test   set up (Python packages + Chromium, CJK fonts, PostgreSQL) and run the whole test suite
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test setup system-deps etl dashboard benchmarks reference screenshots clean

$(STAMP): requirements.txt
	@# Debian's python3 needs python3-venv for `-m venv`: install it when missing (as root or via sudo)
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { \
	  rm -rf $(VENV); \
	  if [ "$$(id -u)" = "0" ]; then apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null; \
	  elif command -v sudo >/dev/null 2>&1; then sudo apt-get update -qq && sudo apt-get install -y -qq python3-venv >/dev/null; fi; \
	  $(PYTHON) -m venv $(VENV); }
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $(STAMP)

setup: $(STAMP)

# System packages the tests need: Debian's chromium (browser tests), fonts-noto-cjk (Chinese glyphs
# in screenshots) and postgresql (the store tests run against a real server).
system-deps:
	@if ! command -v chromium >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 \
	     || ! fc-list 2>/dev/null | grep -q "Noto Sans CJK"; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      chromium chromium-driver fonts-noto-cjk postgresql >/dev/null; \
	  elif command -v sudo >/dev/null 2>&1; then \
	    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      chromium chromium-driver fonts-noto-cjk postgresql >/dev/null; \
	  else \
	    echo "请先安装系统软件包：chromium chromium-driver fonts-noto-cjk postgresql"; exit 1; \
	  fi; \
	fi

etl: setup
	$(PY) -m etl run

dashboard: setup
	$(PY) -m dashboard

run: etl dashboard

test: setup system-deps
	$(PY) -m pytest -q tests

# Each prints the machine and its figures; see README "Performance" for the full-size commands.
benchmarks: setup system-deps
	$(PY) tests/benchmarks/bench_etl.py --mb 10 --corpus seed
	$(PY) tests/benchmarks/bench_etl.py --mb 10
	$(PY) tests/benchmarks/bench_store.py --mb 10
	$(PY) tests/benchmarks/bench_dashboard.py --facts 1000000
	$(PY) tests/benchmarks/bench_load.py --quick

reference: setup
	$(PY) -m etl.build_lexicon

# The README's dashboard screenshots (assets/screenshots/): seed page + 300 synthetic reports, Chromium.
screenshots: setup system-deps
	$(PY) tools/screenshots.py

clean:
	rm -rf data/export data/governance.db* tests/artifacts
