"""clean_html on small written pages: boilerplate, rejections, encodings, metadata."""

from __future__ import annotations

import gzip
import json
import random
from pathlib import Path

import pytest

from extract.clean import (
    CleanOptions,
    CleanResult,
    RejectReason,
    clean_html,
    decode_html,
    looks_like_html,
)
from tests.support.shared import shared_path

REPO = Path(__file__).resolve().parents[2]
SEED_PAGE = REPO / "seeds" / "demo" / "articles" / "seed-article.html"
SEED_TEXT = shared_path("seeds", "000_9efb2086bf8b23b0.txt")

BODY = [
    "Police in the northern city said on Tuesday that three men had been arrested after a "
    "warehouse fire destroyed much of the old river port overnight.",
    "Firefighters fought the blaze for six hours before bringing it under control, a "
    "spokeswoman for the regional fire service told reporters at the scene.",
    "Investigators are still trying to establish how the fire started, she said, adding that "
    "nobody had been injured and that the neighbouring houses were evacuated as a precaution.",
    "The port authority said the damaged warehouses had been empty for several months and "
    "were due to be demolished next year as part of a redevelopment plan.",
]


def article_page(body: list[str] = BODY, head: str = "", lang: str = "en",
                 charset: str = "utf-8") -> str:
    paragraphs = "\n".join(f"<p>{p}</p>" for p in body)
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="{charset}">
<title>Warehouse fire destroys old river port | The Daily Example</title>{head}</head>
<body>
<header><nav><ul>
  <li><a href="/">Home</a></li><li><a href="/news/">News</a></li>
  <li><a href="/sport/">Sport</a></li><li><a href="/weather/">Weather forecast for the week</a></li>
</ul></nav></header>
<main><article>
<h1>Warehouse fire destroys old river port</h1>
<p class="byline">By <span class="author">Jane Writer</span></p>
{paragraphs}
</article>
<aside class="related"><h2>Related stories</h2><ul>
  <li><a href="/a1">Mayor promises new ferry terminal for the harbour district</a></li>
  <li><a href="/a2">Council votes to close swimming pool in budget cuts</a></li>
</ul></aside>
<section id="comments" class="comments"><h3>Comments</h3>
<div class="comment"><p class="comment-text">Gunmen attacked a police station in the suburbs
 yesterday and killed twelve officers, why is nobody writing about it?</p></div>
