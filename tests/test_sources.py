"""sources.yaml validation: every mistake is named with its file and entry."""

import json
import time

import pytest

from shahrnameh.spiders.sources import Source, SourcesError, load_sources
from shahrnameh.flows.settings import DEFAULT_SOURCES, DEMO_SOURCES


def write(tmp_path, text):
    path = tmp_path / "sources.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_repository_sources_file_loads_with_ten_or_more_iranian_sources():
    sources = load_sources(DEFAULT_SOURCES)
    assert len(sources) >= 10
    assert all(s.start_urls and s.allowed_domains for s in sources)
    assert any("tehran.ir" in d for s in sources for d in s.allowed_domains)


def test_demo_sources_take_the_site_from_substitutions():
    sources = load_sources(DEMO_SOURCES, substitutions={"site": "http://127.0.0.1:8123/"})
    assert {s.name for s in sources} == {"demo-cityhall", "demo-dari", "demo-news"}
    assert all(u.startswith("http://127.0.0.1:8123/") and "//" not in u[7:] for s in sources for u in s.start_urls)


def test_placeholder_without_a_value_is_an_error():
    with pytest.raises(SourcesError, match=r"demo-cityhall.*\{site\}"):
        load_sources(DEMO_SOURCES)


def test_defaults_and_fields(tmp_path):
    path = write(tmp_path, "sources:\n  - name: tehran\n    start_urls: [https://www.tehran.ir/]\n"
                           "    allowed_domains: [tehran.ir]\n    municipality: Tehran\n")
    [source] = load_sources(path)
    assert source == Source("tehran", ("https://www.tehran.ir/",), ("tehran.ir",), "Tehran", None, 200, 3)


@pytest.mark.parametrize("entry, message", [
    ("  - start_urls: [https://www.tehran.ir/]\n", r"entry #1: missing 'name'"),
    ("  - name: tehran\n    allowed_domains: [tehran.ir]\n", r"'tehran': start_urls: missing"),
    ("  - name: tehran\n    start_urls: ['www.tehran.ir/news']\n", r"'tehran': start_urls: bad URL 'www.tehran.ir/news'"),
    ("  - name: tehran\n    start_urls: [https://www.isna.ir/]\n    allowed_domains: [tehran.ir]\n",
     r"'tehran': start_urls: start URL https://www.isna.ir/ is outside allowed_domains"),
    ("  - name: tehran\n    start_urls: [https://www.tehran.ir/]\n"
     "  - name: tehran\n    start_urls: [https://www.tehran.ir/x]\n", r"'tehran': duplicate name"),
    ("  - name: tehran\n    start_urls: [https://www.tehran.ir/]\n    article_url_pattern: '(['\n",
     r"'tehran': article_url_pattern: bad regular expression '\(\['"),
])
def test_bad_entries_are_named(tmp_path, entry, message):
    path = write(tmp_path, "sources:\n" + entry)
    with pytest.raises(SourcesError, match=message) as error:
        load_sources(path)
    assert str(path) in str(error.value)


def test_missing_file_and_empty_list(tmp_path):
    with pytest.raises(SourcesError, match="cannot read"):
        load_sources(tmp_path / "nope.yaml")
    with pytest.raises(SourcesError, match="non-empty 'sources:' list"):
        load_sources(write(tmp_path, "sources: []\n"))


def test_per_source_settings_are_validated_data(tmp_path):
    from shahrnameh.spiders.settings import crawl_settings

    path = write(tmp_path, "sources:\n  - name: local\n    start_urls: [http://127.0.0.1:9/news/]\n"
                           "    settings: {DOWNLOAD_DELAY: 0, AUTOTHROTTLE_ENABLED: false, DOWNLOAD_TIMEOUT: 2,\n"
                           "               RETRY_TIMES: 1}\n")
    [source] = load_sources(path)
    assert dict(source.settings) == {"DOWNLOAD_DELAY": 0.0, "AUTOTHROTTLE_ENABLED": False,
                                     "DOWNLOAD_TIMEOUT": 2.0, "RETRY_TIMES": 1}
    assert Source.from_json(source.to_json()) == source  # what the crawl's child process gets
    policy = crawl_settings(source, {"DOWNLOAD_DELAY": 3, "CONCURRENT_REQUESTS_PER_DOMAIN": 4})
    # the source's own settings win over the run's; the rest of the policy stays
    assert policy["DOWNLOAD_DELAY"] == 0 and policy["DOWNLOAD_TIMEOUT"] == 2
    assert policy["CONCURRENT_REQUESTS_PER_DOMAIN"] == 4 and policy["ROBOTSTXT_OBEY"] is True


