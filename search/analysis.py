"""Whoosh analyzer chains used by the schema.

>>> [t.text for t in news_analyzer()("Israeli officers visited Moscow")]
['isra', 'offic', 'visit', 'moscow']
>>> [t.text for t in plain_analyzer()("Netanyahu's officers")]
["netanyahu's", 'officers']
"""
from __future__ import annotations

from whoosh.analysis import LowercaseFilter, RegexTokenizer, StemmingAnalyzer


def news_analyzer():
    """English stemming (Porter) with stop words removed, a large stem cache for indexing speed."""
    return StemmingAnalyzer(cachesize=200_000)


def plain_analyzer():
    """Lowercased words, unstemmed: names in field queries and the spelling dictionary."""
    return RegexTokenizer(r"\w+(?:['.]\w+)*") | LowercaseFilter()
