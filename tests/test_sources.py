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
