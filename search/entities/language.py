"""The language a story is written in, by py3langid, as an English name ("German"), or "" when unsure.

py3langid (a retrained langid.py: character n-grams, naive Bayes over some 140 languages) was chosen by
``bench/language_detection.py``: on stories and headlines in the seven stemmed languages it was as
accurate as lingua and langdetect, or more, and 5 to 35 times faster. It reads the title and the opening
of the body (an ALL-CAPS headline is read in sentence case: capitals alone look like no language).
A guess below ``MIN_PROBABILITY`` is no language: unknown is better than wrong (a higher bar for headlines
alone was measured and dropped: py3langid's wrong guesses on them are confident ones, so it only loses right
ones). Two of the model's classes are not a language for this purpose:
"No linguistic content" (price tables) is unknown, and Nigerian Pidgin, English-lexified, is counted as
English: on Reuters 1987 it is how the model reads earnings tables and terse English ("The Bangladesh trade
deficit narrowed to 1.91 billion Taka"), 44 stories of 21,578 that would otherwise lose their entities.
The entity rules are English: the extractor runs them on English stories and on those of no known
language, never on the others.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import pycountry

MIN_PROBABILITY = 0.6
OPENING_CHARS = 600  # enough to tell a language; more only costs time
ENGLISH = "English"
NO_CONTENT = "zxx"
AS_ENGLISH = "pcm"  # Nigerian Pidgin: English words, English names


@lru_cache(maxsize=1)
def identifier() -> Any:
    """The py3langid model with normalised probabilities, loaded once per process (0.4 s: it decompresses
    its model file; the extractor keeps it, so an extractor loaded from ``model_cache`` does not)."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


@lru_cache(maxsize=256)
def language_name(code: str) -> str:
    """The English name of an ISO 639 code ("de" -> "German"), or the code itself when unknown."""
    found = pycountry.languages.get(alpha_2=code) if len(code) == 2 else pycountry.languages.get(alpha_3=code)
    return found.name if found is not None else code


def identify(title: str, body: str, model: Any = None) -> str:
    """The language of a story, as an English name, or "" when the text is too short or unclear.

    :param model: the py3langid model to use (default: :func:`identifier`'s)."""
    heading = title.capitalize() if title.isupper() else title
    text = f"{heading}\n{body[:OPENING_CHARS]}".strip()
    if len(text) < 20:
        return ""
    model = identifier() if model is None else model
    code, probability = model.classify(text)
    if code == AS_ENGLISH:  # rare: rank every language (a third slower) only then
        ranked = dict(model.rank(text))
        code, probability = "en", probability + ranked.get("en", 0.0)
    if code == NO_CONTENT or probability < MIN_PROBABILITY:
        return ""
    return language_name(code)
