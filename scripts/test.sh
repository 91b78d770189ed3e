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

# For the services: Debian packages installed as root when apt is there; false otherwise.
apt_install() {
    [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1 || return 1
    echo "test.sh: installing from Debian's packages: $*" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q "$@" >/dev/null 2>&1 ||
        { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q "$@" >/dev/null 2>&1; }
}

for service in scripts/services/*.sh; do
    [ -e "$service" ] || continue
    # shellcheck source=/dev/null
    source "$service"
done

.venv/bin/python -m pytest "$@"
