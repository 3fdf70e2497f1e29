"""Hand-coded multi-incident wire stories: load them and match extracted incidents to them."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import yaml

FIXTURES = Path(__file__).resolve().parents[1] / "extract" / "fixtures"
WIRE = FIXTURES / "wire"
KNOWN_GAPS = FIXTURES / "wire_known_gaps"
FIELDS = ("event_type", "sub_event_type", "date", "country_code", "location", "fatalities",
          "injured")
KEY_FIELDS = ("event_type", "date", "country_code", "location", "fatalities")

# stories in other languages: stories_<code>/ pass, stories_known_gaps/<code>/ are measured only;
# a language is there when either folder is (adding one is adding its stories)
LANGUAGE_GAPS = FIXTURES / "stories_known_gaps"
# stories_blind/<code>/: written before the extractor read them (test_language_blind.py)
LANGUAGE_BLIND = FIXTURES / "stories_blind"
LANGUAGES = tuple(sorted({p.name.removeprefix("stories_") for p in FIXTURES.glob("stories_*")
                          if p.is_dir() and p not in (LANGUAGE_GAPS, LANGUAGE_BLIND)}
                         | {p.name for p in LANGUAGE_GAPS.glob("*") if p.is_dir()}))


def language_folder(code: str) -> Path:
    return FIXTURES / f"stories_{code}"


def stories(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.yaml")) if folder.exists() else []


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


_ARTICLE = re.compile(r"^(?:al|el|ar|as|ad|an|at|az|ash)[ -]")


def fold(text: object) -> str:
    """A place name as the shared scorer compares it: ASCII, lower case, no apostrophes or
    hyphens, no leading Arabic article ("Al Qamishli" = "Qamishli")."""
    plain = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode()
    plain = _ARTICLE.sub("", plain.casefold().replace("'", "").replace("\u2019", ""))
    return " ".join(plain.replace("-", " ").split())


def field_ok(name: str, want: dict, found: dict) -> bool:
    """One expected field against the extracted incident (a field not written is not checked;
    a location may list its accepted spellings)."""
    if name not in want:
        return True
    if name == "location":
        names = want["location"] if isinstance(want["location"], list) else [want["location"]]
        return fold(found.get("location")) in {fold(n) for n in names}
    return found.get(name) == want[name]


def matches(want: dict, found: dict, fields: tuple[str, ...] = KEY_FIELDS) -> bool:
    return all(field_ok(f, want, found) for f in fields)


def pair(expected: list[dict], found: list[dict], fields: tuple[str, ...] = KEY_FIELDS
         ) -> dict[int, int]:
    """The largest one-to-one pairing of expected to extracted incidents (augmenting paths)."""
    owner: dict[int, int] = {}

    def place(i: int, seen: set[int]) -> bool:
        for j, f in enumerate(found):
            if j in seen or not matches(expected[i], f, fields):
                continue
            seen.add(j)
            if j not in owner or place(owner[j], seen):
                owner[j] = i
                return True
        return False

    for i in range(len(expected)):
        place(i, set())
    return {i: j for j, i in owner.items()}


def extract(story: dict) -> list[dict]:
    """The incidents extracted from a story. A story that names its `language` goes the whole
    pipeline's way (language gate and relevance included), as an article in that language would."""
    if story.get("language"):
        from extract.article import extract_record

        row = {k: story[k] for k in ("title", "text", "language") if k in story}
        return [i.to_dict() for i in
                extract_record({**row, "published": str(story["published"])}).incidents]
    from extract.incidents import extract_incidents

    found = extract_incidents(story["text"], title=story.get("title"),
                              published=str(story["published"]))
    return [i.to_dict() for i in found]


def show(incidents: list[dict]) -> str:
    return "\n".join("  " + ", ".join(f"{k}={i.get(k)!r}" for k in KEY_FIELDS)
                     for i in incidents) or "  (none)"


def assert_gives_expected(story: dict) -> None:
    """The story's extracted incidents are exactly its `expect` (one-to-one on KEY_FIELDS)."""
    want = story["expect"]
    found = extract(story)
    paired = pair(want, found)
    missing = [w for i, w in enumerate(want) if i not in paired]
    assert not missing, f"not extracted:\n{show(missing)}\nextracted:\n{show(found)}"
    assert len(found) == len(want), f"extra incidents; extracted:\n{show(found)}"