<div class="comment"><p class="comment-text">Terrible news, hope the old cranes survive.</p></div>
</section></main>
<footer><p>Copyright 2024 The Daily Example. All rights reserved.</p>
<a href="/privacy">Privacy policy</a></footer>
</body></html>"""


def test_article_text_without_navigation_related_links_or_comments():
    result = clean_html(article_page(), "https://news.example/fire")
    assert result.ok, result.detail
    for paragraph in BODY:
        assert paragraph in result.text
    for boilerplate in ("Weather forecast", "ferry terminal", "swimming pool", "Gunmen",
                        "old cranes", "All rights reserved", "Privacy policy"):
        assert boilerplate not in result.text
    assert result.title == "Warehouse fire destroys old river port"
    assert result.text.startswith(BODY[0])  # the headline is the title, not repeated in text
    assert result.reason is None


@pytest.mark.parametrize("data, why", [
    (b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n" + bytes(range(256)) * 4, "PDF"),
    (b'{"id": 1, "html": "<p>not a page</p>", "items": [1, 2, 3]}', "JSON"),
    (b"\x89PNG\r\n\x1a\n" + bytes(200), "PNG"),
    (bytes(random.Random(7).getrandbits(8) for _ in range(3000)), ""),
    (b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>',
     "feed"),
    (b"Just a plain text file.\nNo markup at all, but it has several lines of text.\n", ""),
])
def test_non_html_bytes_are_rejected_not_html(data, why):
    result = clean_html(data)
    assert not result.ok
    assert result.reason is RejectReason.NOT_HTML
    assert why.lower() in result.detail.lower()
    assert not looks_like_html(data)


def test_looks_like_html_accepts_pages():
    assert looks_like_html(article_page())
    assert looks_like_html(article_page().encode("utf-8"))
    assert looks_like_html(gzip.compress(article_page().encode("utf-8")))
    assert looks_like_html(b"\xef\xbb\xbf  <!doctype html><title>x</title>")
    assert looks_like_html(b" \n" * 5000 + article_page().encode("utf-8"))


@pytest.mark.parametrize("data", [b"", b"   \n\t ", ""])
def test_empty_input_is_rejected_empty(data):
    result = clean_html(data)
    assert (result.ok, result.reason) == (False, RejectReason.EMPTY)


def test_short_article_is_rejected_too_short_with_the_length():
    result = clean_html(article_page(body=["Fire at the port. More soon."]))
    assert (result.ok, result.reason) == (False, RejectReason.TOO_SHORT)
    assert "fewer than 250" in result.detail
    # the threshold is ours to set
    lenient = clean_html(article_page(body=["Fire at the port. More soon."]),
                         options=CleanOptions(min_text_chars=10))
    assert lenient.ok and "Fire at the port." in lenient.text


def test_page_without_text_is_rejected_no_main_text():
    page = "<html><head><title>Nothing</title></head><body><div><img src='x.png'></div></body>"
    result = clean_html(page)
    assert (result.ok, result.reason) == (False, RejectReason.NO_MAIN_TEXT)


def test_section_front_of_links_is_rejected_not_article():
    items = "\n".join(
        f'<li><a href="/story/{i}">Headline number {i} about the events of this very busy week '
        f'in the region</a></li>' for i in range(30))
    page = f"<html><head><title>World news</title></head><body><main><h1>World</h1><ul>{items}"\
           "</ul></main></body></html>"
    result = clean_html(page)
    assert (result.ok, result.reason) == (False, RejectReason.NOT_ARTICLE)
    assert "link text" in result.detail


def test_latin1_page_behind_a_lying_utf8_header_is_decoded_right():
    body = BODY + ["Le café de la Place à Zürich était fermé après l'incident, a déclaré la "
                   "police régionale, et le garçon a reçu une amende de 300 €."]
    page = article_page(body=body, charset="iso-8859-1").replace("€", "EUR")
    result = clean_html(page.encode("latin-1"), declared_charset="utf-8")
    assert result.ok, result.detail
    assert "Le café de la Place à Zürich était fermé après" in result.text
    assert "reçu" in result.text and "\ufffd" not in result.text and "Ã" not in result.text
    assert result.encoding == "cp1252"
    # the same bytes with neither a header nor a <meta charset>: detected from the prose
    undeclared = page.replace('<meta charset="iso-8859-1">', "").encode("latin-1")
    detected = clean_html(undeclared, declared_charset="utf-8")
    assert detected.ok and "Le café de la Place à Zürich était fermé après" in detected.text


def test_utf8_page_behind_a_lying_latin1_header_stays_utf8():
    body = BODY + ["Die Straße in Köln war gesperrt, sagte die Polizei über Lautsprecher."]
    data = article_page(body=body).encode("utf-8")
    result = clean_html(data, declared_charset="ISO-8859-1")
    assert result.ok and "Die Straße in Köln war gesperrt" in result.text
    assert result.encoding == "utf_8"


def test_invalid_utf8_bytes_do_not_raise_and_keep_the_valid_text():
    body = BODY + ["Die Straße in Köln war gesperrt, sagte die Polizei über Lautsprecher."]
    data = article_page(body=body).encode("utf-8")
    damaged = data.replace(b"three men", b"three \xff\xfe men").replace(b"six", b"s\xc3ix")
    result = clean_html(damaged, declared_charset="utf-8")
    assert result.ok, result.detail
    assert "Die Straße in Köln war gesperrt" in result.text
    assert "warehouse fire destroyed much of the old river port" in result.text


def test_declared_legacy_encodings_are_followed():
    text = "Вчера в Москве прошла акция протеста против повышения цен на топливо, сообщила полиция."
    page = article_page(body=BODY + [text] * 3, lang="ru", charset="windows-1251")
    result = clean_html(page.encode("cp1251"))
    assert result.ok and text in result.text and result.encoding == "cp1251"
    assert decode_html(page.encode("cp1251"))[0] == page


def test_random_bytes_and_odd_inputs_never_raise():
    rng = random.Random(1)
    for n in range(40):
        blob = bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 4000)))
        if n % 2:
            blob = b"<html><body><p>" + blob + b"</p></body></html>"
        assert isinstance(clean_html(blob), CleanResult)
    assert clean_html(12345).reason is RejectReason.NOT_HTML  # type: ignore[arg-type]
    assert clean_html(b"\x1f\x8b\x08garbage").reason is RejectReason.NOT_HTML


def test_gzip_bytes_and_size_limit():
    data = article_page().encode("utf-8")
    assert clean_html(gzip.compress(data)).ok
    too_big = clean_html(data, options=CleanOptions(max_bytes=1000))
    assert too_big.reason is RejectReason.TOO_LARGE


def test_canonical_link_and_metadata_are_extracted():
    head = """
