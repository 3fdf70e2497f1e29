"""A deterministic corpus of realistic news pages and feeds for the benchmarks, and its server.

    .venv/bin/python bench/corpus.py --pages 500 --out .cache/bench-corpus [--serve]

Each page is 300-2,000 words of wire-style copy inside site boilerplate (navigation, cookie
banner, related links, newsletter box, reader comments, footer) and reports 0-3 incidents
written from templates with real places, actors and casualty figures. The same seed gives the
same pages. The pages of ../shared/corpora/html/ are copied in (decompressed) and listed in a
feed of their own. `generate()` writes everything under one folder with {{BASE_URL}} where the
server's address goes; `serve()` is ingest.demo_server.DemoServer over that folder.
"""

from __future__ import annotations

import argparse
import gzip
import html
import json
import random
import re
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from ingest.demo_server import DemoServer  # noqa: E402

_SHARED = REPO.parent / "shared"
SHARED_HTML = (_SHARED if _SHARED.exists() else Path("/work/shared")) / "corpora" / "html"
BASE = "{{BASE_URL}}"
START = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)

# (town, admin1, country, state force, non-state actor)
PLACES = [
    ("Mosul", "Nineveh", "Iraq", "Iraqi security forces", "Islamic State fighters"),
    ("Kirkuk", "Kirkuk", "Iraq", "Iraqi police", "Islamic State militants"),
    ("Aleppo", "Aleppo", "Syria", "Syrian government forces", "Hayat Tahrir al-Sham fighters"),
    ("Idlib", "Idlib", "Syria", "Syrian government troops", "opposition fighters"),
    ("Homs", "Homs", "Syria", "Syrian security forces", "gunmen"),
    ("Omdurman", "Khartoum", "Sudan", "the Sudanese army", "the Rapid Support Forces"),
    ("El Fasher", "North Darfur", "Sudan", "Sudanese troops", "Rapid Support Forces fighters"),
    ("Kharkiv", "Kharkiv", "Ukraine", "Ukrainian forces", "Russian forces"),
    ("Kherson", "Kherson", "Ukraine", "Ukrainian troops", "Russian troops"),
    ("Zaporizhzhia", "Zaporizhzhia", "Ukraine", "Ukrainian air defences", "Russian forces"),
    ("Maiduguri", "Borno", "Nigeria", "Nigerian soldiers", "Boko Haram fighters"),
    ("Kaduna", "Kaduna", "Nigeria", "Nigerian police", "armed bandits"),
    ("Goma", "North Kivu", "Democratic Republic of the Congo", "Congolese soldiers",
     "M23 rebels"),
    ("Bunia", "Ituri", "Democratic Republic of the Congo", "Congolese troops",
     "CODECO militiamen"),
    ("Mogadishu", "Banaadir", "Somalia", "Somali security forces", "al-Shabaab fighters"),
    ("Kismayo", "Lower Juba", "Somalia", "Somali troops", "al-Shabaab militants"),
    ("Kandahar", "Kandahar", "Afghanistan", "Taliban security forces",
     "Islamic State Khorasan militants"),
    ("Peshawar", "Khyber Pakhtunkhwa", "Pakistan", "Pakistani police",
     "Tehrik-i-Taliban Pakistan militants"),
    ("Quetta", "Balochistan", "Pakistan", "Pakistani troops", "Baloch separatists"),
    ("Bamako", "Bamako", "Mali", "Malian soldiers", "jihadist fighters"),
    ("Gao", "Gao", "Mali", "the Malian army", "JNIM fighters"),
    ("Ouagadougou", "Centre", "Burkina Faso", "Burkinabe soldiers", "jihadist gunmen"),
    ("Niamey", "Niamey", "Niger", "Nigerien troops", "Islamic State Sahel fighters"),
    ("Sanaa", "Sanaa", "Yemen", "Houthi forces", "government-aligned fighters"),
    ("Taiz", "Taiz", "Yemen", "Yemeni government forces", "Houthi fighters"),
    ("Khan Younis", "Gaza Strip", "Palestine", "Israeli forces", "Hamas fighters"),
    ("Jenin", "West Bank", "Palestine", "Israeli troops", "Palestinian gunmen"),
    ("Culiacan", "Sinaloa", "Mexico", "Mexican soldiers", "Sinaloa Cartel gunmen"),
    ("Port-au-Prince", "Ouest", "Haiti", "Haitian police", "Viv Ansanm gang members"),
    ("Mandalay", "Mandalay", "Myanmar", "Myanmar military troops",
     "People's Defence Force fighters"),
    ("Sittwe", "Rakhine", "Myanmar", "junta forces", "Arakan Army fighters"),
    ("Juba", "Central Equatoria", "South Sudan", "South Sudanese soldiers",
     "National Salvation Front rebels"),
    ("Benghazi", "Cyrenaica", "Libya", "Libyan National Army units", "rival militiamen"),
    ("Gondar", "Amhara", "Ethiopia", "Ethiopian federal forces", "Fano militiamen"),
    ("Marawi", "Lanao del Sur", "Philippines", "Philippine troops", "Dawlah Islamiyah militants"),
    ("Cali", "Valle del Cauca", "Colombia", "Colombian soldiers", "FARC dissidents"),
    ("Dhaka", "Dhaka", "Bangladesh", "Bangladeshi police", "opposition activists"),
    ("Imphal", "Manipur", "India", "Indian security forces", "armed Meitei groups"),
]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
SOURCES = ["local officials said", "a hospital director said", "witnesses told reporters",
           "the interior ministry said in a statement", "residents said by telephone",
           "a police spokesman said", "the regional governor wrote on social media",
           "a humanitarian group operating in the area said"]
