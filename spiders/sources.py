"""The sources file: which sites to crawl, from where, and how far.

Checked against a schema (pydantic) before anything starts: every mistake is one line
naming the file, the source and the key, and all of them are reported at once.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

import re2
import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator


class SourcesError(ValueError):
    """The sources file is unusable; each line of the message names the file, the source and the key."""


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

# Upper bounds: a night's crawl of one site, not a typo that crawls for a month.
MAX_PAGES_LIMIT = 100_000
MAX_DEPTH_LIMIT = 100
NAME_LIMIT = 200
_HOUR = 3600.0

Seconds = Annotated[float, Field(ge=0, le=_HOUR, allow_inf_nan=False)]


class SourceSettings(BaseModel):
    """What a source may change in the crawl policy: pace, patience and limits. Politeness
    itself (robots.txt, the User-Agent, the offsite guard) is not negotiable per source.
    Strict: YAML's true is not 1, 2.9 is not an integer, .nan and .inf are not numbers."""

    model_config = ConfigDict(extra="forbid", strict=True)

    DOWNLOAD_DELAY: Seconds | None = None
    AUTOTHROTTLE_ENABLED: bool | None = None
    AUTOTHROTTLE_START_DELAY: Seconds | None = None
    AUTOTHROTTLE_MAX_DELAY: Seconds | None = None
    CONCURRENT_REQUESTS_PER_DOMAIN: Annotated[int, Field(ge=1, le=64)] | None = None
    DOWNLOAD_TIMEOUT: Annotated[float, Field(ge=0.1, le=_HOUR, allow_inf_nan=False)] | None = None
    DOWNLOAD_MAXSIZE: Annotated[int, Field(ge=1024, le=1 << 30)] | None = None
    RETRY_TIMES: Annotated[int, Field(ge=0, le=20)] | None = None
    RETRY_BACKOFF_BASE: Seconds | None = None
    RETRY_BACKOFF_MAX: Seconds | None = None
    REDIRECT_MAX_TIMES: Annotated[int, Field(ge=1, le=50)] | None = None


SOURCE_SETTINGS = tuple(SourceSettings.model_fields)


def _checked_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"bad URL {url!r}: expected http(s)://host/…")
    problem = host_problem(parts.hostname)
    if problem:
        raise ValueError(f"{url}: {problem}")
    return url


def _domain_host(domain: str) -> str:
    """An allowed domain's host: lower case, without a port or an IPv6 address's brackets."""
    domain = domain.strip().lower()
    if domain.startswith("["):
        return domain[1:].split("]", 1)[0]
    if domain.count(":") > 1:  # an IPv6 address («::ffff:10.0.0.1»): its colons are no port
        return domain
    return domain.split(":")[0].strip(".")


def _checked_domain(domain: str) -> str:
    host = _domain_host(domain)
    problem = whole_suffix(host) or host_problem(host)
    if problem:
        raise ValueError(problem)
    return domain


class SourceEntry(BaseModel):
    """One entry of the sources file, placeholders already filled in."""

    model_config = ConfigDict(extra="forbid", strict=True)

    # What the warehouse's sources.name holds (PostgreSQL refuses longer at the run's start).
    name: Annotated[str, Field(min_length=1, max_length=NAME_LIMIT)]
    # Each item checked on its own, so that every bad one is a line of the error, not the first.
    start_urls: Annotated[list[Annotated[str, AfterValidator(_checked_url)]], Field(min_length=1)]
    allowed_domains: list[Annotated[str, AfterValidator(_checked_domain)]] = []
    municipality: str | None = None
    article_url_pattern: str | None = None
    max_pages: Annotated[int, Field(ge=1, le=MAX_PAGES_LIMIT)] = 200
    max_depth: Annotated[int, Field(ge=0, le=MAX_DEPTH_LIMIT)] = 3
    settings: SourceSettings | None = None

    @field_validator("article_url_pattern")
    @classmethod
    def _pattern(cls, pattern: str | None) -> str | None:
        if pattern is not None:
            url_pattern(pattern)
        return pattern


