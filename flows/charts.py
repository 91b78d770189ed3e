"""The timeline chart: one panel per category, one colour per municipality, Jalali and
Gregorian dates on the axis. Pure drawing: rows in, PNG out (no SQL, no warehouse).

Since 3.11 matplotlib lays text out with libraqm (HarfBuzz shaping and the Unicode bidi
algorithm), so Persian is drawn joined and right to left as written: text goes in logical
order, unreshaped (reshaping it first, the old workaround, would reverse it twice). It only
needs a font with the Arabic-script glyphs.
"""

from __future__ import annotations

import os
from collections import defaultdict
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import BinaryIO

import jdatetime

from shahrnameh.nlp.records import CATEGORY_NAMES_FA

# Persian-capable fonts in the order tried: Debian's fonts-noto-core, then fonts-farsiweb,
# fonts-vazirmatn, then what fontconfig elsewhere may hold.
FONT_CANDIDATES = (
    "NotoNaskhArabic-Regular.ttf", "NotoSansArabic-Regular.ttf", "Vazirmatn-Regular.ttf",
    "nazli.ttf", "Nazli.ttf", "titr.ttf", "DejaVuSans.ttf",
)
FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", str(Path.home() / ".local/share/fonts"))
# Letters a font must have to draw Persian (Persian-only letters included, not just Arabic).
PERSIAN_PROBE = "شهرداری پژوهگچ"
MAX_PANELS = 6
_PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
VALUE_AXIS_TITLE = "مقدار (value)"
DATE_AXIS_TITLE = "تاریخ خبر، میلادی و شمسی (article date, Gregorian and Jalali)"
_PALETTE = ("#1b6ca8", "#d1495b", "#2e933c", "#edae49", "#66418a", "#00798c", "#8f5e15", "#555555")


class ChartError(Exception):
    """The chart cannot be drawn (no Persian font, nothing to draw, an unwritable file)."""


def persian_font() -> Path:
    """A font file with every Persian letter: $SHAHRNAMEH_FONT, else the first candidate found."""
    from matplotlib.ft2font import FT2Font

    override = os.environ.get("SHAHRNAMEH_FONT")
    paths = [Path(override)] if override else [
        path for name in FONT_CANDIDATES for root in FONT_DIRS if Path(root).is_dir()
        for path in sorted(Path(root).rglob(name))]
    for path in paths:
        try:
            font = FT2Font(str(path))
        except (OSError, RuntimeError, ValueError):
            continue
        if all(font.get_char_index(ord(letter)) for letter in PERSIAN_PROBE if letter != " "):
            return path
    if override:
        raise ChartError(f"SHAHRNAMEH_FONT={override} is not a font with Persian letters")
    raise ChartError("no Persian-capable font found: install Debian's fonts-noto-core (or fonts-farsiweb), "
                     "or set SHAHRNAMEH_FONT to a .ttf file")


def jalali_label(day: date) -> str:
    """«۲۹ اردیبهشت ۱۴۰۳» for 2024-05-18."""
    jalali = jdatetime.date.fromgregorian(date=day)
    month = jdatetime.date.j_months_fa[jalali.month - 1]
    return f"{str(jalali.day).translate(_PERSIAN_DIGITS)} {month} {str(jalali.year).translate(_PERSIAN_DIGITS)}"


def format_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{int(value):,}"


def category_label(category: str) -> str:
    """«نفرات (people)»: the Persian name a reader knows, the stored key in brackets."""
    persian = CATEGORY_NAMES_FA.get(category)
    return f"{persian} ({category})" if persian else category


def timeline_png(rows: list[dict], title: str, path: Path | BinaryIO, subtitle: str = "") -> Path | BinaryIO:
    """Draw `rows` (date: ISO text, dated: bool, value, category, unit, municipality) into `path`
    (a file name, or a binary file object such as a web response's buffer).

    Rows without a published date are drawn hollow at the day they were first stored.
    """
    import matplotlib.pyplot as plt

    if not hasattr(path, "write"):
        path = Path(path)
    with _persian_text():
        fig = draw_timeline(rows, title, subtitle)
        try:
            fig.savefig(path, format="png", dpi=110, metadata={"Title": title, "Description": subtitle})
        except OSError as error:
            raise ChartError(f"cannot write {path}: {error.strerror or error}") from error
        finally:
            plt.close(fig)
    return path