NUMBERS = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight",
           9: "nine", 10: "10", 11: "11", 12: "12", 14: "14", 17: "17", 23: "23", 31: "31"}

INCIDENTS = [
    ("Fighting in {town}",
     "{force} and {group} clashed on the outskirts of {town}, in {country}'s {admin1} region, "
     "on {day}, leaving {killed} people dead, {source}. The fighting lasted several hours "
     "before {group} withdrew towards nearby villages."),
    ("Drone strike hits market in {town}",
     "A drone strike hit a crowded market in {town}, {admin1}, on {day}, killing {killed} "
     "civilians and wounding {injured} others, {source}. Nobody immediately claimed the "
     "attack, but {force} blamed {group}."),
    ("Shelling of {town} kills {killed}",
     "Artillery shells struck residential streets of {town} in the {admin1} region of "
     "{country} on {day} morning, killing {killed} people and injuring {injured}, {source}. "
     "Several houses and a school were destroyed."),
    ("Protest in {town}",
     "Hundreds of people marched through the centre of {town}, {country}, on {day} to protest "
     "against rising fuel and bread prices, {source}. The demonstration ended peacefully "
     "after organisers handed a petition to the governor's office."),
    ("Police clash with rioters in {town}",
     "Police fired tear gas at stone-throwing youths who set tyres alight and attacked shops in "
     "{town}, {admin1}, on {day}, {source}. At least {injured} people were injured and dozens "
     "were arrested."),
    ("Gunmen attack village near {town}",
     "Gunmen stormed a village near {town} in {country}'s {admin1} region on {day} night and "
     "shot dead {killed} villagers, including women and children, {source}. Residents blamed "
     "{group} for the attack."),
    ("Suicide bombing in {town}",
     "A suicide bomber blew himself up at a checkpoint manned by {force} in {town}, {country}, "
     "on {day}, killing {killed} people and wounding {injured}, {source}."),
]

