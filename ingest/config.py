"""Settings read from the environment in one place (NEWSWATCH_*), checked, passed below."""

from __future__ import annotations

import ipaddress
import math
import os
import re
from dataclasses import dataclass, field, fields
from pathlib import Path
from urllib.parse import urlsplit

from extract import paths

REPO_ROOT = Path(__file__).resolve().parent.parent


class SettingsError(ValueError):
    """A setting of the wrong type or out of range: the message names the variable and what
    it accepts, so a bad deployment stops at once instead of failing every feed."""


def _data_dirs(env) -> dict[str, Path]:
    """seeds_dir / cache_dir from NEWSWATCH_SEEDS / NEWSWATCH_CACHE_DIR, where set."""
    names = {"NEWSWATCH_SEEDS": "seeds_dir", "NEWSWATCH_CACHE_DIR": "cache_dir"}
    return {name: Path(env[var]) for var, name in names.items() if env.get(var)}


def configure_extract(env: dict[str, str] | None = None) -> None:
    """Tell extract/ where seeds/ and the gazetteer cache are, for commands that need no other
    setting (Settings.from_env does the same with its own values)."""
    paths.configure(**_data_dirs(os.environ if env is None else env))


def _csv(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


@dataclass(frozen=True)
class Settings:
    """Everything configurable; defaults suit the local stack started by `make demo`."""

    es_url: str = "http://127.0.0.1:9200"
    es_username: str | None = None
    es_password: str | None = None
    es_api_key: str | None = None
    es_ca_certs: str | None = None
    index_prefix: str = "newswatch"
    # seeds/ shipped with the package (or the checkout's) and where built tables are cached
    seeds_dir: Path = field(default_factory=paths.packaged_seeds_dir)
    cache_dir: Path = field(default_factory=paths.default_cache_dir)
    feeds_file: Path | None = None
    user_agent: str = "newswatch/0.1 (+https://github.com/newswatch/newswatch)"
    http_timeout_s: float = 20.0
    max_body_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 5
    per_host_concurrency: int = 2
    per_host_delay_s: float = 1.0
    # a robots.txt Crawl-delay lengthens the per-host delay up to this many seconds
    max_crawl_delay_s: float = 10.0
    # feeds polled at once by `newswatch run` (their pages are fetched concurrently as well)
    feed_workers: int = 4
    # articles per bulk request (from any feed of the pass); progress is saved after each
    index_batch: int = 50
    # processes that clean and extract pages in `newswatch run`: 0 = one per usable core,
    # 1 = the run's own process (an Airflow task always cleans in its own process)
    processes: int = 0
    # a feed is fetched unconditionally (no ETag / Last-Modified) once its last full answer is
    # this old, so a server whose validators do not change with its content is caught
    feed_revalidate_hours: float = 6.0
    # new articles taken from one feed per pass; the rest wait for the next pass (0 = all)
    max_articles_per_feed: int = 0
    # seconds one feed's pass may take; what is left waits for the next pass (0 = no limit)
    feed_pass_deadline_s: float = 900.0
    # failures that may pass (timeout, 5xx) before an article is given up
    max_article_attempts: int = 5
    # hosts/networks the SSRF guard lets through, e.g. "127.0.0.1" in tests and the demo
    allow_private_hosts: tuple[str, ...] = ()
    dead_letter_dir: Path = field(default_factory=lambda: paths.default_cache_dir()
                                  / "dead-letter")
    # index settings applied by the templates (ingest/schema.py); one node needs 0 replicas
    index_shards: int = 1
    index_replicas: int = 0

    @property
    def feeds_path(self) -> Path:
        return self.feeds_file or self.seeds_dir / "feeds.yaml"

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, **overrides) -> Settings:
        """Settings from NEWSWATCH_* variables (empty = default) and keyword overrides, every
        value checked; SettingsError (a ValueError) names the first bad one."""
        env = dict(os.environ if env is None else env)
        values: dict = {}
        for var, name in TEXT_VARIABLES.items():
            if env.get(var):
                values[name] = env[var]
        for name, rule in NUMBERS.items():
            if env.get(rule.variable):
                values[name] = rule.parse(env[rule.variable])
        values.update(_data_dirs(env))
        if env.get("NEWSWATCH_FEEDS"):
            values["feeds_file"] = Path(env["NEWSWATCH_FEEDS"])
        if env.get("NEWSWATCH_ALLOW_PRIVATE_HOSTS"):
            values["allow_private_hosts"] = _csv(env["NEWSWATCH_ALLOW_PRIVATE_HOSTS"])
        if env.get("NEWSWATCH_DEAD_LETTER_DIR"):
            values["dead_letter_dir"] = Path(env["NEWSWATCH_DEAD_LETTER_DIR"])
        values.update(overrides)
        unknown = set(values) - {f.name for f in fields(cls)}
        if unknown:
            raise TypeError(f"unknown settings: {', '.join(sorted(unknown))}")
        settings = cls(**values)
        settings.check()
        paths.configure(seeds_dir=settings.seeds_dir, cache_dir=settings.cache_dir)
        return settings

    def check(self) -> None:
        """Raise SettingsError naming the variable of the first value out of range."""
        for name, rule in NUMBERS.items():
            rule.check(getattr(self, name))
        for name, checker in CHECKS.items():
            problem = checker(getattr(self, name))
            if problem:
                raise SettingsError(f"{VARIABLE[name]}={_shown(getattr(self, name))}: {problem}")

    def index(self, kind: str) -> str:
        """Alias name of an index kind: 'articles', 'incidents' or 'feeds'."""
        return f"{self.index_prefix}-{kind}"


