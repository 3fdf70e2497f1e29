"""One article -> its incidents, or why it has none: the one extraction entry point.

The pipeline, the reprocess DAG and `newswatch extract` all call `extract_article` (or
`extract_record` for a JSON line), so what the CLI prints is what the pipeline indexes. The
article's path reads as one line: text cap -> language -> relevance -> incidents.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from extract import language as lang
from extract import lexicon, relevance
from extract.incidents import Incident, extract_incidents
from extract.reading import Reading

# News text is rarely over 100 KB; past that a page is a live blog, a transcript or a
# document dump, and extraction time grows with length. The extractor reads this much.
MAX_TEXT_CHARS = 100_000

_PARAGRAPH_END = re.compile(r"\n\s*\n|\n")
_SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019)]?\s")


@dataclass(frozen=True)
class ArticleResult:
    """What the extractor made of one article. `skipped` says why there are no incidents when
    extraction did not run ("no_text", "language_de", "not_relevant", "rejected_<reason>").
    `dropped` counts the candidates extraction left out, by reason (`sanity.Dropped` values:
    "other_field", "not_an_event", "background", "not_a_place", "implausible_count",
    "undated")."""

    incidents: list[Incident] = field(default_factory=list)
    language: str | None = None
    language_source: str = "unknown"
    incident_relevance: float | None = None
    skipped: str | None = None
    text_truncated: bool = False
    chars_cut: int = 0
    dropped: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict:
        """JSON-ready: the incidents, the language and relevance, and `skipped`,
        `text_truncated` or `dropped` only when they say something."""
        out: dict = {"incidents": [i.to_dict() for i in self.incidents],
                     "language": self.language,
                     "incident_relevance": self.incident_relevance}
        if self.skipped:
            out["skipped"] = self.skipped
        if self.text_truncated:
            out["text_truncated"] = True
            out["chars_cut"] = self.chars_cut
        if self.dropped:
            out["dropped"] = dict(self.dropped)
        return out


def capped(text: str, limit: int = MAX_TEXT_CHARS) -> str:
    """The text cut to at most `limit` characters, at the last paragraph end before the limit,
    else the last sentence end, else at the limit itself."""
    if len(text) <= limit:
        return text
    head = text[:limit]
    for pattern in (_PARAGRAPH_END, _SENTENCE_END):
        ends = [m.end() for m in pattern.finditer(head, limit // 2)]
        if ends:
            return head[:ends[-1]].rstrip()
    return head


def extract_article(text: str | None, *, title: str | None = None,
                    published: str | datetime | date | None = None, url: str | None = None,
                    language: str | None = None, categories: Iterable[str] = ()
                    ) -> ArticleResult:
    """The incidents an article reports, with its language and incident relevance.

    `language` is the declared one (feed or page metadata): only a prior, the text decides.
    `categories` are the feed's or page's section tags. Pure and deterministic; never raises.
    """
    if not isinstance(text, str) or not text.strip():
        found = lang.detect(title, language)
        return ArticleResult(language=found.code, language_source=found.source, skipped="no_text")
    body = capped(text)
    cut = len(text) - len(body)
    found = lang.detect(body, language)
    base = ArticleResult(language=found.code, language_source=found.source,
                         text_truncated=cut > 0, chars_cut=cut)
    # English and the languages with words in seeds/languages/<code>/ (lexicon.supported());
    # the rest get no incidents rather than wrong ones
    if found.code is not None and found.code not in lexicon.supported():
        return replace(base, skipped=f"language_{found.code}")
    words = None if found.code == lexicon.ENGLISH else found.code    # (None: English's rules)
    read = Reading(body, words)   # what relevance reads of the text, extraction does not read again
    score = relevance.score(body, title=title, url=url, categories=categories, reading=read,
                            language=words)
    if score < relevance.THRESHOLD:
        return replace(base, incident_relevance=score, skipped="not_relevant")
    dropped: Counter[str] = Counter()
    incidents = extract_incidents(body, title=title, published=published, url=url,
                                  dropped=dropped, reading=read, language=words)
    incidents = [replace(i, language=found.code) for i in incidents]
    return replace(base, incidents=incidents, incident_relevance=score,
                   dropped=dict(sorted(dropped.items())))


def extract_record(row: Mapping) -> ArticleResult:
    """`extract_article` over one JSON record as the CLI and the pipeline hold it: `text` (or
    `html`, cleaned here), `title`, `published` (or `newswatch clean`'s `date`), `url`,
    `language`, and section tags in `tags`, `categories` or `category`. A `newswatch clean`
    rejection ({id, rejected: reason}) comes back skipped "rejected_<reason>"."""
    if row.get("rejected"):
        return ArticleResult(skipped=f"rejected_{row['rejected']}")
    text, title = row.get("text"), row.get("title")
    published = row.get("published") or row.get("date")
    declared = row.get("language")
    if not (isinstance(text, str) and text.strip()) and isinstance(row.get("html"), str):
        from extract.clean import clean_html  # trafilatura is loaded only when html comes in

        cleaned = clean_html(row["html"], row.get("url"))
        if not cleaned.ok:
            reason = cleaned.reason.value if cleaned.reason else "not_article"
            return ArticleResult(skipped=f"rejected_{reason}")
        text, title = cleaned.text, title or cleaned.title
        published, declared = published or cleaned.date, declared or cleaned.language
    return extract_article(text, title=title, published=published, url=row.get("url"),
                           language=declared, categories=_categories(row))


def _categories(row: Mapping) -> list[str]:
    out: list[str] = []
    for key in ("categories", "tags", "category", "section"):
        value = row.get(key)
        if isinstance(value, str):
            out.append(value)
        elif isinstance(value, list | tuple):
            out.extend(v for v in value if isinstance(v, str))
    return out
