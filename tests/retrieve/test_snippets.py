"""Snippets: fragments around matches, sentence-aware, and safe to put in a page as HTML."""

from __future__ import annotations

import re

from whoosh.lang.porter import stem

from search.retrieve.snippets import ELLIPSIS, SurfaceForms, find_spans, lead, make_snippet, terms_in

HOSTILE = (
    'Dealers said <script>alert("x")</script> oil rose. <img src=x onerror=alert(1)> '
    'O\'Brien & Co said &amp; oil "quoted" fell.'
)


def spans_of(text: str, *words: str):
    return [(m.start(), m.end(), w) for w in words for m in re.finditer(rf"\b{w}\b", text)]


def tags(html: str) -> set[str]:
    return set(re.findall(r"<[^>]*>", html))


def test_text_is_escaped_and_only_mark_is_added() -> None:
    snippet = make_snippet(HOSTILE, spans_of(HOSTILE, "oil"))
    assert tags(snippet) == {"<mark>", "</mark>"}
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in snippet
    assert "&lt;img src=x onerror=alert(1)&gt;" in snippet
    assert "O&#x27;Brien &amp; Co said &amp;amp; <mark>oil</mark> &quot;quoted&quot;" in snippet


def test_the_lead_is_escaped_too() -> None:
    assert tags(lead(HOSTILE)) == set()
    assert lead("  <b>Bold</b> start. More text.") == "&lt;b&gt;Bold&lt;/b&gt; start."


def test_fragments_stop_at_sentence_ends() -> None:
    text = "First sentence here. The oil price rose sharply today. Last sentence about nothing."
    assert make_snippet(text, spans_of(text, "oil")) == "The <mark>oil</mark> price rose sharply today."


def test_long_sentences_are_cut_at_words_with_an_ellipsis() -> None:
    text = " ".join(["word"] * 60) + " oil " + " ".join(["more"] * 60)
    snippet = make_snippet(text, spans_of(text, "oil"))
    assert snippet.startswith(ELLIPSIS + "word") and snippet.endswith("more" + ELLIPSIS)
    assert len(snippet) < 200


def test_at_most_three_fragments_preferring_more_distinct_terms() -> None:
    sentences = [f"Sentence {i} mentions oil." for i in range(6)] + ["Here oil and gas meet."]
    text = " ".join(f"Filler words number {i} go on and on for a while. {s}" for i, s in enumerate(sentences))
    snippet = make_snippet(text, spans_of(text, "oil", "gas"))
    assert snippet.count("<mark>oil</mark>") == 3
    assert "<mark>oil</mark> and <mark>gas</mark>" in snippet


def test_no_match_gives_the_lead() -> None:
    text = "The opening sentence. Another one."
    assert make_snippet(text, []) == "The opening sentence."
    assert lead("") == ""


def test_placeholder_characters_in_the_text_cannot_forge_marks() -> None:
    text = "x\ue000y oil \ue001 z."
    snippet = make_snippet(text, spans_of(text, "oil"))
    assert snippet.count("<mark>") == 1 and "\ue000" not in snippet


def test_surface_forms_find_every_word_with_the_stem() -> None:
    forms = SurfaceForms(["price", "prices", "pricing", "oil", "oils", "priceless"])
    pattern = forms.pattern([stem("prices"), "1987"])
    text = "Prices and PRICING rose in 1987; price-fixing too, but not priceless art or 19870."
    found = [(text[s:e], term) for s, e, term in find_spans(text, pattern, forms, 2)]
    assert found == [("Prices", "price"), ("PRICING", "price"), ("1987", "1987"), ("price", "price")]
    assert forms.pattern([]) is None


def test_find_spans_stops_once_enough_matches_are_found() -> None:
    forms = SurfaceForms(["oil", "gas"])
    text = "oil " * 100 + "gas"
    spans = find_spans(text, forms.pattern(["oil", stem("gas")]), forms, terms=2)
    assert spans[-1][2] == stem("gas")  # kept going until every term was seen
    assert len(find_spans(text, forms.pattern(["oil"]), forms, terms=1)) < 100


def test_surface_forms_in_other_languages_are_kept_apart() -> None:
    forms = SurfaceForms(["häuser", "haus", "houses", "news", "new"])
    terms = ["de:haus", "de:new", "hous"]  # "Häuser" and "news" (German stem "new") searched in both languages
    german = forms.pattern(terms_in(terms, "de"))
    assert german is not None
    assert [w for _, _, w in german.finditer("Die Häuser, das Haus; houses")] == ["häuser", "haus"]
    english = forms.pattern(terms_in(terms, ""))
    assert english is not None
    assert [w for _, _, w in english.finditer("New houses in the news")] == ["houses"]
    assert terms_in(terms, "en") == terms_in(terms, "") == ["hous"]
