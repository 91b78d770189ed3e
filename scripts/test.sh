#!/usr/bin/env bash
# The README's test command: bootstrap .venv, start the services some tests need
# (scripts/services/*.sh, each may export variables and register a cleanup), run pytest, stop them.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh

cleanups=()
run_cleanups() {
    local i
    for ((i = ${#cleanups[@]} - 1; i >= 0; i--)); do eval "${cleanups[$i]}" || true; done
}
trap run_cleanups EXIT

for service in scripts/services/*.sh; do
    [ -e "$service" ] || continue
    # shellcheck source=/dev/null
    source "$service"
done

.venv/bin/python -m pytest "$@"
