# Two commands do everything on a fresh clone: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test lint typecheck imports unit bench screenshots lock clean

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

# Bytecode first (a no-op when current): with PYTHONDONTWRITEBYTECODE set, every launch would
# otherwise compile the package from source, about 60 ms.
demo: $(STAMP)
	@$(BIN)/python -m compileall -q iotjobs_tui
	exec $(BIN)/iotjobs-tui --demo

lint: $(STAMP)
	$(BIN)/ruff check iotjobs_tui tests bench
	$(BIN)/ruff format --check iotjobs_tui tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

imports: $(STAMP)
	$(BIN)/lint-imports

unit: $(STAMP)
	$(BIN)/python -m pytest -q

test: lint typecheck imports unit

bench: $(STAMP)
	@for b in bench/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done
	@echo "== bench/soak.py (3 minutes; the full soak is 30: bench/soak.py --minutes 30)"
	$(BIN)/python bench/soak.py --minutes 3

screenshots: $(STAMP)
	$(BIN)/python -m iotjobs_tui.screenshots screenshots

# Re-pin constraints.txt from a fresh resolve of pyproject.toml (then run make test).
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet --disable-pip-version-check '.[dev]'
	{ sed -n 1,2p constraints.txt; .lock-venv/bin/pip freeze --exclude iotjobs-tui; } > constraints.new
	mv constraints.new constraints.txt && rm -rf .lock-venv

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache snapshot_report.html
