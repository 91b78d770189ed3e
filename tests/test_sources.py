"""sources.yaml validation: every mistake is named with its file and entry."""

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
    ("  - name: tehran\n    allowed_domains: [tehran.ir]\n", r"'tehran': no start_urls"),
    ("  - name: tehran\n    start_urls: ['www.tehran.ir/news']\n", r"'tehran': bad URL"),
    ("  - name: tehran\n    start_urls: [https://www.isna.ir/]\n    allowed_domains: [tehran.ir]\n",
     r"'tehran': start URL https://www.isna.ir/ is outside allowed_domains"),
    ("  - name: tehran\n    start_urls: [https://www.tehran.ir/]\n"
     "  - name: tehran\n    start_urls: [https://www.tehran.ir/x]\n", r"'tehran': duplicate name"),
    ("  - name: tehran\n    start_urls: [https://www.tehran.ir/]\n    article_url_pattern: '(['\n",
     r"'tehran': bad article_url_pattern"),
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
    ("{ROBOTSTXT_OBEY: false}", r"setting 'ROBOTSTXT_OBEY' cannot be set per source"),
    ("{USER_AGENT: curl}", r"setting 'USER_AGENT' cannot be set per source"),
    ("{DOWNLOAD_DELAY: fast}", r"DOWNLOAD_DELAY must be a number"),
    ("{RETRY_TIMES: 1.5}", r"RETRY_TIMES must be an integer"),
    ("{AUTOTHROTTLE_ENABLED: 0}", r"AUTOTHROTTLE_ENABLED must be true or false"),
    ("{DOWNLOAD_DELAY: -1}", r"DOWNLOAD_DELAY must be >= 0"),
    ("[DOWNLOAD_DELAY]", r"settings must be a mapping"),
])
def test_bad_source_settings_are_named(tmp_path, settings, message):
    path = write(tmp_path, f"sources:\n  - name: local\n    start_urls: [http://127.0.0.1:9/]\n"
                           f"    settings: {settings}\n")
    with pytest.raises(SourcesError, match=rf"source 'local': (setting )?{message}"):
        load_sources(path)


def test_every_repository_source_says_why():
    # A source is crawled nightly in the project's name: each one carries its reason.
    lines = DEFAULT_SOURCES.read_text(encoding="utf-8").splitlines()
    names = [i for i, line in enumerate(lines) if line.strip().startswith("- name:")]
    assert len(names) == len(load_sources(DEFAULT_SOURCES))
    for i in names:
        assert lines[i - 1].strip().startswith("# why:"), lines[i]
