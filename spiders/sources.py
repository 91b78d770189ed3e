"""The sources file: which sites to crawl, from where, and how far."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml


class SourcesError(ValueError):
    """The sources file is unusable; the message names the file and the entry."""


@dataclass(frozen=True)
class Source:
    name: str
    start_urls: tuple[str, ...]
    allowed_domains: tuple[str, ...]
    municipality: str | None = None
    article_url_pattern: str | None = None
    max_pages: int = 200
    max_depth: int = 3
    # Crawl-policy overrides for this source only, as sorted (SETTING, value) pairs (hashable).
    settings: tuple[tuple[str, Any], ...] = ()

    def to_json(self) -> dict:
        return {
            "name": self.name, "start_urls": list(self.start_urls),
            "allowed_domains": list(self.allowed_domains), "municipality": self.municipality,
            "article_url_pattern": self.article_url_pattern,
            "max_pages": self.max_pages, "max_depth": self.max_depth,
            "settings": dict(self.settings),
        }

    @classmethod
    def from_json(cls, data: dict) -> Source:
        return cls(
            name=data["name"], start_urls=tuple(data["start_urls"]),
            allowed_domains=tuple(data["allowed_domains"]), municipality=data.get("municipality"),
            article_url_pattern=data.get("article_url_pattern"),
            max_pages=int(data.get("max_pages", 200)), max_depth=int(data.get("max_depth", 3)),
            settings=tuple(sorted((data.get("settings") or {}).items())),
        )


_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_KNOWN_KEYS = {"name", "start_urls", "allowed_domains", "municipality", "article_url_pattern",
               "max_pages", "max_depth", "settings"}

# What a source may change in the crawl policy: pace, patience and limits. Politeness
# itself (robots.txt, the User-Agent, the offsite guard) is not negotiable per source.
# (type, smallest allowed value)
SOURCE_SETTINGS: dict[str, tuple[type, float]] = {
    "DOWNLOAD_DELAY": (float, 0),
    "AUTOTHROTTLE_ENABLED": (bool, 0),
    "AUTOTHROTTLE_START_DELAY": (float, 0),
    "AUTOTHROTTLE_MAX_DELAY": (float, 0),
    "CONCURRENT_REQUESTS_PER_DOMAIN": (int, 1),
    "DOWNLOAD_TIMEOUT": (float, 0.1),
    "DOWNLOAD_MAXSIZE": (int, 1024),
    "RETRY_TIMES": (int, 0),
    "RETRY_BACKOFF_BASE": (float, 0),
    "RETRY_BACKOFF_MAX": (float, 0),
    "REDIRECT_MAX_TIMES": (int, 1),
}


def load_sources(path: str | Path, *, substitutions: dict[str, str] | None = None) -> list[Source]:
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise SourcesError(f"{path}: cannot read sources file: {error}") from error
    except yaml.YAMLError as error:
        raise SourcesError(f"{path}: not valid YAML: {error}") from error
    if not isinstance(data, dict) or not isinstance(data.get("sources"), list) or not data["sources"]:
        raise SourcesError(f"{path}: expected a non-empty 'sources:' list")
    sources: list[Source] = []
    seen: set[str] = set()
    for index, entry in enumerate(data["sources"]):
        source = _parse_entry(path, index, entry, substitutions or {})
        if source.name in seen:
            raise SourcesError(f"{path}: source '{source.name}': duplicate name")
        seen.add(source.name)
        sources.append(source)
    return sources


def _parse_entry(path: Path, index: int, entry, substitutions: dict[str, str]) -> Source:
    if not isinstance(entry, dict):
        raise SourcesError(f"{path}: entry #{index + 1}: expected a mapping")
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        raise SourcesError(f"{path}: entry #{index + 1}: missing 'name'")
    where = f"{path}: source '{name}'"
    unknown = set(entry) - _KNOWN_KEYS
    if unknown:
        raise SourcesError(f"{where}: unknown keys {sorted(unknown)}")

    def substitute(text: str) -> str:
        def replace(match: re.Match) -> str:
            key = match.group(1)
            if key not in substitutions:
                raise SourcesError(f"{where}: no value for placeholder {{{key}}} in {text!r}")
            return substitutions[key].rstrip("/")
        return _PLACEHOLDER.sub(replace, text)

    start_urls = entry.get("start_urls")
    if isinstance(start_urls, str):
        start_urls = [start_urls]
    if not start_urls or not all(isinstance(u, str) for u in start_urls):
        raise SourcesError(f"{where}: no start_urls")
    start_urls = [substitute(u) for u in start_urls]
    domains = entry.get("allowed_domains") or []
    if isinstance(domains, str):
        domains = [domains]
    domains = [substitute(d) for d in domains]
    for url in start_urls:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise SourcesError(f"{where}: bad URL {url!r}")
        if not domains:
            continue
        if not any(_host_in_domain(parts.hostname, d) for d in domains):
            raise SourcesError(f"{where}: start URL {url} is outside allowed_domains {domains}")
    if not domains:
        domains = sorted({urlsplit(u).hostname for u in start_urls})
    pattern = entry.get("article_url_pattern")
    if pattern is not None:
        try:
            re.compile(pattern)
        except re.error as error:
            raise SourcesError(f"{where}: bad article_url_pattern {pattern!r}: {error}") from error
    try:
        max_pages = int(entry.get("max_pages", 200))
        max_depth = int(entry.get("max_depth", 3))
    except (TypeError, ValueError) as error:
        raise SourcesError(f"{where}: max_pages and max_depth must be integers") from error
    if max_pages < 1 or max_depth < 0:
        raise SourcesError(f"{where}: max_pages must be >= 1 and max_depth >= 0")
    return Source(
        name=name, start_urls=tuple(start_urls), allowed_domains=tuple(domains),
        municipality=entry.get("municipality"), article_url_pattern=pattern,
        max_pages=max_pages, max_depth=max_depth, settings=_source_settings(where, entry.get("settings")),
    )


def _source_settings(where: str, settings) -> tuple[tuple[str, Any], ...]:
    if settings is None:
        return ()
    if not isinstance(settings, dict):
        raise SourcesError(f"{where}: settings must be a mapping of crawl settings")
    checked = {}
    for key, value in settings.items():
        if key not in SOURCE_SETTINGS:
            raise SourcesError(f"{where}: setting {key!r} cannot be set per source "
                               f"(allowed: {', '.join(sorted(SOURCE_SETTINGS))})")
        kind, smallest = SOURCE_SETTINGS[key]
        # YAML's true is an int to Python, and 2 is a fine float: accept exactly what is meant.
        if kind is bool:
            ok = isinstance(value, bool)
        elif kind is int:
            ok = isinstance(value, int) and not isinstance(value, bool)
        else:
            ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        if not ok:
            wanted = {bool: "true or false", int: "an integer", float: "a number"}[kind]
            raise SourcesError(f"{where}: setting {key} must be {wanted}, not {value!r}")
        if kind is not bool and value < smallest:
            raise SourcesError(f"{where}: setting {key} must be >= {smallest}, not {value!r}")
        checked[key] = kind(value)
    return tuple(sorted(checked.items()))


def _host_in_domain(host: str, domain: str) -> bool:
    domain = domain.lower().split(":")[0]
    host = host.lower()
    return host == domain or host.endswith("." + domain)
