"""The local demo site: real corpus pages, discovery documents, conditional GET."""

import re
import urllib.error
import urllib.request

import pytest

from conftest import CORPUS
from shahrnameh.demo.site import DemoSite, DemoSiteError


def get(url, headers=None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture(scope="module")
def site():
    with DemoSite() as running:
        yield running


def test_robots_sitemap_and_feed_describe_the_sections(site):
    status, _, robots = get(site.base_url + "/robots.txt")
    assert status == 200
    assert b"Disallow: /private/" in robots and f"Sitemap: {site.base_url}/sitemap.xml".encode() in robots
    _, headers, sitemap = get(site.base_url + "/sitemap.xml")
    locs = re.findall(rb"<loc>([^<]+)</loc>", sitemap)
    assert len(locs) == 5 + 2 and all(b"/cityhall/" in loc for loc in locs)
    _, headers, feed = get(site.base_url + "/feed.xml")
    assert headers["Content-Type"].startswith("application/rss+xml")
    assert len(re.findall(rb"<item>", feed)) == len(list((CORPUS / "html" / "voa-dari").glob("*.html"))) == 68


def test_news_listing_paginates_ten_links_a_page(site):
    _, _, first = get(site.base_url + "/news/")
    _, _, second = get(site.base_url + "/news/?page=2")
    links = [re.findall(rb'<li><a href="(/news/[^"]+)"', page) for page in (first, second)]
    assert len(links[0]) == 10 and len(links[1]) == 3 + 8 + 2 + 1 - 10
    assert 'href="/news/?page=2">بعدی'.encode() in first and b"/private/" in first
    assert get(site.base_url + "/news/?page=3")[0] == 404


def test_corpus_pages_are_served_as_published(site):
    for folder, path in (("persian-news", "/news/yjc-7349926.html"),
                         ("arabic-news", "/news/arabic-1691196862.html"),
                         ("voa-dari", "/dari/article_7163944.html"),
                         ("edge-cases", "/news/arvancloud-bot-challenge.html")):
        status, headers, body = get(site.base_url + path)
        assert status == 200, path  # the CDN's challenge too: it really answers 200
        assert body == (CORPUS / "html" / folder / path.split("/")[-1].removeprefix("arabic-")).read_bytes()
        assert headers["Content-Type"] == "text/html; charset=utf-8"


def test_text_material_is_rendered_and_labelled(site):
    source = CORPUS / "text" / "fars_8611030530_urmia_7_neighbourhood_parks.txt"
    lines = [l.strip() for l in source.read_text(encoding="utf-8").splitlines() if l.strip() and not l.startswith("#")]
    _, _, body = get(f"{site.base_url}/cityhall/{source.stem}.html")
    page = body.decode("utf-8")
    assert f"<h1>{lines[0]}</h1>" in page and f"<p>{lines[1]}</p>" in page
    assert "Text-only material from https://www.farsnews.ir/news/8611030530, rendered by the Shahrnameh demo site" in page
    assert "<time" not in page  # the header gives no date
    _, _, seed = get(f"{site.base_url}/cityhall/seed-000_79683cf1f56b498c.html")
    assert "Text-only material from corpus/seeds/000_79683cf1f56b498c.txt" in seed.decode("utf-8")


def test_conditional_get_answers_304(site):
    url = site.base_url + "/dari/article_7163944.html"
    _, headers, _ = get(url)
    assert get(url, {"If-None-Match": headers["ETag"]})[0] == 304
    assert get(url, {"If-None-Match": '"other"'})[0] == 200
    assert get(url, {"If-Modified-Since": headers["Last-Modified"]})[0] == 304
    assert get(url, {"If-Modified-Since": "Mon, 01 Jan 2024 00:00:00 GMT"})[0] == 200


def test_redirects_private_paths_and_request_log(site):
    request = urllib.request.Request(site.base_url + "/news/shiraz-portal.html")
    opener = urllib.request.build_opener(NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as redirect:
        opener.open(request, timeout=10)
    assert redirect.value.code == 302 and redirect.value.headers["Location"] == "https://portal.shiraz.ir"
    assert get(site.base_url + "/private/drafts.html")[0] == 403
    assert "/private/drafts.html" in site.requests


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_missing_corpus_is_a_clear_error(tmp_path):
    with pytest.raises(DemoSiteError, match="corpus not found"):
        DemoSite(tmp_path / "nowhere")
    with pytest.raises(DemoSiteError, match="not running"):
        DemoSite().base_url


def test_the_seed_pages_carry_their_headline_not_the_site_header_strip(site):
    # The copied seeds start with their site's header (seed 004: «فیروزه کویرشنبه ۲۹ اردیبهشت
    # ۱۴۰۳», seed 000: «پیام خوزستان»); the page the demo serves has the headline as its title.
    from shahrnameh.nlp.document import read_document

    seeds = {
        "seed-004_2c1a495e2d80be16": ("آیین رونمایی از الگوی حکمرانی مردمی و مدیریت مشارکتی شهرداری رفسنجان برگزارشد",
                                      "2024-05-18"),
        "seed-000_79683cf1f56b498c": ("ارتقای کیفیت خدمات‌رسانی به شهروندان با بهره‌گیری از ظرفیت هیأت امنای محلات "
                                      "شهرداری تهران", None),
    }
    for slug, (title, published) in seeds.items():
        status, _, body = get(f"{site.base_url}/cityhall/{slug}.html")
        assert status == 200
        document = read_document(body.decode("utf-8"), is_html=True)
        assert (document.title, document.published) == (title, published)
