"""The corpus-wide person registry (search/indexing/registry.py): resolving lone surnames, following the
index's articles, reading and writing ``persons.json``."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from search.indexing.registry import (
    FIRMS_FILE,
    REGISTRY_FILE,
    PersonRegistry,
    load_registry,
    resolve_persons,
    save_registry,
)
from search.models import Entities, Mention


def test_registry_resolves_lone_surnames_and_round_trips() -> None:
    registry = PersonRegistry()
    for n in range(3):
        registry.add(f"a{n}", ["Paul Volcker", "James Baker", "Paul Volcker"])
    registry.add("b", ["Howard Baker"])
    registry.add("c", ["Jane Smith"])
    registry.add("d", ["John Smith"])
    assert registry.resolve("Volcker") == "Paul Volcker"
    assert registry.resolve("Baker") == "James Baker"
    assert registry.resolve("Smith") is None  # no full name seen twice
    assert registry.resolve("Nobody") is None
    again = PersonRegistry.from_json(registry.to_json())
    assert again.resolve("Baker") == "James Baker"
    assert again.to_json() == registry.to_json()


def test_registry_forgets_what_changed_and_deleted_articles_said() -> None:
    registry = PersonRegistry()
    registry.add("a", ["Paul Volcker"])
    registry.add("b", ["Paul Volcker"])
    registry.add("c", ["Anne Volcker"])
    assert registry.resolve("Volcker") == "Paul Volcker"
    registry.add("b", ["James Baker"])  # b changed: it no longer names Paul Volcker
    assert registry.resolve("Volcker") is None  # 1 of 2: no clear winner
    registry.add("d", ["Paul Volcker"])
    assert registry.resolve("Volcker") == "Paul Volcker"
    registry.remove("d")
    registry.remove("a")
    registry.remove("nobody")
    assert registry.resolve("Volcker") is None
    assert PersonRegistry.from_json(registry.to_json()).to_json() == registry.to_json()
    registry.remove("c")
    assert len(registry) == 1  # only Baker is left


@pytest.mark.parametrize(
    "text",
    [
        '{"min_count": 2, "min_share": 0.5, "names": {"volcker": {"Paul Volcker": 3}}}',  # last session's format
        '{"articles": {"a": ["Paul Volcker"]}}',
        '{"min_count": 2, "min_share": 0.5, "articles": {"a": 5}}',
        '{"min_count": 2, "min_share": 0.5, "articles": {"a": [5]}}',
        '{"min_count": "two", "min_share": 0.5, "articles": {}}',
        "[1, 2]",
        '{"min_count": 2',
    ],
)
def test_registry_rejects_an_old_broken_or_foreign_file(text: str) -> None:
    with pytest.raises(ValueError):
        PersonRegistry.from_json(text)


def test_resolve_persons_adds_resolved_and_drops_unresolved() -> None:
    registry = PersonRegistry()
    registry.add("a", ["Paul Volcker"])
    registry.add("b", ["Paul Volcker"])
    ents = Entities(
        persons=("James Baker",),
        surnames=("Volcker", "Zzyzx"),
        mentions=(
            Mention("Volcker", "person", "Volcker"),
            Mention("Zzyzx", "person", "Zzyzx"),
            Mention("James Baker", "person", "James Baker"),
        ),
    )
    out = resolve_persons(ents, registry)
    assert out.persons == ("James Baker", "Paul Volcker")
    assert out.surnames == ()
    assert out.mentions == (
        Mention("Volcker", "person", "Paul Volcker"),
        Mention("James Baker", "person", "James Baker"),
    )


def test_save_registry_then_load_registry_gives_it_back(tmp_path: Path) -> None:
    registry = PersonRegistry()
    registry.add("a", ["Paul Volcker"])
    registry.add("b", ["Paul Volcker"])
    save_registry(tmp_path, registry)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([REGISTRY_FILE, FIRMS_FILE])  # no temporary file
    loaded = load_registry(tmp_path)
    assert loaded.to_json() == registry.to_json()
    assert loaded.resolve("Volcker") == "Paul Volcker"


def test_load_registry_starts_a_new_one_without_a_file(tmp_path: Path) -> None:
    assert len(load_registry(tmp_path)) == 0


def test_load_registry_starts_over_with_a_warning_when_the_file_is_unreadable(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / REGISTRY_FILE).write_text('{"min_count": 2, "min_share": 0.5, "articles": {"a": 5}}', encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="search.indexing.registry"):
        registry = load_registry(tmp_path)
    assert len(registry) == 0
    assert "persons.json is unreadable" in caplog.text
