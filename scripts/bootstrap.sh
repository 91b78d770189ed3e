#!/usr/bin/env bash
# Creates .venv at the repository root with the pinned dependencies, once.
# Re-running is cheap: it reinstalls only when requirements.lock or pyproject.toml changed.
set -euo pipefail
cd "$(dirname "$0")/.."

find_python() {
    local candidates=(python3.13 python3.12 python3)
    if command -v pyenv >/dev/null 2>&1; then
        local root; root=$(pyenv root)
        for v in "$root"/versions/3.1[2-9]*/bin/python3; do candidates+=("$v"); done
    fi
    for py in "${candidates[@]}"; do
        if command -v "$py" >/dev/null 2>&1 &&
           "$py" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; then
            command -v "$py"; return 0
        fi
    done
    return 1
}

stamp=.venv/.installed
want=$(cat requirements.lock pyproject.toml | sha256sum | cut -d' ' -f1)
if [ -x .venv/bin/shahrnameh ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    exit 0
fi

if ! PY=$(find_python); then
    echo "bootstrap: Shahrnameh needs Python 3.12 or newer (hazm 0.12.1 requires it)." >&2
    echo "bootstrap: none found on PATH (python3.13, python3.12, python3) or under pyenv." >&2
    echo "bootstrap: install one (e.g. 'pyenv install 3.12') and run this again." >&2
    exit 1
fi
echo "bootstrap: using $PY ($("$PY" --version 2>&1)) for .venv" >&2
[ -x .venv/bin/python ] || "$PY" -m venv .venv
export PIP_DISABLE_PIP_VERSION_CHECK=1
.venv/bin/python -m pip install --quiet --upgrade pip 2>&1 | grep -v "^WARNING: Location" || true
# One line per pinned package as pip collects it ([n/total]; what pip collects for an extra
# is not counted), then the install step, the long silent part; pip's errors and warnings
# pass through.
total=$(grep -c '^[A-Za-z0-9]' requirements.lock)
echo "bootstrap: installing the $total pinned packages of requirements.lock into .venv" >&2
.venv/bin/python -m pip install --progress-bar off -r requirements.lock 2>&1 | awk -v total="$total" '
    /^Collecting .*\(from -r / { n++; printf "bootstrap: [%d/%d] %s\n", n, total, $2; fflush(); next }
    /^Processing .*\.(whl|tar\.gz|zip) \(from -r / {  # a wheel from a local index or folder: name-version-…
        n++; file = $2; sub(/.*\//, "", file); sub(/\.(whl|tar\.gz|zip)$/, "", file); split(file, part, "-")
        printf "bootstrap: [%d/%d] %s==%s\n", n, total, part[1], part[2]; fflush(); next }
    /^Installing collected packages/ {
        printf "bootstrap: unpacking and installing %d packages (the longest step, about a minute)\n", n; fflush(); next }
    /^Successfully installed/ { print "bootstrap: packages installed"; fflush(); next }
    /^WARNING: Location/ { next }
    /^(ERROR|WARNING|error|  error)/ { print; fflush() }
' >&2 || true
.venv/bin/python -m pip install --quiet --no-deps -e . 2>&1 | grep -v "^WARNING: Location\|BuildBackendWarning\|^ " || true
.venv/bin/python -c "import shahrnameh.flows.cli, hazm, prefect, scrapy" ||
    { echo "bootstrap: installation into .venv failed (see the pip output above)" >&2; exit 1; }
echo "$want" > "$stamp"
# hazm's word lists, read and conjugated once per machine (nlp/lexicon.py), so that no
# command pays that at its first start.
.venv/bin/python -c "from shahrnameh.nlp import lexicon; lexicon.words()" ||
    echo "bootstrap: could not pre-build the word-list cache (the first command will)" >&2
