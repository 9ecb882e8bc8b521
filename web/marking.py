"""An article's text as HTML: its entity mentions linked to their entity pages, and the words searched for
(the query of the search it was read from) in ``<mark>``.

The text is cut at every boundary of a mention or a match first and every piece is escaped on its own, so a
mention can never match inside an escaped entity such as ``&amp;``; a match inside a mention is marked within
its link, and one that runs across a mention's edge is marked on both sides of it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import pairwise

from markupsafe import Markup, escape

from search.facets import BY_NAME
from search.models import Mention
from web.links import Links

Span = tuple[int, int]


def mention_spans(text: str, mentions: Sequence[Mention]) -> list[tuple[int, int, Mention]]:
    """Where the mentions stand in ``text``: longest first where they overlap ("Paul Volcker" before "Volcker"),
    whole words only, any run of white space inside a mention matching any other."""
    by_text = {m.text: m for m in mentions if m.text.strip() and m.kind in BY_NAME}
    if not by_text:
        return []
    words = sorted(by_text, key=len, reverse=True)
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(r"\s+".join(map(re.escape, w.split())) for w in words) + r")(?!\w)")
    lookup = {" ".join(w.split()): m for w, m in by_text.items()}
    return [(found.start(), found.end(), lookup[" ".join(found.group().split())]) for found in pattern.finditer(text)]


def mark_text(text: str, mentions: Sequence[Mention], links: Links, marks: Sequence[Span] = ()) -> Markup:
    """Escaped ``text`` with each mention a link to its entity page and each span of ``marks`` in ``<mark>``."""
    found = mention_spans(text, mentions)
    cuts = sorted({0, len(text), *(p for s, e, _ in found for p in (s, e)), *(p for s, e in marks for p in (s, e))})
    out: list[Markup] = []
    open_mention: tuple[int, int, Mention] | None = None
    pending = iter(found)
    following = next(pending, None)
    for start, end in pairwise(cuts):
        if following is not None and start == following[0]:
            open_mention, following = following, next(pending, None)
            mention = open_mention[2]
            out.append(
                Markup('<a class="mention mention-{}" href="{}" title="{}: {}">').format(
                    mention.kind,
                    links.entity(mention.kind, mention.value),
                    BY_NAME[mention.kind].singular.capitalize(),
                    mention.value,
                )
            )
        piece = escape(text[start:end])
        marked = any(s <= start and end <= e for s, e in marks)
        out.append(Markup("<mark>{}</mark>").format(piece) if marked and piece else piece)
        if open_mention is not None and end == open_mention[1]:
            out.append(Markup("</a>"))
            open_mention = None
    return Markup("").join(out)
