# One command builds the book, one runs every test; both install what they need first.
#
#   make book    create .venv, install everything, build the static book into _build/html
#   make test    the same install, then every test (including a -W -n book build), offline,
#                on every core (pytest-xdist)
#   make nbval   re-run the chapter notebooks with nbval itself and compare their saved outputs
#   make lab     open the chapter notebooks in JupyterLab
#   make bench   time nnkit against scipy, scikit-learn and torch, the widgets, the notebooks,
#                the book build and a fresh install; writes tests/benchmarks/results.{json,md}
#                (the appendix page). ONLY="mlp grid" for some sections
#   make exercises  regenerate student + autograder exercise notebooks (otter assign)
#   make notebooks  re-run the chapter notebooks and save their outputs (which nbval checks),
#                   then remake chapters/run/; NB=chapters/02-perceptron.ipynb for one
#   make run-notebooks  write chapters/run/: the chapters as the launch buttons (Binder, Colab)
#                   open them, with the page's numbers and plain Markdown
#
# After the install step nothing touches the network: `make test` and `make book` run
# their work under .ci/offline (a network namespace with no network).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
OFFLINE := .ci/offline
BOOK_BUILD := $(BIN)/jupyter-book build --warningiserror --nitpick --keep-going

.PHONY: install axe book test nbval lab bench notebooks run-notebooks exercises repository clean

$(STAMP): requirements.txt requirements-runtime.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -e .
	touch $(STAMP)

install: $(STAMP)

book: $(STAMP)
	$(OFFLINE) $(BOOK_BUILD) .
	@echo "The book is in _build/html/index.html"

# ruff lints the code; pytest runs the unit tests, the docstring examples, the chapter notebooks
# (executed once, compared with their saved outputs) and a full -W -n build of the book from those
# executions (tests/conftest.py), on every core: each of the two heavy groups (book, exercises) stays
# on one worker, the unit tests spread over all of them.
test: $(STAMP) axe
	$(BIN)/ruff check nnkit tests _ext
	$(OFFLINE) $(BIN)/python -m pytest -n auto --dist loadgroup

# axe-core (tests/test_accessibility.py) is a test tool from npm, kept in a cache outside the
# repository; installed here because the tests run offline. Without npm (or network) the
# accessibility tests skip and say why, except under CI=true, where they fail.
AXE_CACHE ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/nnkit-book/axe-core
axe:
	@test -f "$(AXE_CACHE)/node_modules/axe-core/axe.min.js" || ! command -v npm > /dev/null \
		|| npm install --prefix "$(AXE_CACHE)" --no-audit --no-fund --no-save --silent \
		axe-core@4.14 || echo "axe-core could not be installed: the accessibility tests will skip"

# nbval itself, cell by cell (what tests/test_notebooks.py does from the session's one execution).
nbval: $(STAMP)
	$(OFFLINE) $(BIN)/python -m pytest -p no:xdist -o addopts="-ra" --nbval \
		--nbval-sanitize-with .ci/nbval-sanitize.cfg --ignore=chapters/run chapters

# Jupyter refuses to run as root unless told to (containers, CI machines).
lab: $(STAMP)
	$(BIN)/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root) chapters/

# Not part of `make test`: timings are measured and reported, never asserted.
bench: $(STAMP)
	cd tests && ../$(BIN)/python -m benchmarks $(ONLY)

# NB=chapters/02-perceptron.ipynb runs one notebook only.
notebooks: $(STAMP)
	$(OFFLINE) $(BIN)/python .ci/execute_notebooks.py $(NB)
	$(BIN)/python .ci/run_notebooks.py

# The notebooks the launch buttons open (chapters/run/): glued numbers and MyST rendered to plain
# Markdown, from the saved outputs of the chapters (run `make notebooks` first if they changed).
run-notebooks: $(STAMP)
	$(BIN)/python .ci/run_notebooks.py

# Regenerate the student and autograder versions of every exercise (otter assign); fails if a
# reference solution fails its own tests. CH="02 07" for some chapters.
exercises: $(STAMP)
	$(OFFLINE) $(BIN)/python .ci/assign_exercises.py $(CH)

# Point the buttons and the Colab install cells at a fork: make repository URL=https://github.com/you/book
repository: $(STAMP)
	$(BIN)/python .ci/set_repository.py $(URL)
	$(BIN)/python .ci/run_notebooks.py

clean:
	rm -rf _build .pytest_cache