@pytest.mark.parametrize("settings, message", [
    ("{ROBOTSTXT_OBEY: false}", r"settings.ROBOTSTXT_OBEY: cannot be set per source"),
    ("{USER_AGENT: curl}", r"settings.USER_AGENT: cannot be set per source"),
    ("{DOWNLOAD_DELAY: fast}", r"settings.DOWNLOAD_DELAY: Input should be a valid number, not 'fast'"),
    ("{RETRY_TIMES: 1.5}", r"settings.RETRY_TIMES: Input should be a valid integer, not 1.5"),
    ("{AUTOTHROTTLE_ENABLED: 0}", r"settings.AUTOTHROTTLE_ENABLED: Input should be a valid boolean, not 0"),
    ("{DOWNLOAD_DELAY: -1}", r"settings.DOWNLOAD_DELAY: Input should be greater than or equal to 0, not -1"),
    ("[DOWNLOAD_DELAY]", r"settings: Input should be a valid dictionary"),
    # Not numbers, though YAML and float() take them: a crawl that never waits or never gives up.
    ("{DOWNLOAD_DELAY: .nan}", r"settings.DOWNLOAD_DELAY: Input should be a finite number, not nan"),
    ("{DOWNLOAD_TIMEOUT: .inf}", r"settings.DOWNLOAD_TIMEOUT: Input should be a finite number, not inf"),
])
def test_bad_source_settings_are_named(tmp_path, settings, message):
    path = write(tmp_path, f"sources:\n  - name: local\n    start_urls: [http://127.0.0.1:9/]\n"
                           f"    settings: {settings}\n")
    with pytest.raises(SourcesError, match=rf"source 'local': {message}") as error:
        load_sources(path)
    assert len(str(error.value).splitlines()) == 1


def test_every_repository_source_says_why():
    # A source is crawled nightly in the project's name: each one carries its reason.
    lines = DEFAULT_SOURCES.read_text(encoding="utf-8").splitlines()
    names = [i for i, line in enumerate(lines) if line.strip().startswith("- name:")]
    assert len(names) == len(load_sources(DEFAULT_SOURCES))
    for i in names:
        assert lines[i - 1].strip().startswith("# why:"), lines[i]


LOCAL = "  - name: local\n    start_urls: [http://127.0.0.1:9/news/]\n"