<link rel="canonical" href="/2024/04/22/warehouse-fire.html?ref=home">
<meta name="description" content="Three men arrested after a fire at the old river port.">
<meta property="og:site_name" content="The Daily Example">
<meta name="author" content="Jane Writer">
<meta name="keywords" content="fire, port, police">
<meta property="article:published_time" content="2024-04-22T07:45:00+02:00">"""
    result = clean_html(article_page(head=head, lang="en-GB"),
                        "https://news.example/feeds/item?id=991")
    assert result.ok, result.detail
    assert result.canonical_url == \
        "https://news.example/2024/04/22/warehouse-fire.html?ref=home"
    assert result.url == "https://news.example/feeds/item?id=991"
    assert result.description == "Three men arrested after a fire at the old river port."
    assert result.sitename == "The Daily Example"
    assert result.authors == ["Jane Writer"]
    assert result.date == "2024-04-22T07:45:00+02:00"
    assert result.language == "en"
    assert result.tags == ["fire", "port", "police"]
    assert result.encoding is None  # text was given, not bytes
    assert clean_html(article_page().encode("utf-8")).encoding == "utf_8"
    clean = clean_html(article_page(head=head))
    assert clean.canonical_url is None  # relative and no page URL to resolve it against


def test_date_is_a_day_when_the_page_gives_no_time():
    head = '<meta name="date" content="2023-11-09">'
    result = clean_html(article_page(head=head))
    assert result.date == "2023-11-09"


def test_no_date_guessed_from_a_copyright_year():
    result = clean_html(article_page())  # only "Copyright 2024" in the footer
    assert result.ok and result.date is None


def test_to_dict_of_an_article_and_of_a_rejection():
    good = clean_html(article_page(), "https://news.example/fire").to_dict()
    assert {"text", "title", "authors", "date", "sitename", "language", "canonical_url",
            "description", "tags", "url", "encoding"} <= set(good)
    assert "ok" not in good and "reason" not in good
    json.dumps(good)
    bad = clean_html(b"%PDF-1.4 ...").to_dict()
    assert bad["rejected"] == "not_html" and bad["detail"]
    json.dumps(bad)


def test_seed_article_page():
    html = SEED_PAGE.read_text(encoding="utf-8").replace("{{BASE_URL}}", "http://127.0.0.1:8765")
    url = "http://127.0.0.1:8765/articles/seed-article.html"
    result = clean_html(html.encode("utf-8"), url)
    assert result.ok, result.detail
    assert result.title == "Rockets fired from Iraq target U.S. military base in Syria"
    assert result.date is not None and result.date.startswith("2024-04-22")
    assert result.canonical_url == url
    assert result.authors == ["Layla Haddad"]
    assert result.sitename == "Frontline Dispatch"
    for leak in ("Sinjar", "checkpoint", "desert_observer", "Three months of quiet",
                 "Good reporting", "Reader comments", "Related stories", "Sign me up",
                 "Frontline Briefing", "Jordan outpost", "All rights reserved", "Subscribe"):
        assert leak not in result.text, leak
    if SEED_TEXT is not None:
        lines = SEED_TEXT.read_text(encoding="utf-8").splitlines()
        paragraphs = [p for p in lines[1:] if p.strip() and not p.startswith("Photo:")]
        assert len(paragraphs) == 8
        for paragraph in paragraphs:
            assert paragraph.strip() in result.text


def test_time_of_day_comes_from_the_byline_not_from_a_comment():
    page = article_page().replace(
        '<h3>Comments</h3>', '<h3>Comments</h3><time datetime="2024-04-22T23:10:00Z">late</time>')
    byline = 'By <span class="author">Jane Writer</span>'
    dated = page.replace(byline, "By Jane Writer, 22 April 2024")
    assert clean_html(dated).date == "2024-04-22"
    timed = page.replace(byline,
                         'By Jane Writer, <time datetime="2024-04-22T08:00:00+01:00">22 Apr</time>')
    assert clean_html(timed).date == "2024-04-22T08:00:00+01:00"


@pytest.mark.parametrize("codec, text", [
    ("cp1251", "Вчера в Москве прошла акция протеста против повышения цен на топливо."),
    ("koi8_r", "Вчера в Москве прошла акция протеста против повышения цен на топливо."),
    ("gb18030", "北京时间昨晚，警方表示，一名男子在市中心的抗议活动中被捕。"),
    ("big5", "台北時間昨晚，警方表示，一名男子在市中心的抗議活動中被捕。"),
    ("euc_kr", "서울에서 어제 대규모 시위가 벌어졌으며 경찰은 수십 명을 체포했다고 밝혔다."),
    ("shift_jis", "東京で大規模な抗議デモが行われ、警察によると数千人が参加した。"),
    ("cp1252", "El niño comió jamón en España, según la policía de la región."),
])
def test_undeclared_legacy_encodings_are_detected_despite_a_utf8_header(codec, text):
    page = f"<html><head><title>x</title></head><body><p>{text * 3}</p></body></html>"
    decoded = decode_html(page.encode(codec), declared_charset="utf-8")
    assert decoded is not None
    assert decoded[0] == page


def test_article_with_a_long_list_of_links_in_its_body_is_kept():
    links = "".join(f'<p><a href="/s/{i}">Earlier coverage: the floods of the year {1990 + i} '
                    "and what followed in the valley towns</a></p>" for i in range(20))
    page = article_page().replace("</article>", f"{links}</article>")
    result = clean_html(page)
    assert result.ok, result.detail  # mostly link text, but the prose alone is an article
    assert BODY[-1] in result.text and "the floods of the year 1995" in result.text