@contextmanager
def _persian_text():
    """matplotlib's defaults with the Persian font first (Latin letters it lacks from DejaVu Sans)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager

    font = persian_font()
    font_manager.fontManager.addfont(str(font))
    family = font_manager.FontProperties(fname=str(font)).get_name()
    with matplotlib.rc_context({"font.family": [family, "DejaVu Sans"]}):
        yield


def draw_timeline(rows: list[dict], title: str, subtitle: str = ""):
    """The timeline as a matplotlib Figure; call inside `_persian_text()`."""
    if not rows:
        raise ChartError("nothing to draw: the timeline has no numbers")
    import matplotlib
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    panels: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        panels[row["category"]].append(row)
    ordered = sorted(panels, key=lambda c: (-len(panels[c]), c))
    shown, hidden = ordered[:MAX_PANELS], ordered[MAX_PANELS:]
    places = sorted({row["municipality"] or "" for row in rows})
    colour = {place: _PALETTE[i % len(_PALETTE)] for i, place in enumerate(places)}
    days = sorted({date.fromisoformat(row["date"]) for row in rows})

    fig, axes = plt.subplots(len(shown), 1, figsize=(11, 1.2 + 2.6 * len(shown)), squeeze=False,
                             sharex=True, layout="constrained")
    for axis, category in zip(axes[:, 0], shown):
        items = panels[category]
        # Labels of one day alternate right-above and left-below, so close values stay readable.
        nth_on_day: dict[str, int] = defaultdict(int)
        for row in sorted(items, key=lambda r: (r["date"], -float(r["value"]))):
            day = date.fromisoformat(row["date"])
            place = row["municipality"] or ""
            axis.scatter([day], [float(row["value"])], s=60, zorder=3, color=colour[place],
                         facecolors=colour[place] if row["dated"] else "white", linewidths=1.8)
            label = f"{format_value(row['value'])} {row['unit']}"
            odd = nth_on_day[row["date"]] % 2
            nth_on_day[row["date"]] += 1
            axis.annotate(label, (day, float(row["value"])), textcoords="offset points",
                          xytext=(-8, -14) if odd else (8, 4), ha="right" if odd else "left",
                          fontsize=9, color="#333333")
        # Lines join one municipality's values of one unit over time.
        series: dict[tuple, list] = defaultdict(list)
        for row in items:
            if not row["dated"]:
                continue  # the day first stored is not when the number held
            series[(row["municipality"] or "", row["unit"])].append(
                (date.fromisoformat(row["date"]), float(row["value"])))
        for (place, _unit), points in series.items():
            if len({d for d, _ in points}) > 1:
                points.sort()
                axis.plot([d for d, _ in points], [v for _, v in points], color=colour[place], alpha=0.6)
        values = [float(row["value"]) for row in items if row["value"] is not None]
        if min(values) > 0 and max(values) / min(values) >= 1000:
            axis.set_yscale("log")
        axis.set_title(category_label(category), loc="right", fontsize=11)
        axis.set_ylabel(VALUE_AXIS_TITLE, fontsize=9)
        axis.grid(True, alpha=0.3)
        axis.margins(x=0.15, y=0.25)
        if axis.get_yscale() == "linear":
            if min(values) >= 0:
                axis.set_ylim(0, max(values) * 1.2 or 1)
            axis.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _pos: format_value(v)))

    bottom = axes[-1, 0]
    bottom.set_xlabel(DATE_AXIS_TITLE, fontsize=9)
    bottom.xaxis.set_major_locator(mdates.AutoDateLocator(minticks=2, maxticks=7))
    span = (days[-1] - days[0]).days
    # The data's own days as ticks, unless two would print over each other.
    if len(days) <= 7 and all((b - a).days * 9 >= span for a, b in zip(days, days[1:])):
        bottom.set_xticks(days)
    bottom.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(
        lambda x, _pos: f"{mdates.num2date(x).date().isoformat()}\n{jalali_label(mdates.num2date(x).date())}"))
    if len(days) == 1:
        only = mdates.date2num(days[0])
        bottom.set_xlim(only - 30, only + 30)

    handles = [Line2D([], [], marker="o", linestyle="", color=colour[p], label=p or "شهر نامشخص")
               for p in places]
    if not all(row["dated"] for row in rows):
        handles.append(Line2D([], [], marker="o", linestyle="", color="#555555", markerfacecolor="white",
                              label="hollow: article gives no date, placed on the day first stored"))
    fig.legend(handles=handles, loc="outside lower center", ncols=min(4, len(handles)), fontsize=9, frameon=False)
    heading = title
    if subtitle:
        heading += "\n" + subtitle
    if hidden:
        heading += f"\n(+ {len(hidden)} more categories in the table: {'، '.join(map(category_label, hidden))})"
    fig.suptitle(heading, fontsize=14)
    return fig
