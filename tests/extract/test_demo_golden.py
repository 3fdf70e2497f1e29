"""Golden test per demo article (seeds/demo/articles.yaml `expect`, written by hand)."""

import math
from pathlib import Path

import pytest
import yaml

from extract import gazetteer
from extract.gazetteer import fold_key
from extract.incidents import extract_incidents

REPO = Path(__file__).resolve().parents[2]
ARTICLES = yaml.safe_load((REPO / "seeds" / "demo" / "articles.yaml").read_text("utf-8"))
ARTICLES = ARTICLES["articles"]
# Events that kill nobody by their kind: ACLED codes silence there as 0 (see incidents.py).
NON_LETHAL = {"Protests", "Riots", "Strategic developments"}


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    la1, lo1, la2, lo2 = map(math.radians, (*a, *b))
    h = math.sin((la2 - la1) / 2) ** 2 + \
        math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 6371 * 2 * math.asin(math.sqrt(h))


def _point(name: str, cc: str) -> tuple[float, float] | None:
    found = [e for e, _alt in gazetteer.get().lookup(name) if e.country_code == cc]
    if not found:
        return None
    e = max(found, key=lambda e: e.population)
    return e.lat, e.lon


def _same_place(want: dict, got) -> bool:
    if fold_key(want["location"]) == fold_key(got.location or ""):
        return True
    p = _point(want["location"], want["country_code"])
    # a district or suburb of the expected town is the same place within 25 km
    return p is not None and got.lat is not None and _km(p, (got.lat, got.lon)) <= 25


@pytest.mark.parametrize("article", ARTICLES, ids=[a["slug"] for a in ARTICLES])
def test_demo_article(article):
    text = "\n\n".join(article["paragraphs"])
    found = extract_incidents(text, title=article["title"], published=article["published"])
    expected = article.get("expect") or []
    assert len(found) == len(expected), [i.evidence[:80] for i in found]
    for want, got in zip(expected, found, strict=True):
        assert got.event_type == want["event_type"]
        assert got.sub_event_type == want["sub_event_type"]
        assert got.country_code == want["country_code"]
        assert got.date == want["date"]
        assert _same_place(want, got), (want["location"], got.location)
        if want.get("fatalities") is None and want["event_type"] in NON_LETHAL:
            assert got.fatalities in (None, 0)
        else:
            assert got.fatalities == want.get("fatalities")
        if "injured" in want:
            assert got.injured == want["injured"]
