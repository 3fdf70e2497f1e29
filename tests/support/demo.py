"""The demo site (seeds/demo) as test data: settings that point a run at it."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import yaml

from ingest.config import REPO_ROOT, Settings

DEMO_ARTICLES = yaml.safe_load((REPO_ROOT / "seeds" / "demo" / "articles.yaml")
                               .read_text(encoding="utf-8"))["articles"]
# every generated page plus the hand-written seed-article page, each once (one story is listed
# in two feeds, once with tracking parameters)
DEMO_ARTICLE_COUNT = len(DEMO_ARTICLES) + 1


def demo_settings(settings: Settings, feeds_file: Path) -> Settings:
    """settings aimed at a running DemoServer: loopback allowed, no politeness delay."""
    return replace(settings, feeds_file=feeds_file, allow_private_hosts=("127.0.0.1",),
                   per_host_delay_s=0.0, per_host_concurrency=4, http_timeout_s=10.0)
