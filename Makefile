# Two commands on a fresh Linux machine (see README): `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DEMO := workbooks/demo/sop_master.xlsx
PLANNED := out/demo/sop_master.xlsx
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test lint bench libreoffice postgres clean

$(BIN)/sop-xl: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# The whole S&OP cycle on the embedded demo company.
# The demo company ships in workbooks/demo/ (regenerated here, byte for byte); the month is
# planned on a copy in out/ so the repository stays clean.
demo: $(BIN)/sop-xl
	$(BIN)/sop-xl demo $(DEMO)
	$(BIN)/sop-xl demo workbooks/demo/sop_master_zh-CN.xlsx --lang zh-CN
	$(BIN)/sop-xl demo workbooks/demo/sop_master_plants.xlsx --plants
	mkdir -p $(dir $(PLANNED)) && cp $(DEMO) $(PLANNED)
	$(BIN)/sop-xl run $(PLANNED)
	@echo
	@echo "The demo company's month, planned: $(PLANNED)"

# LibreOffice is the real spreadsheet client the tests recalculate workbooks in.
libreoffice:
	@command -v soffice >/dev/null 2>&1 || { \
	  echo "installing LibreOffice Calc (Debian package libreoffice-calc-nogui)"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq libreoffice-calc-nogui python3-uno \
	    fonts-wqy-microhei fonts-crosextra-carlito poppler-utils >/dev/null; }

# PostgreSQL is the real database the import tests start and stop themselves.
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 || { \
	  echo "installing PostgreSQL (Debian package postgresql)"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq postgresql >/dev/null || \
	  echo "*** PostgreSQL could not be installed: the PostgreSQL import tests will be SKIPPED ***"; }

lint: $(BIN)/sop-xl
	$(BIN)/ruff check sop_xl tests bench docs
	$(BIN)/lint-imports
	$(BIN)/mypy

# Once PostgreSQL is installed its tests must run: SOP_XL_REQUIRE_POSTGRES turns a skip into
# a failure.
test: $(BIN)/sop-xl libreoffice postgres lint
	SOP_XL_REQUIRE_POSTGRES=$$(ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && echo 1) \
	  $(BIN)/python -m pytest -q

# Speed and memory targets; each prints its figures and the ratios measured in the same run.
bench: $(BIN)/sop-xl
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python bench/io.py
	$(BIN)/python bench/large_inputs.py
	$(BIN)/python bench/mrp.py
	$(BIN)/python bench/forecast.py
	$(BIN)/python bench/accuracy.py
	$(BIN)/python bench/versions_history.py
	$(BIN)/python bench/month.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache build *.egg-info
