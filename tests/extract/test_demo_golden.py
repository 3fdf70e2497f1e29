"""Each demo page, cleaned and extracted, gives the incidents written by hand in articles.yaml.

The expectations are a human coder's reading of each demo article (seeds/demo/articles.yaml,
`expect`), not the extractor's output saved back: a failure here is a real extraction error.
"""

from __future__ import annotations

import unicodedata

import pytest

from extract.clean import clean_html
from extract.incidents import extract_incidents
from ingest.config import REPO_ROOT
from tests.support.demo import DEMO_ARTICLES

PAGES = REPO_ROOT / "seeds" / "demo" / "articles"
BASE = "http://127.0.0.1:8765"


def _fold(text: str | None) -> str:
    plain = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    return plain.casefold().replace("-", " ").strip()


def _extracted(article: dict) -> list[dict]:
    html = (PAGES / f"{article['slug']}.html").read_bytes().replace(b"{{BASE_URL}}", BASE.encode())
    cleaned = clean_html(html, f"{BASE}/articles/{article['slug']}.html")
    assert cleaned.ok, cleaned.detail
    return [i.to_dict() for i in extract_incidents(cleaned.text, title=cleaned.title,
                                                   published=article["published"])]


def _matches(found: dict, want: dict) -> bool:
    places = want["location"] if isinstance(want["location"], list) else [want["location"]]
    return (found["event_type"] == want["event_type"]
            and found["country_code"] == want["country_code"]
            and found["date"] == want["date"]
            and _fold(found["location"]) in {_fold(place) for place in places}
            and found["fatalities"] == want.get("fatalities"))


@pytest.mark.parametrize("article", DEMO_ARTICLES, ids=[a["slug"] for a in DEMO_ARTICLES])
def test_demo_article_gives_its_hand_coded_incidents(article):
    found = _extracted(article)
    wanted = article["expect"]
    assert len(found) == len(wanted), [
        (i["event_type"], i["location"], i["date"], i["evidence"][:80]) for i in found]
    for want in wanted:
        assert any(_matches(f, want) for f in found), (want, found)
        if "sub_event_type" in want:
            assert any(f["sub_event_type"] == want["sub_event_type"] for f in found), found
        if want.get("injured") is not None:
            assert any(f["injured"] == want["injured"] for f in found), found


SEED_PAGE_INCIDENTS = [  # the reading of the seed article, published 2024-04-22
    {"location": "Rumaylan", "country_code": "SY", "date": "2024-04-21", "fatalities": 0,
     "event_type": "Explosions/Remote violence"},
    {"location": "Zummar", "country_code": "IQ", "date": "2024-04-21",
     "event_type": "Explosions/Remote violence", "sub_event_type": "Air/drone strike"},
    {"country_code": "IQ", "date": "2024-04-20", "fatalities": 1},
]


def test_seed_article_as_a_full_news_page_gives_its_three_incidents():
    """Navigation, related links and reader comments (one inventing an attack) around it."""
    article = {"slug": "seed-article", "published": "2024-04-22T09:14:00Z"}
    found = _extracted(article)
    assert len(found) == 3, [(i["location"], i["date"]) for i in found]
    for want in SEED_PAGE_INCIDENTS:
        assert any(all(f.get(key) == value for key, value in want.items()) for f in found), want