@pytest.mark.parametrize("entry, message", [
    # Whole numbers only, within a night's crawl: 2.9 and true are not page counts, 1e12 is a typo.
    (LOCAL + "    max_pages: 2.9\n", r"max_pages: Input should be a valid integer, not 2.9"),
    (LOCAL + "    max_pages: true\n", r"max_pages: Input should be a valid integer, not True"),
    (LOCAL + "    max_pages: 1e12\n", r"max_pages: Input should be a valid integer, not '1e12'"),
    (LOCAL + "    max_pages: 1000000000000\n", r"max_pages: Input should be less than or equal to 100000"),
    (LOCAL + "    municipality: [1, 2]\n", r"municipality: Input should be a valid string, not \[1, 2\]"),
    # A top-level or public suffix lets the crawl wander over every site under it.
    ("  - name: local\n    start_urls: [https://www.tehran.ir/]\n    allowed_domains: ['com']\n",
     r"allowed_domains: 'com' is a public suffix"),
    ("  - name: local\n    start_urls: [https://news.tehran.gov.ir/]\n    allowed_domains: ['gov.ir']\n",
     r"allowed_domains: 'gov.ir' is a public suffix"),
    # The operator's own network: a cloud's metadata service, a router, the office LAN.
    ("  - name: local\n    start_urls: [http://169.254.169.254/latest/meta-data/]\n",
     r"start_urls: http://169.254.169.254/latest/meta-data/: 169.254.169.254 is a private, link-local"),
    ("  - name: local\n    start_urls: [http://192.168.1.1/]\n", r"start_urls: .*192.168.1.1 is a private, link-local"),
    ("  - name: local\n    start_urls: ['http://[fe80::1]/']\n", r"start_urls: .*fe80::1 is a private, link-local"),
    ("  - name: local\n    start_urls: [https://www.tehran.ir/]\n    allowed_domains: [tehran.ir, 10.0.0.5]\n",
     r"allowed_domains: 10.0.0.5 is a private, link-local"),
    # The same addresses as the resolver also reads them (inet_aton): fewer parts, octal, hex.
    ("  - name: local\n    start_urls: [http://169.254.43518/latest/meta-data/]\n",
     r"start_urls: http://169.254.43518/latest/meta-data/: 169.254.43518 \(169.254.169.254\) is a private"),
    ("  - name: local\n    start_urls: [http://10.1/]\n", r"start_urls: .*10.1 \(10.0.0.1\) is a private"),
    ("  - name: local\n    start_urls: [http://0xa9.0xfe.0xa9.0xfe/]\n",
     r"start_urls: .*0xa9.0xfe.0xa9.0xfe \(169.254.169.254\) is a private"),
    ("  - name: local\n    start_urls: [http://0251.0376.0251.0376/]\n",
     r"start_urls: .*0251.0376.0251.0376 \(169.254.169.254\) is a private"),
    ("  - name: local\n    start_urls: [http://2852039166/]\n",
     r"start_urls: .*2852039166 \(169.254.169.254\) is a private"),
    ("  - name: local\n    start_urls: [https://www.tehran.ir/]\n    allowed_domains: [tehran.ir, 012.0.0.5]\n",
     r"allowed_domains: 012.0.0.5 \(10.0.0.5\) is a private, link-local"),
    # An IPv6 address is no domain to cut a port from (it said "'' is a public suffix"); an
    # IPv4 address mapped into IPv6 is that IPv4 address to the system.
    ("  - name: local\n    start_urls: [https://www.tehran.ir/]\n    allowed_domains: [tehran.ir, '::ffff:10.0.0.1']\n",
     r"allowed_domains: ::ffff:10.0.0.1 \(10.0.0.1\) is a private, link-local or reserved address"),
    ("  - name: local\n    start_urls: [https://www.tehran.ir/]\n    allowed_domains: [tehran.ir, '[fe80::1]']\n",
     r"allowed_domains: fe80::1 is a private, link-local or reserved address"),
    ("  - name: local\n    start_urls: ['http://[::ffff:169.254.169.254]/']\n",
     r"start_urls: .*::ffff:169.254.169.254 \(169.254.169.254\) is a private, link-local"),
    # What only a backtracking engine can do: RE2, which every pattern is matched with, has none of it.
    (LOCAL + "    article_url_pattern: '/news/(\\d+)/\\1'\n",
     r"article_url_pattern: '/news/.*' needs what RE2, .* does not have \(invalid escape sequence: \\1\)"),
    (LOCAL + "    article_url_pattern: '/news/(?!draft)'\n", r"article_url_pattern: .* does not have \(invalid perl operator: \(\?!\)"),
    (LOCAL + "    article_url_pattern: '(?<=/news)/\\d+'\n", r"article_url_pattern: .* does not have \(invalid perl operator: \(\?<=\)"),
    (LOCAL + "    article_url_pattern: '/news/(?>[a-z]+)+'\n", r"article_url_pattern: .* does not have \(invalid perl operator: \(\?>\)"),
])
def test_hostile_values_are_refused_with_source_and_key(tmp_path, capfd, entry, message):
    path = write(tmp_path, "sources:\n" + entry)
    with pytest.raises(SourcesError, match=rf"^{path}: source 'local': {message}") as error:
        load_sources(path)
    assert len(str(error.value).splitlines()) == 1
    assert capfd.readouterr().err == ""  # RE2 logs its parse errors to stderr unless told not to


def test_safe_patterns_and_loopback_stay_allowed(tmp_path):
    path = write(tmp_path, "sources:\n" + LOCAL + "    article_url_pattern: '(?i)/(news|fa/news)/\\d+([a-z]+)+'\n"
                           "  - name: named\n    start_urls: [http://localhost:9/]\n"
                           "  - name: six\n    start_urls: ['http://[::1]:9/']\n    allowed_domains: ['::1']\n")
    sources = load_sources(path)
    assert [s.article_url_pattern for s in sources] == ["(?i)/(news|fa/news)/\\d+([a-z]+)+", None, None]


