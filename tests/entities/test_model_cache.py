"""The built extractor kept on disk: loaded when its inputs are unchanged, rebuilt otherwise, never trusted torn."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from search.entities import EntityExtractor, model_cache
from search.models import Article


class Built:
    """Stands in for the extractor in the cache's mechanics (building the real one takes seconds)."""

    count = 0

    def __init__(self) -> None:
        Built.count += 1
        self.serial = Built.count


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("NEWS_SEARCH_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(model_cache, "EntityExtractor", Built)
    monkeypatch.setattr(model_cache, "fingerprint", lambda: "inputs-a")
    Built.count = 0
    return tmp_path / "cache"


def saved(cache: Path) -> list[str]:
    return sorted(p.name for p in cache.iterdir())


def test_the_first_process_builds_and_saves_the_next_one_loads(cache: Path) -> None:
    first = model_cache.load_extractor()
    assert saved(cache) == ["extractor-inputs-a.pickle"]
    second = model_cache.load_extractor()
    assert Built.count == 1
    assert second.serial == first.serial


def test_changed_inputs_build_afresh_and_replace_the_old_file(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    model_cache.load_extractor()
    monkeypatch.setattr(model_cache, "fingerprint", lambda: "inputs-b")
    model_cache.load_extractor()
    assert Built.count == 2
    assert saved(cache) == ["extractor-inputs-b.pickle"]


@pytest.mark.parametrize("damage", [b"", b"\x80\x05garbage", pickle.dumps({"not": "an extractor"})])
def test_a_torn_or_foreign_file_is_rebuilt_not_trusted(cache: Path, damage: bytes) -> None:
    cache.mkdir()
    (cache / "extractor-inputs-a.pickle").write_bytes(damage)
    extractor = model_cache.load_extractor()
    assert isinstance(extractor, Built)
    assert Built.count == 1
    assert isinstance(pickle.loads((cache / "extractor-inputs-a.pickle").read_bytes()), Built)


def test_off_keeps_nothing_on_disk(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWS_SEARCH_CACHE_DIR", "off")
    model_cache.load_extractor()
    model_cache.load_extractor()
    assert Built.count == 2
    assert not cache.exists()


def test_a_folder_that_cannot_be_written_only_costs_a_build(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache.write_text("a file where the folder should be")
    assert isinstance(model_cache.load_extractor(), Built)
    assert isinstance(model_cache.load_extractor(), Built)
    assert Built.count == 2


def test_the_default_folder_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("NEWS_SEARCH_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert model_cache.cache_folder() == tmp_path / "news-search"


def test_the_fingerprint_changes_with_the_entity_tables(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    before = model_cache.fingerprint()
    assert model_cache.fingerprint() == before
    source = tmp_path / "entities"
    source.mkdir()
    (source / "cities.tsv").write_text("Springfield\tUnited States\n")
    monkeypatch.setattr(model_cache, "_SOURCE", source)
    changed = model_cache.fingerprint()
    (source / "cities.tsv").write_text("Springfield\tCanada\n")
    assert len({before, changed, model_cache.fingerprint()}) == 3


def test_a_loaded_extractor_finds_what_a_built_one_finds(extractor: EntityExtractor) -> None:
    loaded = pickle.loads(pickle.dumps(extractor, protocol=pickle.HIGHEST_PROTOCOL))
    article = Article(
        id="t",
        title="Merkel meets Putin in Moscow",
        body="BERLIN - Chancellor Angela Merkel said on Monday that Siemens would invest in Russia. Merkel "
        "later met Vladimir Putin and officials of the World Bank.",
    )
    assert loaded.extract(article) == extractor.extract(article)


def test_a_cache_setting_that_names_no_folder_says_so_and_builds(
    cache: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    cache.parent.mkdir(parents=True, exist_ok=True)
    (cache.parent / "a-file").write_text("not a folder")
    monkeypatch.setenv("NEWS_SEARCH_CACHE_DIR", str(cache.parent / "a-file" / "cache"))
    assert isinstance(model_cache.load_extractor(), Built)
    assert "NEWS_SEARCH_CACHE_DIR" in caplog.text and "did not load" not in caplog.text


def test_a_folder_others_may_write_to_is_not_trusted(cache: Path, caplog: pytest.LogCaptureFixture) -> None:
    """A pickle runs code when loaded: a shared folder (``NEWS_SEARCH_CACHE_DIR=/tmp``) could hold another
    user's file under the expected name. It is neither read nor written; the models are built."""
    cache.mkdir()
    planted = Built()
    (cache / "extractor-inputs-a.pickle").write_bytes(pickle.dumps(planted))
    cache.chmod(0o777)
    try:
        extractor = model_cache.load_extractor()
    finally:
        cache.chmod(0o700)
    assert extractor.serial != planted.serial and Built.count == 2, "built, not the planted file"
    assert "is not private" in caplog.text and "NEWS_SEARCH_CACHE_DIR" in caplog.text
    assert pickle.loads((cache / "extractor-inputs-a.pickle").read_bytes()).serial == planted.serial  # untouched


def test_a_loaded_extractor_brings_its_language_model(extractor: EntityExtractor, monkeypatch) -> None:
    """py3langid decompresses its model file in 0.4 s per process: an extractor from the cache carries it."""
    from py3langid import langid

    from search.entities import language

    loaded = pickle.loads(pickle.dumps(extractor, protocol=pickle.HIGHEST_PROTOCOL))
    language.identifier.cache_clear()  # a new process: nothing loaded yet
    monkeypatch.setattr(langid.LanguageIdentifier, "from_model_file", classmethod(lambda *a, **k: 1 / 0))
    german = Article(
        id="g", title="Regierung beschließt Haushalt", body="Der Bundestag hat heute das Gesetz beschlossen."
    )
    assert loaded.extract(german).languages == ("German",)
    language.identifier.cache_clear()
