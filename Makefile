# Gaoxin — the two commands that matter: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
GAOXIN := $(BIN)/gaoxin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1:8000
SEED   ?= 42
ENTERPRISES ?= 300

.PHONY: demo test install migrate seed serve worker bench clean schema lock

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Re-install only when the dependency list changes. Exact versions from requirements.lock (CI and the image install the
# same), then Gaoxin itself without resolving again.
$(STAMP): pyproject.toml requirements.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e '.[test]'
	touch $(STAMP)

# After changing the dependencies in pyproject.toml: re-resolve the pinned versions (all platforms, Python 3.11+).
lock: | $(BIN)/python
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra test --python-version 3.11 --universal --no-header -o requirements.lock

install: $(STAMP)

migrate: install
	$(GAOXIN) migrate --noinput

seed: migrate
	$(GAOXIN) seed_demo --seed $(SEED) --enterprises $(ENTERPRISES)

# Installs, migrates, seeds the demo zone, starts the background worker and serves. GAOXIN_DEMO=1 lets the
# demo accounts use their published password; anywhere else a log-in with it must change it first.
demo: export GAOXIN_DEMO = 1
demo: seed
	$(GAOXIN) worker & echo $$! > var/worker.pid
	@echo "后台任务进程已启动 (background worker started)"
	@echo "打开 http://$(HOST) 登录 (open http://$(HOST) and log in)"
	$(GAOXIN) runserver $(HOST); kill $$(cat var/worker.pid) 2>/dev/null || true

worker: install
	$(GAOXIN) worker

# Two workers on these 2-core machines; each test file stays on one worker, so the demo walk seeds once.
test: install
	$(BIN)/ruff check src bench
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m pytest -n auto --dist loadfile $(PYTEST_ARGS)

# The committed API contract (docs/api/openapi.yaml); core/tests/test_openapi.py fails when it drifts.
schema: install
	$(GAOXIN) spectacular --file docs/api/openapi.yaml --fail-on-warn --validate

bench: install
	$(BIN)/python bench/workdays_bench.py

clean:
	rm -rf $(VENV) var/*.sqlite3* .pytest_cache
