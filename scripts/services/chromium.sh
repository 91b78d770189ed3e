# Sourced by scripts/test.sh before pytest: Debian's Chromium for the headless browser test of
# `shahrnameh serve`, installed as root with apt when missing, exported as SHAHRNAMEH_CHROMIUM.
# Without it that test is skipped, except in CI (CI=true), where that is a failure.
# shellcheck shell=bash

_chromium_path() {
    local name
    for name in chromium chromium-browser; do
        command -v "$name" 2>/dev/null && return 0
    done
    return 1
}

_chromium_install() {
    apt_install chromium
}

if [ -z "${SHAHRNAMEH_CHROMIUM:-}" ]; then
    if _chromium=$(_chromium_path) || { _chromium_install && _chromium=$(_chromium_path); }; then
        export SHAHRNAMEH_CHROMIUM="$_chromium"
        echo "chromium.sh: $("$SHAHRNAMEH_CHROMIUM" --version 2>/dev/null | head -n 1) at $SHAHRNAMEH_CHROMIUM" >&2
    elif [ "${CI:-}" = "true" ]; then
        echo "chromium.sh: CI must run the browser test of shahrnameh serve; no Chromium and cannot install it; stopping" >&2
        exit 1
    else
        echo "chromium.sh: no Chromium (apt-get install chromium): the browser test will be skipped" >&2
    fi
    unset _chromium
fi
