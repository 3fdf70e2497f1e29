"""Gazetteer: loads once, folds names keeping offsets, knows ACLED country names and demonyms."""

from extract import gazetteer, paths, places


def test_loads_once_per_process():
    assert gazetteer.get() is gazetteer.get()


def test_fold_keeps_length_and_drops_accents():
    text = "Ouémé — Sana’a, Al-Hasakah"
    folded = gazetteer.fold_text(text)
    assert len(folded) == len(text)
    assert folded.startswith("oueme")
    assert "sana'a" in folded and "al hasakah" in folded


def test_lookup_city_region_country():
    gz = gazetteer.get()
    cot = [e for e, _ in gz.lookup("Cotonou") if e.kind_name == "city"]
    assert cot and cot[0].country_code == "BJ" and cot[0].admin1 == "Littoral"
    assert any(e.kind_name == "admin1" and e.country_code == "SY" for e, _ in gz.lookup("Hasakah"))
    assert any(e.kind_name == "country" for e, _ in gz.lookup("Syria"))


def test_seed_supplements_are_in_the_gazetteer():
    gz = gazetteer.get()
    (zummar, _), = gz.lookup("Zummar")
    assert (zummar.country_code, zummar.admin1) == ("IQ", "Nineveh")
    assert {e.name for e, _ in gz.lookup("Rmelan")} == {"Rumaylan"}


def test_acled_country_names():
    assert places.country_name("CD") == "Democratic Republic of Congo"
    assert places.country_name("sy") == "Syria"
    assert places.country_name("BJ") == "Benin"
    assert places.country_name("ZZ") is None


def test_demonyms():
    assert places.country_of_demonym("Iraqi") == "IQ"
    assert places.country_of_demonym("Syrians") == "SY"
    assert places.country_of_demonym("Nigerian") == "NG"
    assert places.country_of_demonym("forces") is None


def test_skeleton_merges_transliterations():
    sk = gazetteer.skeleton
    assert sk("Al-Atareb") == sk("Al Atārib")
    assert sk("Doura") == sk("Dūrā")
    assert sk("Kafr Qaseem") == sk("Kafr Qāsim")
    assert sk("Mansura") == sk("Al Manşūrah")
    assert sk("Homs") != sk("Hama")


def test_near_spelling_stays_in_the_region():
    gz = gazetteer.get()
    hit = gz.near_spelling("Atareb", "SY", "Aleppo")
    assert hit is not None and hit.country_code == "SY" and hit.admin1 == "Aleppo"
    assert gz.near_spelling("Atareb", "SY", "Homs") is None   # no such town in that region
    slip = gz.near_spelling("Patzuaro", "MX", "Michoacán")    # a letter missing
    assert slip is not None and slip.name == "Pátzcuaro"
    assert gz.near_spelling("Xqwzt", "MX", "Michoacán") is None


def test_region_is_placed_at_its_biggest_place():
    gz = gazetteer.get()
    region = gz.admin1_of("SY", "Aleppo")
    city = max((e for e, _ in gz.lookup("Aleppo") if e.kind_name == "city"),
               key=lambda e: e.population)
    assert region is not None and region.kind_name == "admin1"
    assert (round(region.lat, 3), round(region.lon, 3)) == (round(city.lat, 3), round(city.lon, 3))


def test_a_broken_cache_is_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "_cache_dir", tmp_path)
    gz0 = gazetteer.get()
    fields = ("names cc admin1 lat lon pop kind key_entries key_len country_names country_entry "
              "admin1_entry demonyms admin1_abbrev common lang_entries capitals words").split()
    monkeypatch.setattr(gazetteer, "build",   # the real build, already done once this session
                        lambda: ({f: getattr(gz0, f) for f in fields}, gz0.automaton))
    data_path, auto_path = gazetteer._cache_paths()
    auto_path.write_bytes(b"not a pickle")
    data_path.write_bytes(b"nor this")
    gz = gazetteer._load_or_build()
    assert gz.lookup("Cotonou")
    again = gazetteer._load_or_build()   # now from the cache it wrote
    assert [e.name for e, _ in again.lookup("Cotonou")] == [e.name for e, _ in gz.lookup("Cotonou")]


def test_fold_text_is_fold_char_of_each_character():
    # ASCII, accents, typographic quotes, dashes, a character folding to two (kept one wide),
    # and a lone surrogate (the slow path): the fast folding agrees with char-by-char folding
    texts = ["Plain ASCII text, with-dashes_and/slashes `ticks`.",
             "Ouémé — Sana’a «Al-Hasakah» ‘Idlib’ İstanbul ǅ Ångström ½ ﬁ",
             "x\ud800y Ø ø ẞ ß",
             "a" * 300 + " Ségou"]
    for text in texts:
        folded = gazetteer.fold_text(text)
        assert folded == "".join(gazetteer.fold_char(c) for c in text)
        assert len(folded) == len(text)


def test_an_everyday_word_is_no_alternate_name_of_a_small_place():
    # GeoNames' alternate names carry no language: "Union", "Santiago", "Paris" are alternates
    # of many villages; only a big town keeps a frequent word as another of its names
    gz = gazetteer.get()
    for word in ("Union", "Santiago", "Paris", "Victoria"):
        alts = [e for e, alt in gz.lookup(word) if alt]
        assert all(e.population >= gazetteer.BIG_TOWN for e in alts), (word, alts[:3])
    # (a place's own name stays whatever it means: Santiago de Chile; León is León de los
    # Aldama's other name)
    assert any(e.country_code == "CL" and not alt for e, alt in gz.lookup("Santiago"))
    assert any(e.country_code == "MX" for e, _ in gz.lookup("León"))


def test_every_demonym_names_a_country_code():
    """A YAML key such as NO (Norway) reads as false unless quoted: no demonym may lose its
    country that way."""
    gz = gazetteer.get()
    assert gz.demonyms["norwegian"] == "NO"
    assert all(isinstance(cc, str) and len(cc) == 2 and cc.isupper()
               for cc in gz.demonyms.values())


def test_a_new_build_keeps_the_newest_other_builds(tmp_path):
    # processes reading other sources share the cache folder: each keeps its build instead of
    # deleting the others' (which then rebuild, ~12 s each, in turn)
    import os

    for k in range(5):
        for ext in ("pickle", "automaton"):
            f = tmp_path / f"gazetteer-{k:016x}.{ext}"
            f.write_bytes(b"x")
            os.utime(f, (1_000_000 + k, 1_000_000 + k))
    gazetteer._drop_old_caches(tmp_path)
    left = sorted(f.name for f in tmp_path.iterdir())
    assert left == sorted(f"gazetteer-{k:016x}.{ext}" for k in (2, 3, 4)
                          for ext in ("pickle", "automaton"))
