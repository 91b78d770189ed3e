# Sourced by scripts/test.sh before pytest: a Persian-capable font for the timeline chart
# (Debian's fonts-noto-core: Noto Naskh Arabic / Noto Sans Arabic), installed as root with apt
# when missing, exported as SHAHRNAMEH_FONT. Without one the chart tests are skipped, except
# in CI (CI=true), where that is a failure.
# shellcheck shell=bash

_persian_font() {
    local name path
    for name in NotoNaskhArabic-Regular.ttf NotoSansArabic-Regular.ttf Vazirmatn-Regular.ttf nazli.ttf; do
        path=$(find /usr/share/fonts /usr/local/share/fonts -name "$name" -print -quit 2>/dev/null)
        [ -n "$path" ] && { echo "$path"; return 0; }
    done
    return 1
}

_persian_font_install() {
    apt_install --no-install-recommends fonts-noto-core
}

if [ -z "${SHAHRNAMEH_FONT:-}" ]; then
    if _font_path=$(_persian_font) || { _persian_font_install && _font_path=$(_persian_font); }; then
        export SHAHRNAMEH_FONT="$_font_path"
        echo "fonts.sh: Persian font $SHAHRNAMEH_FONT" >&2
    elif [ "${CI:-}" = "true" ]; then
        echo "fonts.sh: CI must draw the timeline chart with a Persian font; none found or installable; stopping" >&2
        exit 1
    else
        echo "fonts.sh: no Persian font (apt-get install fonts-noto-core): chart tests will be skipped" >&2
    fi
    unset _font_path
fi
