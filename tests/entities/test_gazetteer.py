"""Gazetteer tables (search/entities/gazetteer.py) that decide a name on their own."""

from __future__ import annotations

from search.entities import gazetteer


def test_a_region_named_like_a_person_stays_a_person() -> None:
    """ "Diego Martin" is a region of Trinidad, but reads as a name: regions made of first names are no places."""
    assert gazetteer.key("Diego Martin") not in gazetteer.place_names()
    assert gazetteer.key("Mato Grosso") in gazetteer.place_names()
