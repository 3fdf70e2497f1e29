"""extract/ finds seeds/ and its cache where ingest/config.py says, reading no variable itself."""

from __future__ import annotations

import shutil

import pytest

from extract import gazetteer, paths, vocab
from ingest.config import REPO_ROOT, Settings, configure_extract


@pytest.fixture
def restore_paths(monkeypatch):
    monkeypatch.setattr(paths, "_seeds_dir", paths._seeds_dir)
    monkeypatch.setattr(paths, "_cache_dir", paths._cache_dir)
    monkeypatch.setattr(vocab, "_VOCAB", None)   # rebuilt from the folder in use


def test_in_a_checkout_the_seeds_and_cache_are_the_repositorys():
    assert paths.packaged_seeds_dir() == REPO_ROOT / "seeds"
    assert paths.default_cache_dir() == REPO_ROOT / ".cache"


def test_settings_from_env_hand_the_folders_to_extract(tmp_path, restore_paths):
    env = {"NEWSWATCH_SEEDS": str(tmp_path / "seeds"), "NEWSWATCH_CACHE_DIR": str(tmp_path)}
    settings = Settings.from_env(env=env)
    assert (settings.seeds_dir, settings.cache_dir) == (tmp_path / "seeds", tmp_path)
    assert (paths.seeds_dir(), paths.cache_dir()) == (tmp_path / "seeds", tmp_path)
    paths.configure(cache_dir=tmp_path)   # the repository's gazetteer seeds, this cache
    assert {p.parent for p in gazetteer._cache_paths()} == {tmp_path}
    Settings.from_env(env={})
    assert paths.seeds_dir() == REPO_ROOT / "seeds"


def test_the_vocabulary_is_read_from_the_configured_seeds(tmp_path, restore_paths):
    seeds = tmp_path / "seeds"
    shutil.copytree(REPO_ROOT / "seeds", seeds)
    with (seeds / "actors" / "actors.yaml").open("a", encoding="utf-8") as fh:
        fh.write("\n- name: Brigade of the Example Hills\n  type: rebel\n")
    configure_extract({"NEWSWATCH_SEEDS": str(seeds)})
    found = vocab.get().actors.find("Fighters of the Brigade of the Example Hills attacked.")
    assert "Brigade of the Example Hills" in [hit.label for hit in found]


def test_extract_reads_no_environment_variable():
    for module in (REPO_ROOT / "extract").glob("*.py"):
        code = module.read_text(encoding="utf-8")
        assert "os.environ" not in code and "getenv" not in code, module.name