def _shown(value) -> str:
    """A value as the user wrote it (lists comma-separated), quoted when it is text."""
    if isinstance(value, tuple | list):
        value = ",".join(map(str, value))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value) if isinstance(value, str) else str(value)


TEXT_VARIABLES = {
    "NEWSWATCH_ES_URL": "es_url",
    "NEWSWATCH_ES_USERNAME": "es_username",
    "NEWSWATCH_ES_PASSWORD": "es_password",
    "NEWSWATCH_ES_API_KEY": "es_api_key",
    "NEWSWATCH_ES_CA_CERTS": "es_ca_certs",
    "NEWSWATCH_INDEX_PREFIX": "index_prefix",
    "NEWSWATCH_USER_AGENT": "user_agent",
}


@dataclass(frozen=True)
class Number:
    """A numeric setting: its variable, type and allowed range (`low` itself excluded when
    `above_low`, e.g. a timeout of 0)."""

    variable: str
    kind: type
    low: float
    high: float
    unit: str
    above_low: bool = False

    def allowed(self) -> str:
        what = "a whole number" if self.kind is int else "a number"
        low = f"> {self.low:g}" if self.above_low else f">= {self.low:g}"
        return f"{what} of {self.unit} {low} and <= {self.high:g}"

    def parse(self, text: str) -> int | float:
        try:
            return self.kind(text.strip())
        except ValueError:
            raise SettingsError(f"{self.variable}={_shown(text)}: expected {self.allowed()}") \
                from None

    def check(self, value) -> None:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        if ok and self.kind is int:
            ok = isinstance(value, int)
        if ok:
            ok = math.isfinite(value) and value <= self.high and (
                value > self.low if self.above_low else value >= self.low)
        if not ok:
            raise SettingsError(f"{self.variable}={_shown(value)}: expected {self.allowed()}")


