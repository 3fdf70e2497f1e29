"""Render seeds/demo/articles.yaml into the demo's news pages and feeds (run after editing it).

The pages look like a real news site (navigation, related links, newsletter box, reader
comments) so the demo exercises cleaning, not just extraction. Feeds come in three formats
(RSS 2.0, Atom, RSS 1.0); the Asia feed adds tracking parameters to its links and repeats one
World story, so the pipeline's de-duplication is visible. `{{BASE_URL}}` is filled in by the
demo server. Usage: .venv/bin/python scripts/build_demo.py
"""

from __future__ import annotations

import html
from datetime import datetime
from email.utils import format_datetime
from pathlib import Path

import yaml

DEMO = Path(__file__).resolve().parent.parent / "seeds" / "demo"
BASE = "{{BASE_URL}}"
SEED_PAGE = {  # the seed article's page is written by hand (seeds/demo/articles/seed-article.html)
    "slug": "seed-article",
    "feed": "world",
    "title": "Rockets fired from Iraq target U.S. military base in Syria",
    "published": "2024-04-22T11:00:00Z",
    "author": "Staff writer",
    "paragraphs": [
        "At least five rockets were launched from the Iraqi town of Zummar toward a U.S. "
        "military base in northeastern Syria on Sunday, Reuters reported on Monday."
    ],
}
FEEDS = {
    "world": ("Demo Wire — World", "world.xml"),
    "africa": ("Demo Wire — Africa", "africa.atom"),
    "asia": ("Demo Wire — Asia", "asia.rdf"),
}
TRACKING = "?utm_source=rss&utm_medium=feed&utm_campaign=asia"
REPEATED_IN_ASIA = "hodeidah-port-strikes"

COMMENTS = [
    ("reader_77", "Another attack on a market? Last year a bomb in the same town killed dozens."),
    ("Marta K.", "Thanks for the reporting. When will the government act?"),
    ("anon", "I heard gunmen attacked a police station nearby yesterday, but nobody reports it."),
]


