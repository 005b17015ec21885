# Two commands on a fresh machine:
#   make run    set up, run the ETL on data/raw, then start the dashboard on http://127.0.0.1:8050
#   make test   set up (Python packages + Chromium, CJK fonts, PostgreSQL, Tesseract, LibreOffice) and run the tests
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test setup system-deps run-deps _apt etl dashboard benchmarks reference screenshots clean

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

# System packages: chromium (browser tests; printing the PDF and picture fixtures), fonts-noto-cjk
# (Chinese glyphs), postgresql (store tests), tesseract-ocr + tesseract-ocr-chi-sim (OCR of scans and
# pictures), libreoffice-writer-nogui + libreoffice-calc-nogui (old .doc/.wps/.xls), qpdf (an
# encrypted PDF for the bad-input tests). `make run` needs only the OCR and LibreOffice ones and
# fonts-noto-cjk, whose glyphs the OCR look-alike corrector compares (run-deps); without them those
# files are listed as failed with the package to install (without the font OCR text is not corrected).
SYSTEM_PACKAGES := chromium chromium-driver fonts-noto-cjk postgresql tesseract-ocr tesseract-ocr-chi-sim \
	libreoffice-writer-nogui libreoffice-calc-nogui qpdf
RUN_PACKAGES := tesseract-ocr tesseract-ocr-chi-sim fonts-noto-cjk libreoffice-writer-nogui libreoffice-calc-nogui

define apt_install
	@if [ "$$(id -u)" = "0" ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(1) >/dev/null; \
	elif command -v sudo >/dev/null 2>&1; then \
	  sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(1) >/dev/null; \
	else \
	  echo "请先安装系统软件包：$(1)"; exit 1; \
	fi
endef

system-deps:
	@if ! command -v chromium >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 \
	     || ! fc-list 2>/dev/null | grep -q "Noto Sans CJK" || ! command -v tesseract >/dev/null 2>&1 \
	     || ! tesseract --list-langs 2>/dev/null | grep -qx chi_sim || ! command -v soffice >/dev/null 2>&1 \
	     || ! ls /usr/lib/libreoffice/program/libsclo.so >/dev/null 2>&1 || ! command -v qpdf >/dev/null 2>&1; then \
	  $(MAKE) --no-print-directory _apt PKGS="$(SYSTEM_PACKAGES)"; \
	fi

run-deps:
	@if ! command -v tesseract >/dev/null 2>&1 || ! tesseract --list-langs 2>/dev/null | grep -qx chi_sim \
	     || ! ls /usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc >/dev/null 2>&1 \
	     || ! command -v soffice >/dev/null 2>&1 || ! ls /usr/lib/libreoffice/program/libsclo.so >/dev/null 2>&1; then \
	  $(MAKE) --no-print-directory _apt PKGS="$(RUN_PACKAGES)" \
	    || echo "未能安装 $(RUN_PACKAGES)：扫描件、图片和旧版 .doc/.wps/.xls 将无法读取（其他文件照常入库）。"; \
	fi

_apt:
	$(call apt_install,$(PKGS))

etl: setup run-deps
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
	$(PY) tests/benchmarks/bench_formats.py

reference: setup
	$(PY) -m etl.build_lexicon

# The README's dashboard screenshots (assets/screenshots/): seed page + 300 synthetic reports, Chromium.
screenshots: setup system-deps
	$(PY) tools/screenshots.py

clean:
	rm -rf data/export data/governance.db* tests/artifacts
