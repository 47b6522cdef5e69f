# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed
# CPU install path: torch is pinned so pip takes the local CPU build, not a multi-GB CUDA one.
TORCH_CPU = torch==2.13.0

.PHONY: demo test lint typecheck unit clean venv

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet "$(TORCH_CPU)"
	$(BIN)/python -m pip install --quiet "$(TORCH_CPU)" -e ".[agents,dev,bench,ray,trl,lora,math]"
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(BIN)/azr demo

lint: $(STAMP)
	$(BIN)/ruff check azr_env agents benchmarks tests examples
	$(BIN)/ruff format --check azr_env agents benchmarks tests examples

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/python -m pytest -q -m "not gpu"

test: lint typecheck unit

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
