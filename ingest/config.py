"""Settings read from the environment in one place (NEWSWATCH_*), passed explicitly below."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def _seeds_dir() -> Path:
    return Path(os.environ.get("NEWSWATCH_SEEDS", REPO_ROOT / "seeds"))


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
    seeds_dir: Path = field(default_factory=_seeds_dir)
    feeds_file: Path | None = None
    user_agent: str = "newswatch/0.1 (+https://github.com/newswatch/newswatch)"
    http_timeout_s: float = 20.0
    max_body_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 5
    per_host_concurrency: int = 2
    per_host_delay_s: float = 1.0
    # feeds handled at once by `newswatch run` (each feed's fetches are concurrent as well)
    feed_workers: int = 4
    # a feed is fetched unconditionally (no ETag / Last-Modified) once its last full answer is
    # this old, so a server whose validators do not change with its content is caught
    feed_revalidate_hours: float = 6.0
    # new articles taken from one feed per pass; the rest wait for the next pass (0 = all)
    max_articles_per_feed: int = 0
    # hosts/networks the SSRF guard lets through, e.g. "127.0.0.1" in tests and the demo
    allow_private_hosts: tuple[str, ...] = ()
    dead_letter_dir: Path = field(default_factory=lambda: REPO_ROOT / ".cache" / "dead-letter")
    # index settings applied by the templates (ingest/schema.py); one node needs 0 replicas
    index_shards: int = 1
    index_replicas: int = 0

    @property
    def feeds_path(self) -> Path:
        return self.feeds_file or self.seeds_dir / "feeds.yaml"

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, **overrides) -> Settings:
        env = dict(os.environ if env is None else env)
        values: dict = {}
        simple = {
            "NEWSWATCH_ES_URL": "es_url",
            "NEWSWATCH_ES_USERNAME": "es_username",
            "NEWSWATCH_ES_PASSWORD": "es_password",
            "NEWSWATCH_ES_API_KEY": "es_api_key",
            "NEWSWATCH_ES_CA_CERTS": "es_ca_certs",
            "NEWSWATCH_INDEX_PREFIX": "index_prefix",
            "NEWSWATCH_USER_AGENT": "user_agent",
        }
        for var, name in simple.items():
            if env.get(var):
                values[name] = env[var]
        numbers = {
            "NEWSWATCH_HTTP_TIMEOUT": ("http_timeout_s", float),
            "NEWSWATCH_MAX_BODY_BYTES": ("max_body_bytes", int),
            "NEWSWATCH_MAX_REDIRECTS": ("max_redirects", int),
            "NEWSWATCH_PER_HOST_CONCURRENCY": ("per_host_concurrency", int),
            "NEWSWATCH_PER_HOST_DELAY": ("per_host_delay_s", float),
            "NEWSWATCH_FEED_WORKERS": ("feed_workers", int),
            "NEWSWATCH_FEED_REVALIDATE_HOURS": ("feed_revalidate_hours", float),
            "NEWSWATCH_MAX_ARTICLES_PER_FEED": ("max_articles_per_feed", int),
            "NEWSWATCH_INDEX_SHARDS": ("index_shards", int),
            "NEWSWATCH_INDEX_REPLICAS": ("index_replicas", int),
        }
        for var, (name, kind) in numbers.items():
            if env.get(var):
                try:
                    values[name] = kind(env[var])
                except ValueError as exc:
                    raise ValueError(f"{var}={env[var]!r} is not a valid {kind.__name__}") from exc
        if env.get("NEWSWATCH_SEEDS"):
            values["seeds_dir"] = Path(env["NEWSWATCH_SEEDS"])
        if env.get("NEWSWATCH_FEEDS"):
            values["feeds_file"] = Path(env["NEWSWATCH_FEEDS"])
        if env.get("NEWSWATCH_ALLOW_PRIVATE_HOSTS"):
            values["allow_private_hosts"] = _csv(env["NEWSWATCH_ALLOW_PRIVATE_HOSTS"])
        if env.get("NEWSWATCH_DEAD_LETTER_DIR"):
            values["dead_letter_dir"] = Path(env["NEWSWATCH_DEAD_LETTER_DIR"])
        values.update(overrides)
        return cls(**values)

    def index(self, kind: str) -> str:
        """Alias name of an index kind: 'articles', 'incidents' or 'feeds'."""
        return f"{self.index_prefix}-{kind}"
