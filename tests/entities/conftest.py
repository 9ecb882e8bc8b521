"""Fixtures of the entity tests: one extractor per module, a way to run it on inline text, and the rule objects.

Direct rule tests build :class:`~search.entities.names.NameRules` and
:class:`~search.entities.countries.CountryRules` once per module, from the same gazetteer tables the
extractor uses, and tokenize their phrases with :func:`search.entities.nlp.tokenize`, as the extractor does.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

import nltk
import pytest

from search.entities import EntityExtractor, gazetteer
from search.entities.countries import CountryRules
from search.entities.names import NameRules
from search.models import Article, Entities

from support import NLTK_DATA

if str(NLTK_DATA) not in nltk.data.path:
    nltk.data.path.insert(0, str(NLTK_DATA))

D2018 = datetime(2018, 12, 10, tzinfo=timezone.utc)  # the default date of ``extract``

# ``extract(body, title="", when=D2018)``: the entities of one inline article
Extract = Callable[..., Entities]


@pytest.fixture(scope="module")
def extractor() -> EntityExtractor:
    return EntityExtractor()


@pytest.fixture(scope="module")
def extract(extractor: EntityExtractor) -> Extract:
    """Run the module's extractor on an inline article (``when`` is its publication date)."""

    def run(body: str, title: str = "", when: datetime | None = D2018) -> Entities:
        return extractor.extract(Article(id="t", title=title, body=body, published=when))

    return run


@pytest.fixture(scope="module")
def name_rules() -> NameRules:
    """The name-shape rules with the gazetteer keys the extractor gives them."""
    return NameRules(gazetteer.country_keys(), gazetteer.org_keys())


@pytest.fixture(scope="module")
def country_rules() -> CountryRules:
    return CountryRules()


@pytest.fixture
def miyazawa_story() -> list[str]:
    """Seven sentences about Kiichi Miyazawa (named in the lead) and the yen, for salience tests."""
    return [
        "Finance Minister Kiichi Miyazawa said Japan would act to stabilise the yen.",
        "He told parliament the dollar had fallen too far.",
        "Dealers said the Bank of Japan bought dollars in Tokyo.",
        "Analysts expect more intervention this week.",
        "Exporters have complained about the strong yen for months.",
        "The yen rose to 149 against the dollar on Friday.",
        "Traders expect it to stay near that level.",
    ]
