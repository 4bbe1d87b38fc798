# sgdesk — `make run` to use it, `make test` to check it. `make help` lists the rest.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-py312

# Python 3.12 or newer: PySide6 6.12 corrupts reference counts under 3.11 and the
# interpreter aborts. Debian 12's python3 is 3.11, so look for a newer one
# (on PATH, or installed by pyenv) unless PYTHON is given.
PYTHON ?= $(shell for p in python3.12 python3.13 python3 \
	  $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.12*/bin/python3 \
	  $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.13*/bin/python3; do \
	  $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 && { echo $$p; break; }; \
	done)

# Debian packages: what Qt needs offscreen (tests), on a real X display (the app),
# and the command-line tools the tests compare against (age, pdftotext/pdftoppm,
# the desktop file and AppStream validators, strace for the no-network check).
DEB_QT := libglib2.0-0 libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3
DEB_X11 := libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 \
           libxcb-shape0 libxcb-xkb1 libxkbcommon-x11-0
DEB_TOOLS := age poppler-utils appstream desktop-file-utils strace
# Building the one-folder app: objdump and strip (PyInstaller).
DEB_PACKAGE := binutils

.PHONY: help run test lint bench stress package clean system-deps-test system-deps-run \
        system-deps-package

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@if [ -z "$(PYTHON)" ]; then echo "sgdesk needs Python 3.12 or newer; none was found (set PYTHON=/path/to/python3.12)"; exit 1; fi
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet --only-binary sqlcipher3 -e '.[test]'
	touch $(STAMP)

# Installs only what is missing, so a warm `make test` does not touch apt.
define deb_install
	@missing=$$(for p in $(1); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian packages: $$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  else \
	    echo "Please install these system packages first: $$missing"; exit 1; \
	  fi; \
	fi
endef

system-deps-test:
	$(call deb_install,$(DEB_QT) $(DEB_TOOLS))

system-deps-run:
	@if command -v dpkg-query >/dev/null; then $(MAKE) --no-print-directory _deb_run; fi

.PHONY: _deb_run
_deb_run:
	$(call deb_install,$(DEB_QT) $(DEB_X11))

run: system-deps-run $(STAMP)  ## Create .venv, install, open sgdesk (a demo store if none exists)
	$(VENV)/bin/sgdesk

test: system-deps-test $(STAMP)  ## Run the whole test suite (under 10 minutes)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -n 2 -p no:cacheprovider

lint: $(STAMP)  ## ruff and mypy --strict on the Qt-free layers
	$(VENV)/bin/ruff check sgdesk tests bench
	$(VENV)/bin/mypy

bench: system-deps-test $(STAMP)  ## Build (once) the ten-year reference store and print the figures
	QT_QPA_PLATFORM=offscreen $(PY) -m bench

stress: system-deps-test $(STAMP)  ## Long fault runs: 200 kills mid-write, 10,000 fuzzed bundles, ...
	SGDESK_STRESS=1 QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -n 2 -p no:cacheprovider tests/faults

system-deps-package:
	$(call deb_install,$(DEB_QT) $(DEB_X11) $(DEB_TOOLS) $(DEB_PACKAGE))

$(VENV)/.installed-package: $(STAMP)
	$(VENV)/bin/pip install --quiet -e '.[package]'
	touch $@

package: system-deps-package $(VENV)/.installed-package  ## Build the one-folder app (dist/sgdesk) and smoke-test it
	$(VENV)/bin/pyinstaller --noconfirm --clean packaging/sgdesk.spec --distpath dist --workpath build/pyinstaller
	bash packaging/smoke_test.sh dist/sgdesk

clean:  ## Remove the virtual environment and caches
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache .hypothesis build dist
