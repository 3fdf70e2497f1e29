"""extract.clean logs why a page was rejected and leaves other libraries' loggers alone."""

from __future__ import annotations

import logging
import subprocess
import sys

from extract.clean import clean_html
from ingest.config import REPO_ROOT


def test_importing_clean_leaves_trafilaturas_logger_alone():
    code = "import logging; import extract.clean; print(logging.getLogger('trafilatura').level)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=REPO_ROOT, timeout=60, check=True).stdout
    assert out.split() == [str(logging.NOTSET)]


def test_a_rejection_is_logged_at_debug_with_its_reason(caplog):
    with caplog.at_level(logging.DEBUG, logger="extract.clean"):
        clean_html(b"%PDF-1.4 ...", "https://e.example/report.pdf")
    assert [r.getMessage() for r in caplog.records if r.name == "extract.clean"] == [
        "rejected https://e.example/report.pdf: not_html (PDF content)"]