# Ranges wide enough for any sane deployment, narrow enough to catch a typo or a sign.
NUMBERS: dict[str, Number] = {
    "http_timeout_s": Number("NEWSWATCH_HTTP_TIMEOUT", float, 0, 3600, "seconds", True),
    "max_body_bytes": Number("NEWSWATCH_MAX_BODY_BYTES", int, 1024, 1 << 30, "bytes"),
    "max_redirects": Number("NEWSWATCH_MAX_REDIRECTS", int, 0, 30, "hops"),
    "per_host_concurrency": Number("NEWSWATCH_PER_HOST_CONCURRENCY", int, 1, 64, "requests"),
    "per_host_delay_s": Number("NEWSWATCH_PER_HOST_DELAY", float, 0, 600, "seconds"),
    "feed_workers": Number("NEWSWATCH_FEED_WORKERS", int, 1, 64, "feeds"),
    "index_batch": Number("NEWSWATCH_INDEX_BATCH", int, 1, 10_000, "articles"),
    "processes": Number("NEWSWATCH_PROCESSES", int, 0, 256, "processes (0 = one per core)"),
    "feed_revalidate_hours": Number("NEWSWATCH_FEED_REVALIDATE_HOURS", float, 0, 24 * 365,
                                    "hours"),
    "max_articles_per_feed": Number("NEWSWATCH_MAX_ARTICLES_PER_FEED", int, 0, 1_000_000,
                                    "articles (0 = all)"),
    "feed_pass_deadline_s": Number("NEWSWATCH_FEED_PASS_DEADLINE", float, 0, 24 * 3600,
                                   "seconds (0 = no limit)"),
    "max_article_attempts": Number("NEWSWATCH_MAX_ARTICLE_ATTEMPTS", int, 1, 1000, "tries"),
    "max_crawl_delay_s": Number("NEWSWATCH_MAX_CRAWL_DELAY", float, 0, 3600, "seconds"),
    "index_shards": Number("NEWSWATCH_INDEX_SHARDS", int, 1, 1024, "shards"),
    "index_replicas": Number("NEWSWATCH_INDEX_REPLICAS", int, 0, 100, "replicas"),
}

# Elasticsearch's index-name rules; the prefix is followed by "-<kind>-v<N>" (255 bytes max).
_INDEX_FORBIDDEN = set('\\/*?"<>|,#: ')
_HOSTNAME = re.compile(r"(?=.{1,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))*\.?",
                       re.I)


def _index_prefix_problem(value) -> str | None:
    rule = ("expected lowercase letters, digits and - . (no \\ / * ? \" < > | , # : or space), "
            "not starting with - _ + or ., at most 200 bytes")
    if not isinstance(value, str) or not value:
        return rule
    if (value != value.lower() or set(value) & _INDEX_FORBIDDEN or value[0] in "-_+."
            or len(value.encode("utf-8")) > 200 or not value.isprintable()):
        return rule
    return None


def _host_entry_problem(entry: str) -> str | None:
    try:
        ipaddress.ip_network(entry, strict=False)
        return None
    except ValueError:
        pass
    if "/" not in entry and _HOSTNAME.fullmatch(entry):
        return None
    return (f"{entry!r} is neither an IP address, a network (e.g. 10.0.0.0/8) nor a host name; "
            "expected a comma-separated list of those")


def _allow_list_problem(value) -> str | None:
    if not isinstance(value, tuple | list):
        return "expected a comma-separated list of host names, IP addresses or networks"
    for entry in value:
        problem = _host_entry_problem(entry) if isinstance(entry, str) else "not a string"
        if problem:
            return problem
    return None


def _es_url_problem(value) -> str | None:
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except (ValueError, TypeError, AttributeError):
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        return "expected an http(s) URL such as http://127.0.0.1:9200"
    return None


def _user_agent_problem(value) -> str | None:
    if not isinstance(value, str) or not value.strip() or not value.isascii() \
            or not value.isprintable() or len(value) > 512:
        return "expected printable ASCII text of 1 to 512 characters (it is sent as a header)"
    return None


CHECKS = {
    "es_url": _es_url_problem,
    "index_prefix": _index_prefix_problem,
    "allow_private_hosts": _allow_list_problem,
    "user_agent": _user_agent_problem,
}
VARIABLE = {
    "es_url": "NEWSWATCH_ES_URL",
    "index_prefix": "NEWSWATCH_INDEX_PREFIX",
    "allow_private_hosts": "NEWSWATCH_ALLOW_PRIVATE_HOSTS",
    "user_agent": "NEWSWATCH_USER_AGENT",
}
