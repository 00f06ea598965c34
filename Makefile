# make demo   from nothing: .venv, pinned dependencies, build, grade the reference and the blank notebook
# make test   lint, then the whole test suite (CI runs exactly this); make test-fast: the fast tier only
# make build  assignment/ (student notebook, public tests) and dist/autograder.zip from reference/ and grading.yml
# make grade SUBMISSIONS=DIR   grade every notebook in DIR into DIR/../grades/grades.csv
# make bench  grading time, compute floor, ratio, peak memory and phases under Gradescope's limits
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
export PYTHONPATH := $(CURDIR):$(CURDIR)/assignment
# MNIST: $MNIST_PATH if set, else ../shared/data/mnist.npz if present, else downloaded by the loader
MNIST_PATH ?= $(wildcard $(CURDIR)/../shared/data/mnist.npz)
export MNIST_PATH

.PHONY: install build demo test test-fast lint grade bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

build: install
	$(PY) -m instructor.build

demo: build
	rm -rf dist/demo && mkdir -p dist/demo/submissions
	cp dist/mlp_relu_solution.ipynb dist/demo/submissions/reference.ipynb
	cp assignment/mlp_relu.ipynb dist/demo/submissions/blank.ipynb
	$(PY) -m instructor.grade dist/demo/submissions --out dist/demo/grades
	@column -s, -t < dist/demo/grades/grades.csv

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: lint
	$(PY) -m pytest

test-fast: install
	$(PY) -m pytest -m "not slow"

grade: build
	@test -n "$(SUBMISSIONS)" || { echo "usage: make grade SUBMISSIONS=DIR"; exit 2; }
	$(PY) -m instructor.grade "$(SUBMISSIONS)"

bench: build
	$(PY) -m instructor.bench

clean:
	rm -rf dist .pytest_cache