# Python's re backtracks: '(a|a)*$' took 0.56 s on a 22-character URL, and twice as long for
# each character more; refusing a repetition inside a repetition did not catch it. RE2 runs
# in time linear in the URL whatever the pattern, so these are no danger and are allowed.
@pytest.mark.timeout(20)
@pytest.mark.parametrize("pattern, matches", [("(a|a)*$", True), ("(a+)+$", False), ("/(\\d*)*/x", False),
                                              ("(.*a){12}$", False)])
def test_every_url_pattern_is_matched_in_time_linear_in_the_url(tmp_path, pattern, matches):
    from shahrnameh.spiders.news import NewsSpider

    path = write(tmp_path, "sources:\n" + LOCAL + f"    article_url_pattern: '{pattern}'\n")
    [source] = load_sources(path)
    spider = NewsSpider(json.dumps(source.to_json()), str(tmp_path / "archive"), 1, records=[])
    timings = []
    for length in (20_000, 80_000):
        url = "http://127.0.0.1:9/news/" + "1" * length + "/" + "a" * length + "!"
        started = time.perf_counter()
        assert spider._is_article(url, from_listing=True) is matches
        timings.append(time.perf_counter() - started)
    assert timings[1] < 1.0  # a few milliseconds


def test_every_mistake_of_a_file_is_one_line_of_the_error(tmp_path):
    path = write(tmp_path, "sources:\n" + LOCAL + "    max_pages: 2.9\n    settings: {DOWNLOAD_DELAY: .nan}\n"
                           "  - name: other\n    start_urls: [http://127.0.0.1:9/]\n    municipality: [1, 2]\n")
    with pytest.raises(SourcesError) as error:
        load_sources(path)
    lines = str(error.value).splitlines()
    assert [line.split(": ", 2)[1:] for line in lines] == [
        ["source 'local'", "max_pages: Input should be a valid integer, not 2.9"],
        ["source 'local'", "settings.DOWNLOAD_DELAY: Input should be a finite number, not nan"],
        ["source 'other'", "municipality: Input should be a valid string, not [1, 2]"]]


def test_a_name_longer_than_the_warehouse_keeps_is_refused_before_the_run(tmp_path):
    # sources.name holds 200 characters: PostgreSQL refused a longer one only once the run
    # had started, when the source was registered.
    long = "k" * 201
    path = write(tmp_path, f"sources:\n  - name: {long}\n    start_urls: [http://127.0.0.1:9/]\n"
                           f"  - name: {long[:200]}\n    start_urls: [http://127.0.0.1:9/]\n")
    with pytest.raises(SourcesError) as error:
        load_sources(path)
    assert str(error.value) == f"{path}: source '{long}': name: String should have at most 200 characters, not 201"


def test_a_file_that_is_not_utf8_is_one_line(tmp_path):
    path = tmp_path / "sources.yaml"
    path.write_bytes("sources:\n  - name: شهرداري\n    start_urls: [http://127.0.0.1:9/]\n".encode("cp1256"))
    with pytest.raises(SourcesError, match=rf"^{path}: not UTF-8 text \(byte 0x[0-9a-f]{{2}} at offset 19\)"):
        load_sources(path)


def test_every_bad_item_of_a_list_is_a_line_of_its_own(tmp_path):
    # Not only the first: a file fixed one mistake at a time takes as many runs as it has mistakes.
    path = write(tmp_path, "sources:\n  - name: local\n"
                           "    start_urls: [http://10.0.0.5/, 'http://169.254.169.254/', 7]\n"
                           "    allowed_domains: [com, gov.ir, 10.0.0.5, 169.254.169.254]\n")
    with pytest.raises(SourcesError) as error:
        load_sources(path)
    assert [line.split(": ", 3)[2:] for line in str(error.value).splitlines()] == [
        ["start_urls", "http://10.0.0.5/: 10.0.0.5 is a private, link-local or reserved address: not a news "
                       "site to crawl"],
        ["start_urls", "http://169.254.169.254/: 169.254.169.254 is a private, link-local or reserved address: "
                       "not a news site to crawl"],
        ["start_urls", "Input should be a valid string, not 7"],
        ["allowed_domains", "'com' is a public suffix, shared by every site under it: name the site's own domain"],
        ["allowed_domains", "'gov.ir' is a public suffix, shared by every site under it: name the site's own "
                            "domain"],
        ["allowed_domains", "10.0.0.5 is a private, link-local or reserved address: not a news site to crawl"],
        ["allowed_domains", "169.254.169.254 is a private, link-local or reserved address: not a news site to "
                            "crawl"]]