TOPICS = [
    ("Central bank holds rates as inflation eases",
     ["The central bank kept its main interest rate unchanged at {pct} per cent on {day}, "
      "saying price pressures were easing faster than expected.",
      "Analysts at {bank} had forecast the decision, although two of the nine members of the "
      "monetary policy committee voted for a cut.",
      "Annual inflation slowed to {pct2} per cent in {month}, the lowest reading in {years} "
      "years, helped by cheaper energy and food.",
      "The currency firmed slightly against the dollar after the announcement."]),
    ("Parliament debates budget",
     ["Lawmakers began a {days}-day debate on the government's budget for next year on {day}, "
      "with opposition parties vowing to block cuts to regional health spending.",
      "The finance minister told the chamber that the deficit would narrow to {pct} per cent "
      "of gross domestic product.",
      "Teachers' unions have threatened strikes if the education budget is frozen.",
      "A final vote is expected before the end of {month}."]),
    ("Talks resume on regional trade deal",
     ["Negotiators from {n} countries resumed talks on a regional trade agreement on {day}, "
      "after a pause of {months} months caused by a dispute over agricultural tariffs.",
      "Officials said progress had been made on customs procedures and digital trade.",
      "Business groups have urged governments to conclude the deal this year.",
      "The next round is scheduled for {month} in the capital."]),
    ("Harvest forecast cut after dry spell",
     ["The agriculture ministry cut its forecast for the maize harvest by {pct} per cent on "
      "{day}, blaming an unusually long dry spell across the central provinces.",
      "Farmers said planting had been delayed by up to {weeks} weeks in some districts.",
      "Aid agencies warned that food prices could rise sharply before the next season.",
      "The government said it would release grain from strategic reserves if needed."]),
    ("Storm disrupts flights and ferries",
     ["Strong winds and heavy rain forced the cancellation of dozens of flights and ferry "
      "crossings on {day}, the transport authority said.",
      "Forecasters expected the storm to weaken over the next {days} days.",
      "Power was cut to about {thousands},000 homes, the electricity company said.",
      "Schools in coastal districts were closed as a precaution."]),
    ("Late goal settles cup final",
     ["A stoppage-time header settled the cup final on {day} in front of {thousands},000 "
      "spectators.",
      "The visitors had dominated the first half but could not find a way past the goalkeeper.",
      "The coach said his players had shown great character after a difficult season.",
      "It was the club's first trophy in {years} years."]),
    ("Health ministry launches vaccination drive",
     ["The health ministry launched a vaccination campaign on {day} aiming to reach "
      "{thousands},000 children in rural districts within {weeks} weeks.",
      "Mobile teams will visit villages that have no clinic, officials said.",
      "Coverage fell during recent years because of shortages and insecurity.",
      "Donors have pledged funding for the first phase of the programme."]),
]
BACKGROUND = [
    "The area has seen repeated violence in recent months, and thousands of families have "
    "fled to camps near the regional capital.",
    "Aid groups say access to the district remains difficult because of checkpoints and "
    "damaged roads.",
    "The United Nations has called on all sides to protect civilians and allow humanitarian "
    "convoys through.",
    "Last year the government announced a new security plan for the region, but residents say "
    "little has changed.",
    "Analysts said the incident showed how fragile the ceasefire agreed in {month} had become.",
    "Local markets reopened briefly last week after a period of calm.",
    "The conflict has displaced more than {thousands},000 people, according to relief agencies.",
    "Officials promised an investigation but gave no timetable.",
    "Schools in the district have been closed for most of the year.",
    "Prices of basic goods have doubled since the main road was cut, traders said.",
    "Journalists are rarely allowed to visit the area, and reports are difficult to verify "
    "independently.",
    "The army said it had reinforced positions around the city and set up new checkpoints.",
    "Community leaders appealed for calm and urged young people not to take up arms.",
    "The governor announced three days of mourning.",
    "Hospitals in the region are short of medicines, fuel for generators and blood supplies.",
]
FILLER = [
    "Speaking to reporters on {day}, a spokesperson for the ministry said the government was "
    "following the situation closely and would publish more details in the coming days.",
    "Economists at {bank} said the figures pointed to a gradual recovery, although "
    "unemployment among young people remained above {pct} per cent.",
    "The opposition accused the government of ignoring the concerns of rural voters, who make "
    "up nearly half of the electorate.",
    "In a separate development, the electoral commission published the final list of "
    "candidates for the local elections due in {month}.",
    "Officials said the plan would cost about {n} billion dollars over {years} years, much of "
    "it financed by loans from development banks.",
    "Critics said the measures came too late and did not address the underlying problems.",
    "A survey published in {month} found that most residents expected living conditions to "
    "improve over the next year, a sharp change from the previous survey.",
    "The minister is due to travel abroad next week for meetings with donors and investors.",
    "Construction of the new highway, which will link the port with the northern provinces, "
    "is expected to be completed within {years} years.",
    "Civil society groups welcomed the announcement but called for independent monitoring.",
    "Trade between the two countries grew by {pct} per cent last year, official data show.",
    "The report also recommended reforms to the judiciary and the police.",
    "Local newspapers reported long queues at petrol stations in several cities on {day}.",
    "Diplomats said a joint statement could be issued at the end of the meeting.",
    "\u201cWe are doing everything we can,\u201d the official said, adding that more staff "
    "would be hired before the end of the year.",
    "The company said it would invest in new equipment and train local workers.",
    "The figures were broadly in line with expectations, according to a poll of analysts.",
    "Teachers, nurses and other public sector workers have held several strikes this year "
    "over pay and working conditions.",
]
BANKS = ["Standard Chartered", "Barclays", "Ecobank", "HSBC", "Rand Merchant Bank", "Citi"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
AUTHORS = ["Amina Yusuf", "Daniel Okoro", "Sara Haddad", "Olena Kovalenko", "Ahmed Nour",
           "Maria Lopez", "Thandeka Nkosi", "Ibrahim Diallo", "Priya Raman", "Tom Becker"]
SECTIONS = ["World", "Africa", "Middle East", "Europe", "Asia", "Americas", "Business",
            "Sport", "Science", "Opinion", "Video", "Podcasts"]
COMMENTS = ["Another attack and still nobody is held responsible.",
            "Thanks for the reporting, please keep covering this region.",
            "I heard gunmen attacked a police station nearby last week, but nobody reports it.",
            "Prices here have gone up again, how are families supposed to cope?",
            "This is exactly what the opposition warned about last year.",
            "Great article, very informative."]


@dataclass(frozen=True)
class Article:
    """One generated page and what it contains."""

    number: int
    path: str  # under the corpus folder, e.g. articles/000042.html
    title: str
    summary: str
    published: datetime
    author: str
    incidents: int
    words: int
    html: str  # with {{BASE_URL}} where the server's address goes


def _fill(template: str, rng: random.Random, **slots: str) -> str:
    values = {
        "day": rng.choice(WEEKDAYS), "month": rng.choice(MONTHS), "bank": rng.choice(BANKS),
        "pct": str(rng.choice([2, 3, 4, 5, 6, 7, 8, 9, 12, 14])),
        "pct2": f"{rng.uniform(1.5, 9.5):.1f}", "years": str(rng.randint(2, 15)),
        "days": str(rng.randint(2, 5)), "weeks": str(rng.randint(2, 8)),
        "months": str(rng.randint(2, 11)), "n": str(rng.randint(3, 14)),
        "thousands": str(rng.randint(2, 90)), "source": rng.choice(SOURCES),
    }
    values.update(slots)
    return template.format(**values)


def _incident(rng: random.Random) -> tuple[str, str]:
    town, admin1, country, force, group = rng.choice(PLACES)
    headline, body = rng.choice(INCIDENTS)
    killed = rng.choice(list(NUMBERS))
    injured = rng.choice([n for n in NUMBERS if n >= 3])
    slots = {"town": town, "admin1": admin1, "country": country, "force": force,
             "group": group, "killed": NUMBERS[killed], "injured": NUMBERS[injured]}
    return _fill(headline, rng, **slots), _fill(body, rng, **slots)


def make_article(number: int, seed: int = 7, *, published: datetime | None = None) -> Article:
    """The page `number` of the corpus of `seed` (the same arguments give the same page)."""
    rng = random.Random(seed * 1_000_003 + number)
    published = published or START + timedelta(minutes=17 * number)
    target = rng.randint(300, 2000)
    n_incidents = rng.choices([0, 1, 2, 3], weights=[35, 40, 17, 8])[0]
    paragraphs: list[str] = []
    if n_incidents:
        title, first = _incident(rng)
        paragraphs.append(first)
        for _ in range(n_incidents - 1):
            paragraphs.append(_incident(rng)[1])
        paragraphs.append(_fill(rng.choice(BACKGROUND), rng))
    else:
        title, lines = rng.choice(TOPICS)
        paragraphs.append(" ".join(_fill(line, rng) for line in lines))
    words = sum(len(p.split()) for p in paragraphs)
    while words < target:
        pool = BACKGROUND if n_incidents and rng.random() < .3 else FILLER
        para = " ".join(_fill(rng.choice(pool), rng) for _ in range(rng.randint(2, 5)))
        paragraphs.append(para)
        words += len(para.split())
    author = rng.choice(AUTHORS)
    summary = paragraphs[0].split(". ")[0].rstrip(".") + "."
    path = f"articles/{number:06d}.html"
    page = _page(rng, path, title, summary, published, author, paragraphs)
    return Article(number, path, title, summary, published, author, n_incidents, words, page)


def _page(rng: random.Random, path: str, title: str, summary: str, published: datetime,
          author: str, paragraphs: list[str]) -> str:
    e = html.escape
    when = published.isoformat()
    nav = "".join(f'<li><a href="{BASE}/{s.lower().replace(" ", "-")}">{s}</a></li>'
                  for s in SECTIONS)
    related = "".join(
        f'<li><a href="{BASE}/articles/{rng.randint(0, 999999):06d}.html">'
        f"{e(_incident(rng)[0])}</a></li>" for _ in range(rng.randint(4, 8)))
    comments = "".join(
        f'<div class="comment"><span class="comment-author">reader_{rng.randint(1, 999)}'
        f"</span><p>{e(rng.choice(COMMENTS))}</p></div>" for _ in range(rng.randint(0, 6)))
    body = "\n".join(f"      <p>{e(p)}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{e(title)} | Bench Wire</title>
  <link rel="canonical" href="{BASE}/{path}">
  <meta name="author" content="{e(author)}">
  <meta name="description" content="{e(summary)}">
  <meta property="og:title" content="{e(title)}">
  <meta property="og:site_name" content="Bench Wire">
  <meta property="og:type" content="article">
  <meta property="article:published_time" content="{when}">
  <link rel="stylesheet" href="{BASE}/static/site.css">
  <script>window.dataLayer = window.dataLayer || []; dataLayer.push({{"page": "{path}"}});</script>
</head>
<body>
  <div class="cookie-banner">We use cookies to improve your experience.
    <button>Accept all</button> <a href="{BASE}/privacy">Manage settings</a></div>
  <header><a class="logo" href="{BASE}/">Bench Wire</a>
    <nav><ul>{nav}<li><a href="{BASE}/subscribe">Subscribe</a></li></ul></nav>
    <form class="search"><input type="search" placeholder="Search"></form></header>
  <main>
    <article>
      <div class="breadcrumb"><a href="{BASE}/">Home</a> &rsaquo;
        <a href="{BASE}/world">World</a></div>
      <h1>{e(title)}</h1>
      <p class="byline">By <span class="author">{e(author)}</span>,
        <time datetime="{when}">{published:%d %B %Y, %H:%M} UTC</time></p>
{body}
      <div class="share"><a href="#">Share on X</a> <a href="#">Share on Facebook</a>
        <a href="#">Copy link</a></div>
    </article>
    <aside class="newsletter"><h3>Get the morning briefing</h3>
      <p>Sign up for our free newsletter and never miss a story.</p>
      <form><input type="email" placeholder="Email address"><button>Sign up</button></form>
    </aside>
    <aside class="related"><h3>Related stories</h3><ul>{related}</ul></aside>
    <section id="comments" class="comments"><h3>Reader comments</h3>{comments}</section>
  </main>
  <footer><p>&copy; 2026 Bench Wire. All rights reserved.</p>
    <a href="{BASE}/privacy">Privacy</a> <a href="{BASE}/terms">Terms</a>
    <a href="{BASE}/contact">Contact us</a></footer>
</body>
</html>
"""


def rss(title: str, items: list[tuple[str, str, str, datetime, str]]) -> str:
    """An RSS 2.0 feed of (title, link, summary, published, author) items, as text."""
    e = html.escape
    parts = [f"<item><title>{e(t)}</title><link>{e(link)}</link>"
             f'<guid isPermaLink="false">{e(link)}</guid>'
             f"<pubDate>{format_datetime(when)}</pubDate>"
             f"<dc:creator>{e(author)}</dc:creator><description>{e(summary)}</description></item>"
             for t, link, summary, when, author in items]
    return ('<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
            f"<title>{e(title)}</title><link>{BASE}/</link>"
            f"<description>{e(title)}</description><language>en</language>"
            + "".join(parts) + "</channel></rss>\n")


@dataclass(frozen=True)
class Corpus:
    """What generate() wrote: page paths (generated then shared), feed paths, the feed list."""

    root: Path
    pages: list[str]
    shared_pages: list[str]
    feeds: list[str]
    feeds_file: Path  # feeds.yaml with {{BASE_URL}}; DemoServer.render_feeds_file fills it
    incidents: int
    words: int

    def urls(self, base_url: str) -> list[str]:
        return [f"{base_url}/{p}" for p in self.pages + self.shared_pages]


def shared_pages() -> list[tuple[str, bytes, str | None]]:
    """(name, html bytes, original url) of the pages in ../shared/corpora/html/."""
    out = []
    for listing in ("expected.json", "expected_fulltext.json"):
        path = SHARED_HTML / listing
        if not path.exists():
            continue
        for rel, spec in sorted(json.loads(path.read_text(encoding="utf-8")).items()):
            file = SHARED_HTML / rel
            if not file.exists():
                continue
            data = gzip.decompress(file.read_bytes()) if file.suffix == ".gz" else file.read_bytes()
            name = re.sub(r"[^A-Za-z0-9._-]+", "-", rel.replace("/", "_").removesuffix(".gz"))
            out.append((name if name.endswith(".html") else name + ".html", data,
                        spec.get("url")))
    return out


def generate(root: Path, pages: int, *, seed: int = 7, per_feed: int = 25,
             include_shared: bool = True) -> Corpus:
    """Write `pages` generated pages, their feeds (`per_feed` items each), the shared pages
    and a feed list under `root`; returns what was written."""
    root = Path(root)
    (root / "articles").mkdir(parents=True, exist_ok=True)
    (root / "feeds").mkdir(exist_ok=True)
    written, items, n_incidents, n_words = [], [], 0, 0
    for number in range(pages):
        art = make_article(number, seed)
        (root / art.path).write_text(art.html, encoding="utf-8")
        written.append(art.path)
        items.append((art.title, f"{BASE}/{art.path}", art.summary, art.published, art.author))
        n_incidents += art.incidents
        n_words += art.words
    feeds: list[str] = []
    for k in range(0, len(items), per_feed):
        path = f"feeds/wire-{k // per_feed:04d}.xml"
        chunk = sorted(items[k:k + per_feed], key=lambda item: item[3], reverse=True)
        (root / path).write_text(rss(f"Bench Wire {k // per_feed}", chunk), encoding="utf-8")
        feeds.append(path)
    shared: list[str] = []
    if include_shared:
        (root / "shared").mkdir(exist_ok=True)
        shared_items = []
        for name, data, _url in shared_pages():
            path = f"shared/{name}"
            (root / path).write_bytes(data)
            shared.append(path)
            shared_items.append((name, f"{BASE}/{path}", name, START, "Staff"))
        if shared_items:
            (root / "feeds/shared.xml").write_text(rss("Shared corpus", shared_items), "utf-8")
            feeds.append("feeds/shared.xml")
    (root / "robots.txt").write_text("User-agent: *\nAllow: /\n", encoding="utf-8")
    lines = ["feeds:"]
    for path in feeds:
        fid = Path(path).stem
        lines += [f"  - id: bench-{fid}", f"    name: Bench {fid}", f'    url: "{BASE}/{path}"',
                  "    language: en"]
    feeds_file = root / "feeds.yaml"
    feeds_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return Corpus(root, written, shared, feeds, feeds_file, n_incidents, n_words)


def serve(root: Path, port: int = 0) -> DemoServer:
    """A threaded loopback HTTP server over the corpus folder (use as a context manager)."""
    return DemoServer(Path(root), port)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=500)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--per-feed", type=int, default=25)
    ap.add_argument("--out", type=Path, default=REPO / ".cache" / "bench-corpus")
    ap.add_argument("--serve", action="store_true", help="serve the folder until interrupted")
    ap.add_argument("--port", type=int, default=0)
    a = ap.parse_args(argv)
    corpus = generate(a.out, a.pages, seed=a.seed, per_feed=a.per_feed)
    print(f"{len(corpus.pages)} pages ({corpus.words:,} words, {corpus.incidents} incidents), "
          f"{len(corpus.shared_pages)} shared pages, {len(corpus.feeds)} feeds -> {a.out}")
    if a.serve:
        with serve(a.out, a.port) as server:
            server.render_feeds_file(a.out / "feeds.rendered.yaml")
            print(f"serving at {server.base_url}; feed list: {a.out / 'feeds.rendered.yaml'}")
            try:
                import threading
                threading.Event().wait()
            except KeyboardInterrupt:
                pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
