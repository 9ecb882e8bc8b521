"""Gazetteer tables (search/entities/gazetteer.py) that decide a name on their own."""

from __future__ import annotations

from search.entities import gazetteer


def test_a_region_named_like_a_person_stays_a_person() -> None:
    """ "Diego Martin" is a region of Trinidad, but reads as a name: regions made of first names are no places."""
    assert gazetteer.key("Diego Martin") not in gazetteer.place_names()
    assert gazetteer.key("Mato Grosso") in gazetteer.place_names()


def test_first_names_keep_the_proper_names_the_word_list_holds() -> None:
    """NLTK's word list also lists proper names ("Cedric", "Kieran", "Luc"): they are no common words, so they
    stay first names; "Jan" and "Christian" are first names as often as a month or a faith; common words stay out."""
    names = gazetteer.first_names()
    assert {"Cedric", "Kieran", "Luc", "Jan", "Christian"} <= names
    assert not {"The", "Said", "Sales"} & names