def url_pattern(pattern: str) -> re2._Regexp:
    r"""A sources file's regular expression, compiled by RE2 (google-re2): it matches in time
    linear in the URL, whatever the pattern. Python's re backtracks, and a pattern as short as
    '(a|a)*$' took 0.53 s on a 22-character URL, twice as long for each character more; no
    check of the pattern's shape catches every such case. What needs backtracking
    (backreferences, lookarounds, atomic groups, possessive repeats) RE2 does not have: such a
    pattern is a ValueError, one line. RE2's \d, \w and \b are ASCII (\p{Nd} is any digit):
    the crawl matches URLs percent-encoded (safe_url_string), which are ASCII."""
    options = re2.Options()
    options.log_errors = False  # the mistake is said once, in our line; RE2 would also log it to stderr
    try:
        return re2.compile(pattern, options)
    except re2.error as error:
        missing = " ".join(_re2_message(error).split())
    try:
        re.compile(pattern)
    except re.error as error:
        raise ValueError(f"bad regular expression {pattern!r}: {error}") from None
    raise ValueError(f"{pattern!r} needs what RE2, the linear-time engine URL patterns are matched with, does "
                     f"not have ({missing}): write it without backreferences, lookarounds, atomic groups or "
                     "possessive repeats")


def _re2_message(error: re2.error) -> str:
    reason = error.args[0] if error.args else str(error)
    return reason.decode("utf-8", "replace") if isinstance(reason, bytes) else str(reason)