def _when(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def page_url(slug: str) -> str:
    return f"{BASE}/articles/{slug}.html"


def render_page(article: dict, others: list[dict]) -> str:
    esc = html.escape
    published = _when(article["published"])
    body = "\n".join(f"      <p>{esc(p)}</p>" for p in article["paragraphs"])
    related = "\n".join(
        f'        <li><a href="{page_url(o["slug"])}">{esc(o["title"])}</a></li>' for o in others
    )
    comments = "\n".join(
        f'      <div class="comment"><span class="comment-author">{esc(who)}</span>'
        f"<p>{esc(text)}</p></div>"
        for who, text in COMMENTS
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{esc(article["title"])} | Demo Wire</title>
  <link rel="canonical" href="{page_url(article["slug"])}">
  <meta name="author" content="{esc(article["author"])}">
  <meta property="og:title" content="{esc(article["title"])}">
  <meta property="og:site_name" content="Demo Wire">
  <meta property="og:type" content="article">
  <meta property="article:published_time" content="{published.isoformat()}">
  <meta name="description" content="{esc(article["paragraphs"][0][:150])}">
</head>
<body>
  <header>
    <a href="{BASE}/">Demo Wire</a>
    <nav><ul><li><a href="{BASE}/world">World</a></li>
      <li><a href="{BASE}/africa">Africa</a></li>
      <li><a href="{BASE}/asia">Asia</a></li><li><a href="{BASE}/business">Business</a></li>
      <li><a href="{BASE}/sport">Sport</a></li>
      <li><a href="{BASE}/subscribe">Subscribe</a></li></ul></nav>
  </header>
  <main>
    <article>
      <div class="breadcrumb"><a href="{BASE}/">Home</a> ›
        <a href="{BASE}/{article["feed"]}">{article["feed"].title()}</a></div>
      <h1>{esc(article["title"])}</h1>
      <p class="byline">By <span class="author">{esc(article["author"])}</span>,
        <time datetime="{published.isoformat()}">{published:%d %B %Y, %H:%M} UTC</time></p>
{body}
    </article>
    <aside class="newsletter"><h3>Get the morning briefing</h3>
      <p>Sign up for our free newsletter and never miss a story.</p>
      <form><input type="email" placeholder="Email address"><button>Sign up</button></form></aside>
    <aside class="related"><h3>Related stories</h3>
      <ul>
{related}
      </ul></aside>
    <section id="comments" class="comments"><h3>Reader comments</h3>
{comments}
    </section>
  </main>
  <footer><p>© 2025 Demo Wire. All rights reserved.</p>
    <a href="{BASE}/privacy">Privacy</a> <a href="{BASE}/terms">Terms</a></footer>
</body>
</html>
"""


def _summary(article: dict) -> str:
    return html.escape(article["paragraphs"][0])


def render_rss(title: str, items: list[dict]) -> str:
    entries = "\n".join(
        f"""    <item>
      <title>{html.escape(a["title"])}</title>
      <link>{page_url(a["slug"])}</link>
      <guid isPermaLink="false">demo-wire-{a["slug"]}</guid>
      <pubDate>{format_datetime(_when(a["published"]))}</pubDate>
      <dc:creator>{html.escape(a["author"])}</dc:creator>
      <description>{_summary(a)}</description>
    </item>"""
        for a in items
    )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel>
    <title>{html.escape(title)}</title>
    <link>{BASE}/world</link>
    <description>World news from the demo wire</description>
    <language>en</language>
{entries}
  </channel>
</rss>
"""


def render_atom(title: str, items: list[dict]) -> str:
    entries = "\n".join(
        f"""  <entry>
    <title>{html.escape(a["title"])}</title>
    <link rel="alternate" href="{page_url(a["slug"])}"/>
    <id>tag:demo-wire,2025:{a["slug"]}</id>
    <published>{a["published"]}</published>
    <updated>{a["published"]}</updated>
    <author><name>{html.escape(a["author"])}</name></author>
    <summary>{_summary(a)}</summary>
  </entry>"""
        for a in items
    )
    latest = max(a["published"] for a in items)
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
  <title>{html.escape(title)}</title>
  <id>tag:demo-wire,2025:africa</id>
  <link rel="self" href="{BASE}/feeds/africa.atom"/>
  <updated>{latest}</updated>
{entries}
</feed>
"""


def render_rdf(title: str, items: list[dict]) -> str:
    def tracked(a: dict) -> str:
        return html.escape(page_url(a["slug"]) + TRACKING)

    links = "".join(f'        <rdf:li rdf:resource="{tracked(a)}"/>\n' for a in items)
    entries = "\n".join(
        f"""  <item rdf:about="{tracked(a)}">
    <title>{html.escape(a["title"])}</title>
    <link>{tracked(a)}</link>
    <dc:date>{a["published"]}</dc:date>
    <dc:creator>{html.escape(a["author"])}</dc:creator>
    <description>{_summary(a)}</description>
  </item>"""
        for a in items
    )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="{BASE}/feeds/asia.rdf">
    <title>{html.escape(title)}</title>
    <link>{BASE}/asia</link>
    <description>Asia news from the demo wire</description>
    <items><rdf:Seq>
{links}      </rdf:Seq></items>
  </channel>
{entries}
</rdf:RDF>
"""


RENDERERS = {"world": render_rss, "africa": render_atom, "asia": render_rdf}


def main() -> None:
    articles = yaml.safe_load((DEMO / "articles.yaml").read_text(encoding="utf-8"))["articles"]
    pages = DEMO / "articles"
    pages.mkdir(parents=True, exist_ok=True)
    for i, article in enumerate(articles):
        others = [articles[(i + k) % len(articles)] for k in (1, 2, 3)]
        (pages / f"{article['slug']}.html").write_text(render_page(article, others), "utf-8")
    by_feed: dict[str, list[dict]] = {name: [] for name in FEEDS}
    for article in [SEED_PAGE, *articles]:
        by_feed[article["feed"]].append(article)
    by_feed["asia"].append(next(a for a in articles if a["slug"] == REPEATED_IN_ASIA))
    (DEMO / "feeds").mkdir(parents=True, exist_ok=True)
    for name, (title, filename) in FEEDS.items():
        items = sorted(by_feed[name], key=lambda a: a["published"], reverse=True)
        text = RENDERERS[name](title, items)
        (DEMO / "feeds" / filename).write_text(text, encoding="utf-8")
    print(f"wrote {len(articles)} pages and {len(FEEDS)} feeds under {DEMO}")


if __name__ == "__main__":
    main()
