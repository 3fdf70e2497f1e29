"""newswatch as an installed package, not an editable checkout: a wheel built from this tree,
installed into a fresh virtual environment, runs `newswatch extract` from another folder.

Offline and quick: the wheel is built by uv from its cache (the build backend the editable
install already fetched), and the fresh venv sees the dependencies of .venv through a .pth
line, which adds that folder but not the editable finder that points at this checkout.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
UV = Path(sys.executable).with_name("uv")
SEED_PAGE = REPO / "seeds" / "demo" / "articles" / "seed-article.html"

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not UV.exists(), reason="uv is not in .venv (scripts/install.sh)")]


def _run(*args, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run([str(a) for a in args], capture_output=True, text=True,
                            timeout=300, **kwargs)
    assert result.returncode == 0, f"{' '.join(map(str, args))}:\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> Path:
    """What a release is built from, copied so the build writes nothing into the checkout."""
    src = tmp_path_factory.mktemp("src")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, src / name)
    for name in ("ingest", "extract", "seeds"):
        shutil.copytree(REPO / name, src / name,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return src


@pytest.fixture(scope="module")
def wheel(source, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    build = [UV, "build", "--wheel", "--out-dir", out, source]
    offline = subprocess.run([str(a) for a in build + ["--offline"]], capture_output=True,
                             timeout=300)
    if offline.returncode != 0:  # the build backend is not cached yet: fetch it once
        _run(*build)
    return next(out.glob("newswatch-*.whl"))


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory) -> Path:
    """A fresh venv with the wheel installed (no --editable) and .venv's dependencies."""
    root = tmp_path_factory.mktemp("venv")
    _run(sys.executable, "-m", "venv", "--without-pip", root)
    python = root / "bin" / "python"
    site = Path(_run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))")
                .stdout.strip())
    (site / "newswatch-dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    _run(UV, "pip", "install", "--offline", "--no-deps", "--python", python, wheel)
    return root


def _clean_env(tmp: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k != "PYTHONPATH" and not k.startswith("NEWSWATCH_")}
    return {**env, "HOME": str(tmp), **extra}


def test_the_wheel_ships_every_module_and_the_seeds(wheel, source):
    names = set(zipfile.ZipFile(wheel).namelist())
    modules = {p.relative_to(source).as_posix() for folder in ("ingest", "extract")
               for p in (source / folder).rglob("*.py")}
    assert modules - names == set(), "add the new sub-package to [tool.setuptools] packages"
    seeds = {f"extract/seeds/{p.relative_to(source / 'seeds').as_posix()}"
             for p in (source / "seeds").rglob("*") if p.is_file()}
    assert seeds - names == set()


def test_installed_package_is_imported_from_the_venv_not_the_checkout(venv, tmp_path):
    probe = ("import json, extract, ingest; from extract import paths; "
             "from ingest.config import Settings; s = Settings.from_env(); "
             "print(json.dumps([extract.__file__, ingest.__file__, str(paths.seeds_dir()), "
             "str(s.feeds_path), s.feeds_path.is_file()]))")
    out = _run(venv / "bin" / "python", "-c", probe, cwd=tmp_path, env=_clean_env(tmp_path))
    extract_file, ingest_file, seeds, feeds, feeds_exist = json.loads(out.stdout)
    for path in (extract_file, ingest_file, seeds, feeds):
        assert Path(path).is_relative_to(venv), path
    assert feeds_exist


def test_newswatch_extract_from_another_folder_finds_the_seed_articles_incidents(venv, tmp_path):
    article = {"id": "seed", "html": SEED_PAGE.read_text(encoding="utf-8"),
               "url": "https://demo.example/seed", "published": "2024-04-22"}
    (tmp_path / "articles.jsonl").write_text(json.dumps(article) + "\n", encoding="utf-8")
    cache = tmp_path / "gazetteer-cache"
    _run(venv / "bin" / "newswatch", "extract", "--input", "articles.jsonl", "--output",
         "incidents.jsonl", cwd=tmp_path,
         env=_clean_env(tmp_path, NEWSWATCH_CACHE_DIR=str(cache)))
    row = json.loads((tmp_path / "incidents.jsonl").read_text(encoding="utf-8"))
    found = [(i["event_type"], i["country_code"], i["date"]) for i in row["incidents"]]
    remote = "Explosions/Remote violence"   # the rockets, the air strike, the earlier blast
    assert found == [(remote, "SY", "2024-04-21"), (remote, "IQ", "2024-04-21"),
                     (remote, "IQ", "2024-04-20")], found
    rockets, strike, _ = row["incidents"]
    assert (rockets["location"], strike["location"]) == ("Rumaylan", "Zummar")
    assert strike["sub_event_type"] == "Air/drone strike"
    assert list(cache.glob("gazetteer-*")), "NEWSWATCH_CACHE_DIR was not used"