def load_sources(path: str | Path, *, substitutions: dict[str, str] | None = None) -> list[Source]:
    """The sources of `path`, checked; SourcesError lists every mistake, one line each."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_bytes().decode("utf-8"))
    except OSError as error:
        raise SourcesError(f"{path}: cannot read sources file: {error.strerror or error}") from error
    except UnicodeDecodeError as error:
        raise SourcesError(f"{path}: not UTF-8 text (byte 0x{error.object[error.start]:02x} at offset "
                           f"{error.start}): save the file as UTF-8") from error
    except yaml.YAMLError as error:
        raise SourcesError(f"{path}: not valid YAML: {' '.join(str(error).split())}") from error
    if not isinstance(data, dict) or not isinstance(data.get("sources"), list) or not data["sources"]:
        raise SourcesError(f"{path}: expected a non-empty 'sources:' list")
    sources: list[Source] = []
    problems: list[str] = []
    seen: set[str] = set()
    for index, entry in enumerate(data["sources"]):
        source = _parse_entry(path, index, entry, substitutions or {}, problems)
        if source is None:
            continue
        if source.name in seen:
            problems.append(f"{path}: source '{source.name}': duplicate name")
        seen.add(source.name)
        sources.append(source)
    if problems:
        raise SourcesError("\n".join(problems))
    return sources


def _parse_entry(path: Path, index: int, entry, substitutions: dict[str, str], problems: list[str]) -> Source | None:
    if not isinstance(entry, dict):
        problems.append(f"{path}: entry #{index + 1}: expected a mapping of name, start_urls, …")
        return None
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        problems.append(f"{path}: entry #{index + 1}: missing 'name'")
        return None
    where = f"{path}: source '{name}'"
    before = len(problems)

    def substitute(text):
        if not isinstance(text, str):
            return text

        def replace(match: re.Match) -> str:
            key = match.group(1)
            if key not in substitutions:
                problems.append(f"{where}: no value for placeholder {{{key}}} in {text!r}")
                return match.group(0)
            return substitutions[key].rstrip("/")
        return _PLACEHOLDER.sub(replace, text)

    entry = dict(entry)
    for key in ("start_urls", "allowed_domains"):
        if isinstance(entry.get(key), str):
            entry[key] = [entry[key]]
        if isinstance(entry.get(key), list):
            entry[key] = [substitute(item) for item in entry[key]]
    if len(problems) > before:
        return None
    try:
        checked = SourceEntry.model_validate(entry)
    except ValidationError as error:
        problems.extend(f"{where}: {_key(problem['loc'])}: {_message(problem)}" for problem in error.errors())
        return None
    domains = checked.allowed_domains or sorted({urlsplit(u).hostname for u in checked.start_urls})
    for url in checked.start_urls:
        host = urlsplit(url).hostname
        if not any(_host_in_domain(host, domain) for domain in domains):
            problems.append(f"{where}: start_urls: start URL {url} is outside allowed_domains {domains}")
    if len(problems) > before:
        return None
    settings = checked.settings.model_dump(exclude_none=True) if checked.settings else {}
    return Source(
        name=checked.name, start_urls=tuple(checked.start_urls), allowed_domains=tuple(domains),
        municipality=checked.municipality, article_url_pattern=checked.article_url_pattern,
        max_pages=checked.max_pages, max_depth=checked.max_depth, settings=tuple(sorted(settings.items())),
    )


def _key(location: tuple) -> str:
    # A list item's index is left out: its message names the item (the URL, the domain, the value).
    return ".".join(str(part) for part in location if not isinstance(part, int)) or "entry"


def _message(problem: dict) -> str:
    if problem["type"] == "extra_forbidden":
        if problem["loc"][:1] == ("settings",):
            return f"cannot be set per source (allowed: {', '.join(SOURCE_SETTINGS)})"
        return f"unknown key (known: {', '.join(SourceEntry.model_fields)})"
    if problem["type"] == "missing":
        return "missing"
    message = problem["msg"].removeprefix("Value error, ")
    if problem["type"] == "value_error":
        return message
    if problem["type"] == "string_too_long":  # the line names it already: its length is what matters
        return f"{message}, not {len(problem['input'])}"
    return f"{message}, not {problem['input']!r}"


def host_problem(host: str) -> str | None:
    """Why a crawl must not go to `host`, or None. An address of the operator's own network
    (private, link-local such as a cloud's 169.254.169.254 metadata service, multicast,
    unspecified) is refused; loopback stays allowed, for the local demo and test sites."""
    address = _address(host)
    if address is None:
        return None if "." in host or host == "localhost" else f"{host!r} is not a full host name"
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped  # «::ffff:10.0.0.1» reaches 10.0.0.1
    if address.is_loopback:
        return None
    if address.is_link_local or address.is_private or address.is_multicast or address.is_unspecified \
            or address.is_reserved:
        shown = host if str(address) == host.strip("[]") else f"{host} ({address})"
        return f"{shown} is a private, link-local or reserved address: not a news site to crawl"
    if "." not in host and ":" not in host:  # 134744072 is 8.8.8.8 to the resolver, and no site's name
        return f"{host!r} is not a full host name"
    return None


# An IPv4 address as the system's resolver also reads it (inet_aton, which getaddrinfo and
# so the crawl use): one to four parts, each decimal, octal (leading 0) or hex (0x).
# «169.254.43518», «0251.0376.0251.0376» and «2852039166» are all 169.254.169.254.
_NUMERIC_HOST = re.compile(r"(?:0x[0-9a-f]*|[0-9]+)(?:\.(?:0x[0-9a-f]*|[0-9]+)){0,3}\.?", re.IGNORECASE)


def _address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address `host` names without a DNS lookup, or None for a host name."""
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        pass
    if not _NUMERIC_HOST.fullmatch(host):
        return None
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host.removesuffix(".")))
    except OSError:  # a part out of range («999.1»): no address, and no host name either
        return None


def whole_suffix(domain: str) -> str | None:
    """Why an allowed domain is too wide: a public suffix (com, ir, gov.ir, co.uk) would let
    the crawl follow links to every site under it."""
    if _address(domain) is not None or domain == "localhost":
        return None
    extracted = _public_suffixes()(domain)
    if not extracted.domain:
        return f"{domain!r} is a public suffix, shared by every site under it: name the site's own domain"
    return None


@lru_cache(maxsize=1)
def _public_suffixes():
    import tldextract

    # The suffix list that tldextract ships: never fetched, nothing cached on disk.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def _host_in_domain(host: str, domain: str) -> bool:
    domain = _domain_host(domain)
    host = host.lower()
    return host == domain or host.endswith("." + domain)
