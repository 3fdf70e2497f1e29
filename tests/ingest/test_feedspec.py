"""FeedSpec validation and the seed feed list."""

from __future__ import annotations

import pytest

from ingest.config import REPO_ROOT
from ingest.feedspec import REGIONS, FeedSpec, FeedSpecError, load_feeds

GOOD = {"id": "bbc-world", "name": "BBC World", "url": "https://feeds.bbci.co.uk/news/world/rss.xml",
        "language": "en", "country": "GB", "region": "global", "tags": ["world-desk"]}


def test_seed_list_is_valid_and_diverse():
    specs = load_feeds(REPO_ROOT / "seeds" / "feeds.yaml")
    assert len(specs) >= 40
    assert len({s.id for s in specs}) == len(specs)
    assert len({s.language for s in specs}) >= 6
    regions = {s.region for s in specs}
    assert {"africa", "middle-east", "europe", "latin-america", "global"} <= regions
    assert all(s.url.startswith("https://") for s in specs)


def test_mapping_builds_a_frozen_spec():
    spec = FeedSpec.from_mapping(GOOD)
    assert spec.tags == ("world-desk",) and spec.enabled
    with pytest.raises(AttributeError):
        spec.url = "https://x.example/"  # type: ignore[misc]


@pytest.mark.parametrize("change,message", [
    ({"url": "ftp://feeds.example.org/rss"}, "must start with http"),
    ({"url": "https:///rss"}, "no valid host"),
    ({"url": "https://exa mple.org/rss"}, "contains spaces"),
    ({"id": "Bad Id"}, "id must be"),
    ({"language": "English"}, "ISO 639"),
    ({"country": "gbr"}, "ISO 3166"),
    ({"region": "mars"}, "one of: " + ", ".join(REGIONS)),
    ({"colour": "red"}, "unknown key(s) colour; allowed: id, name"),
    ({"tags": "Not OK"}, "tags must be"),
])
def test_bad_entries_are_named(change, message):
    with pytest.raises(FeedSpecError) as error:
        FeedSpec.from_mapping({**GOOD, **change}, where="feeds.yaml entry 3")
    assert message in str(error.value)
    assert "bbc-world" in str(error.value) or "Bad Id" in str(error.value)


def test_duplicate_ids_name_both_entries(tmp_path):
    path = tmp_path / "feeds.yaml"
    path.write_text("feeds:\n"
                    "  - {id: a1, name: A, url: 'https://a.example/rss', language: en}\n"
                    "  - {id: b2, name: B, url: 'https://b.example/rss', language: en}\n"
                    "  - {id: a1, name: C, url: 'https://c.example/rss', language: en}\n")
    with pytest.raises(FeedSpecError, match=r"duplicate feed id 'a1' in entries 1 and 3"):
        load_feeds(path)


@pytest.mark.parametrize("text,message", [
    ("feeds: [", "not valid YAML"),
    ("just: text", "top-level 'feeds:' list"),
    ("feeds:\n  - {id: a1, name: A, language: en}\n", "missing url"),
    ("feeds:\n  - 42\n", "expected a mapping"),
    ("feeds:\n  - {id: off, name: A, url: 'https://a.example/', language: en}\n", "quote it"),
])
def test_bad_files(tmp_path, text, message):
    path = tmp_path / "feeds.yaml"
    path.write_text(text)
    with pytest.raises(FeedSpecError, match=message):
        load_feeds(path)
    with pytest.raises(FeedSpecError, match="cannot read"):
        load_feeds(tmp_path / "missing.yaml")
