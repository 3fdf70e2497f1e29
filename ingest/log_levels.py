"""Levels of other libraries' loggers, set the same way by the CLI and by Airflow tasks."""

from __future__ import annotations

import logging

# trafilatura and htmldate warn about every page they discard (our outcomes carry the reason);
# the HTTP and Elasticsearch clients log every request
CHATTY_LOGGERS = ("trafilatura", "htmldate", "elastic_transport", "httpx", "httpcore")


def quiet_chatty_loggers(level: int = logging.WARNING) -> None:
    """The chatty libraries at error (or `level` if higher); at their own debug level only
    when debug is asked."""
    debug = level <= logging.DEBUG
    for name in CHATTY_LOGGERS:
        logging.getLogger(name).setLevel(level if debug else max(level, logging.ERROR))
