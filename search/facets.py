"""The one registry of entity facets: everything else (schema, documents, requests, JSON, CSV, the page,
the CLI, OpenAPI) reads the facets from here, in this order.

The language facet is the story's own (identified by :mod:`search.entities.language`), not a name in it.
Adding a facet (a topic, say) means a line in ``FACETS``, an extractor that fills the ``Entities``
attribute of the same name as ``plural``, and a label in the page's template if the default does not suit.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Facet:
    """One facet: how it is named in each layer."""

    name: str  # URL parameter (``not_<name>`` excludes), key under "facets" and "about" in JSON, query field
    plural: str  # attribute of Entities, JSON key of hits and articles, the CSV column
    field: str  # index field of every value the story names (exact, for filters and counts)
    about_field: str  # index field of the values the story is about (``mentions=about``)
    text_field: str  # index field of the named values as words (for "person:putin" in the query)
    label: str  # heading of the facet on the page
    singular: str  # the value's kind in a sentence: "show only articles naming this organisation"
    named: bool = True  # values are names the story mentions; False for what it is (its language)

    def stories(self, value: str) -> str:
        """How a value selects stories, for help texts: "naming Paul Volcker", "in German"."""
        return f"naming {value}" if self.named else f"in {value}"


LANGUAGE = "lang"  # the facet of each story's language: it also chooses how the story's words are stemmed
FACETS: tuple[Facet, ...] = (
    Facet("person", "persons", "person", "person_about", "person_text", "People", "person"),
    Facet("country", "countries", "country", "country_about", "country_text", "Countries", "country"),
    Facet("org", "orgs", "org", "org_about", "org_text", "Organisations", "organisation"),
    Facet(LANGUAGE, "languages", "lang", "lang_about", "lang_text", "Languages", "language", named=False),
)
FACET_NAMES: tuple[str, ...] = tuple(facet.name for facet in FACETS)
BY_NAME: dict[str, Facet] = {facet.name: facet for facet in FACETS}
MENTIONS = ("any", "about")  # which of a story's entities filters and counts use: all it names, or its subjects


def exclude_parameter(name: str) -> str:
    """The request parameter that excludes stories naming a value of facet ``name``: ``not_person``."""
    return f"not_{name}"
