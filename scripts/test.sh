#!/usr/bin/env bash
# Install everything the tests need into .venv, then run every quality gate:
# ruff (lint and format), mypy, pytest and the Sphinx documentation build.
#
# Usage: bash scripts/test.sh        (from anywhere; CI runs it through .ci/run)
#
# Environment:
#   PYTHON              interpreter used to create .venv (default: python3, >= 3.11)
#   CI=true             selects the "ci" hypothesis profile (HYPOTHESIS_PROFILE=ci)
#   HYPOTHESIS_PROFILE  explicit hypothesis profile, wins over the CI default
#
# Every gate runs even if an earlier one fails, so one run shows every problem;
# the script exits non-zero if any gate (or the installation) failed.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

PYTHON="${PYTHON:-python3}"
VENV=".venv"
LINT_PATHS=(src tests benchmarks plugins)

step() {
    printf '\n==> %s\n' "$*"
}

# --- Environment -------------------------------------------------------------

step "Python environment ($VENV)"
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    echo "error: $PYTHON is $("$PYTHON" --version 2>&1); seve needs Python >= 3.11" >&2
    exit 1
fi
if [[ ! -x "$VENV/bin/python" ]]; then
    # Debian ships venv/ensurepip in a separate package.
    if ! "$PYTHON" -c 'import ensurepip' 2>/dev/null && command -v apt-get >/dev/null \
        && [[ "$(id -u)" == 0 ]]; then
        echo "ensurepip is missing: installing python3-venv with apt-get"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv
    fi
    "$PYTHON" -m venv "$VENV"
fi
export VIRTUAL_ENV="$PWD/$VENV"
export PATH="$VIRTUAL_ENV/bin:$PATH"
hash -r
python --version

# The seve-postgres tests start a throwaway server from Debian's binaries (initdb, pg_ctl);
# a clean CI machine has none. No main cluster is created: nothing is left running.
step "PostgreSQL server binaries (plugins/seve-postgres)"
if [[ -z "${SEVE_POSTGRES_BINDIR:-}" ]] && ! command -v initdb >/dev/null \
    && ! compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; then
    if command -v apt-get >/dev/null && [[ "$(id -u)" == 0 ]]; then
        echo "initdb is missing: installing postgresql with apt-get"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-common
        sed -ri 's/^#?\s*(create_main_cluster)\s*=.*$/\1 = false/' \
            /etc/postgresql-common/createcluster.conf
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql
    else
        echo "warning: no PostgreSQL server (apt-get install postgresql): the seve-postgres" \
            "tests are skipped, or fail under CI=true" >&2
    fi
fi
compgen -G '/usr/lib/postgresql/*/bin/initdb' || command -v initdb || true

step "Install seve[dev] and plugins"
install_args=(-e '.[dev]')
shopt -s nullglob
for plugin_project in plugins/*/pyproject.toml; do
    # with its "test" extra when it declares one (the servers its tests start)
    if grep -qE '^test[[:space:]]*=' "$plugin_project"; then
        install_args+=(-e "$(dirname "$plugin_project")[test]")
    else
        install_args+=(-e "$(dirname "$plugin_project")")
    fi
done
shopt -u nullglob
echo "pip install ${install_args[*]}"
python -m pip install --quiet "${install_args[@]}"

if [[ "${CI:-}" == "true" ]]; then
    export HYPOTHESIS_PROFILE="${HYPOTHESIS_PROFILE:-ci}"
fi
echo "HYPOTHESIS_PROFILE=${HYPOTHESIS_PROFILE:-<unset: default profile>}"

# --- Quality gates -----------------------------------------------------------

failed=()

# Run one gate: a name, then the command. Records the failure and goes on.
gate() {
    local name="$1"
    shift
    step "$name: $*"
    local rc=0
    "$@" || rc=$?
    if [[ $rc -ne 0 ]]; then
        echo "FAILED: $name (exit code $rc)" >&2
        failed+=("$name")
    fi
    return 0
}

# Lint only the paths that exist (git does not keep empty directories).
lint_paths=()
for path in "${LINT_PATHS[@]}"; do
    if [[ -e "$path" ]]; then
        lint_paths+=("$path")
    fi
done

gate "ruff check" ruff check "${lint_paths[@]}"
gate "ruff format" ruff format --check "${lint_paths[@]}"
gate "mypy" mypy

step "pytest: python -m pytest"
pytest_rc=0
python -m pytest || pytest_rc=$?
if [[ $pytest_rc -eq 5 ]]; then
    echo "FAILED: pytest collected no tests (exit code 5)" >&2
    failed+=("pytest (no tests collected)")
elif [[ $pytest_rc -ne 0 ]]; then
    echo "FAILED: pytest (exit code $pytest_rc)" >&2
    failed+=("pytest")
fi

# -E: read every source again, so warnings of unchanged pages are not hidden.
gate "docs" sphinx-build -W --keep-going -E -b html docs docs/_build/html

# --- Summary -----------------------------------------------------------------

if [[ ${#failed[@]} -ne 0 ]]; then
    step "FAILED gates:"
    printf '  - %s\n' "${failed[@]}" >&2
    exit 1
fi
step "All gates passed."
