"""Did you mean, for the whole query: the fewest of the spelling dictionary's corrections that find results.

``suggest.suggest_query`` corrects every rare word it can on its own. Taken word by word, "cofee brasil" would
become "coffee brazil": "brasil" is rare next to "brazil", yet the user may mean Banco do Brasil, and
"coffee brasil" finds stories. So the corrections are tried as queries, fewest changed words first, within
the search's filters; the first number of changes that finds results wins, and among equals the one with most
results. No suggestion when no correction finds anything.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from itertools import combinations

from search.errors import BadQuery
from search.retrieve.suggest import SpellingDictionary, suggest_query

MAX_CORRECTED = 4  # corrected words whose combinations are tried (15 queries); more are taken all at once
_TOKENS = re.compile(r"\w+|\W+")


def respellings(text: str, corrected: str) -> list[list[str]]:
    """The ways to correct ``text`` toward ``corrected`` (its word-by-word correction), grouped by how many
    words they change, fewest first.

    >>> respellings("cofee brasil", "coffee brazil")
    [['coffee brasil', 'cofee brazil'], ['coffee brazil']]
    """
    mine, theirs = _TOKENS.findall(text), _TOKENS.findall(corrected)
    changed = [i for i, (a, b) in enumerate(zip(mine, theirs)) if a != b]
    if len(mine) != len(theirs) or len(changed) > MAX_CORRECTED:
        return [[corrected]]
    return [
        ["".join(theirs[i] if i in chosen else token for i, token in enumerate(mine)) for chosen in map(set, picks)]
        for picks in (combinations(changed, n) for n in range(1, len(changed) + 1))
    ]


def best_respelling(text: str, dictionary: SpellingDictionary, count: Callable[[str], int]) -> str | None:
    """The correction of ``text`` with the fewest changed words that ``count`` (results of a query text) finds
    results for, the one with most among equals; None when the dictionary corrects nothing or nothing is found."""
    corrected = suggest_query(text, dictionary)
    if corrected is None:
        return None
    for group in respellings(text, corrected):
        counted = []
        for candidate in group:
            try:
                counted.append((count(candidate), candidate))
            except BadQuery:
                continue
        found, best = max(counted, default=(0, ""), key=lambda pair: pair[0])
        if found:
            return best
    return None
