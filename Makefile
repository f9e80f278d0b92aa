# The front door: `make run`, `make test` (`make test-fast` while working), `make bench`, `make fmt`, `make migrate`.
# uv comes from PyPI; if it is not on PATH it is installed into .tools/ first. uv uses this machine's
# Python 3.11 and never downloads an interpreter of its own.
export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON ?= python3.11
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
PY := .venv/bin/python
TEST_WORKERS ?= 2

.PHONY: run test test-fast browser lint typecheck test-sqlite test-postgresql bench contract fmt migrate sync

.tools/bin/uv:
	python3 -m venv .tools && .tools/bin/pip install --quiet uv

sync: $(UV)
	$(UV) sync --frozen

run: sync
	exec $(PY) scripts/run.py

test: sync browser lint typecheck test-sqlite test-postgresql

# The console's browser tests drive Debian's Chromium; without it they fail (never skip), so it is installed here.
browser:
	command -v chromium >/dev/null || apt-get install -y chromium || (apt-get update && apt-get install -y chromium)

lint:
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

typecheck:
	$(PY) -m mypy shared/src gateway/src services/*/src web/src scripts

# The quick loop while working: unit and API tests on SQLite, without the real-process suites and slow tests.
test-fast: sync
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadgroup --db sqlite -m "not e2e and not slow"

test-sqlite:
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadgroup --db sqlite

test-postgresql:
	$(PY) scripts/check_postgres.py
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadgroup --db postgresql

bench: export KKB_BENCH_RESULTS := var/bench-results.jsonl
bench: sync
	mkdir -p var && rm -f $(KKB_BENCH_RESULTS)
	command -v wrk >/dev/null && command -v nginx >/dev/null || apt-get install -y wrk nginx-light
	$(PY) scripts/bench_concurrency.py
	$(PY) scripts/bench.py
	$(PY) scripts/bench_registry.py
	$(PY) scripts/bench_mentoring.py
	$(PY) scripts/bench_genting.py
	$(PY) scripts/bench_dashat.py
	$(PY) scripts/bench_results.py

# Schemathesis against the running platform (`make run` in another terminal), 100 examples per operation.
contract: sync
	$(PY) scripts/contract.py

fmt: sync
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

migrate: sync
	for s in gateway registry mentoring genting dashat; do .venv/bin/kkb-$$s migrate || exit 1; done
