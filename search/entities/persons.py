"""Person names: canonical form, firms named like people, who is quoted, and folding partial mentions.

Within one article "Putin" and "President Putin" fold into "Vladimir Putin". Lone surnames an article
cannot resolve itself ("Volcker said ...") go to ``Entities.surnames``; the indexer's corpus-wide
registry (:mod:`search.indexing.registry`) maps them to the corpus' most frequent full name with that surname.
"""

from __future__ import annotations

from functools import lru_cache

from unidecode import unidecode

from search.entities.lexicon import (
    FIRM_NOUNS,
    FIRM_SUFFIXES,
    PARTICLES,
    PARTNER_SUFFIXES,
    SPEECH_VERBS,
    WORDS_BEFORE_VERB,
)


def canonical_name(tokens: list[str]) -> str:
    """Join name tokens, dropping middle initials and dots ("James A. Baker" -> "James Baker"); a leading
    initial keeps its dot ("G. Thorpe")."""
    kept = [t for t in tokens if t != "."]
    if len(kept) > 2:
        kept = [kept[0]] + [t for t in kept[1:-1] if len(t) > 1] + [kept[-1]]
    if len(kept) > 1 and len(kept[0]) == 1 and kept[0].isupper():
        kept[0] += "."
    return " ".join(kept)


def capital_runs(tokens: list[str]) -> list[tuple[int, int]]:
    """Maximal runs of capitalised tokens, with name particles ("de", "al-Turabi") and abbreviation dots ("Maj.")
    inside."""
    runs, start = [], None
    for i, t in enumerate(tokens):
        inside = t[:1].isupper() or (
            start is not None
            and (
                (t == "." and len(tokens[i - 1]) <= 4)
                or (t in PARTICLES and i + 1 < len(tokens) and tokens[i + 1][:1].isupper())
                or particle_name(t)
            )
        )
        if inside and start is None:
            start = i
        elif not inside and start is not None:
            runs.append((start, i))
            start = None
    if start is not None:
        runs.append((start, len(tokens)))
    return runs


def firm_names(tokens: list[str], runs: list[tuple[int, int]]) -> set[str]:
    """Canonical forms of the names a sentence shows to be firms.

    Many firms carry their founders' names ("Bear Stearns", "Samuel Montagu", "Eli Lilly"), so a first name
    proves nothing; the article's own context does. A name is a firm when it is followed by a corporate
    suffix ("Taco Bell Corp", "Cheung Kong (Holdings) Ltd"), by "and"/"&" and a partner name with one
    ("James Capel and Co", "Bear, Stearns and Co"), by a ticker or inside Reuters' company markers
    ("Diamond Shamrock <DIA>", "<Bear Stearns>"), or comes right after a firm noun ("brokers Hoare
    Govett"). Every part of two or more words counts ("Harcourt Brace" of "Harcourt Brace Jovanovich
    Inc"). The caller drops these names from the article's persons.
    """
    firms: set[str] = set()
    for n, (start, end) in enumerate(runs):
        for k in range(start + 1, end):
            if tokens[k] in FIRM_SUFFIXES:
                firms.update(_parts(tokens[start:k]))
        if start > 0 and tokens[start - 1] in FIRM_NOUNS:
            firms.add(canonical_name(tokens[start:end]))  # the whole run: "bank President John Smith" is a person
        elif _firm_context(tokens, start, end, runs[n + 1] if n + 1 < len(runs) else None):
            firms.update(_parts(tokens[start:end]))
            if n > 0 and start > 1 and tokens[start - 1] == "," and runs[n - 1][1] == start - 1:
                firms.update(_parts(tokens[runs[n - 1][0] : start - 1] + tokens[start:end]))  # "Bear, Stearns"
    return firms


def firm_evidence(firms: set[str], titled: set[str]) -> dict[str, bool]:
    """What an article shows person-like names to be, for the corpus-wide firm registry: True a firm (names of
    two to four words, as a person's are), False a person named after a title, which wins ("Ivan Boesky and
    Co" / "trader Ivan Boesky")."""
    return {name: True for name in sorted(firms) if len(name.split()) <= 4} | dict.fromkeys(sorted(titled), False)


def _firm_context(tokens: list[str], start: int, end: int, following: tuple[int, int] | None) -> bool:
    """Whether the tokens around a run mark it as a firm (see :func:`firm_names`)."""
    if start > 0 and tokens[start - 1] == "<":
        return True
    after = end
    if after < len(tokens) and tokens[after] == "(" and ")" in tokens[after : after + 6]:
        after = tokens.index(")", after) + 1  # "Hoare Govett (Far East) Ltd"
    if after < len(tokens) and (tokens[after] in FIRM_SUFFIXES or tokens[after] == "<"):
        return True
    if after < len(tokens) and tokens[after] in ("and", "&") and following and following[0] == after + 1:
        return any(t in PARTNER_SUFFIXES for t in tokens[following[0] : following[1]])
    return False


def _parts(tokens: list[str]) -> set[str]:
    """Canonical forms of every stretch of two or more words of a firm's name."""
    words = [t for t in tokens if t != "."]
    return {canonical_name(words[i:j]) for i in range(len(words)) for j in range(i + 2, len(words) + 1)}


def speaking(tokens: list[str], start: int, end: int) -> bool:
    """Whether the name at tokens[start:end] (its title included) is the one quoted in its sentence: "Baker
    said", "Baker also said", "said Treasury Secretary James Baker", "according to Baker", or with an
    apposition between name and verb ("Giles Keating, economist at Credit Suisse, said")."""
    after = [t.lower() for t in tokens[end : end + 2]]
    if after and (after[0] in SPEECH_VERBS or (after[0] in WORDS_BEFORE_VERB and after[-1] in SPEECH_VERBS)):
        return True
    if start > 0 and tokens[start - 1].lower() in SPEECH_VERBS:
        return True
    if start > 1 and [t.lower() for t in tokens[start - 2 : start]] == ["according", "to"]:
        return True
    if after[:1] == [","]:
        for k in range(end + 1, min(end + 16, len(tokens) - 1)):
            if tokens[k] == ",":
                return tokens[k + 1].lower() in SPEECH_VERBS
    return False


def surname_of(name: str) -> str:
    """The word a lone mention of the person would be: "Baker"; "Turabi" of "Hassan al-Turabi"."""
    last = name.split()[-1]
    return last.partition("-")[2] if particle_name(last) else last


def particle_name(token: str) -> bool:
    """A family name joined to its lower-case particle by a hyphen: "al-Turabi", "el-Sayed", "bin-Laden"."""
    head, _, rest = token.partition("-")
    return head in PARTICLES and rest[:1].isupper()


@lru_cache(maxsize=200_000)  # names repeat: loading the registries of a million stories folds 3.4 million
def fold_key(name: str) -> str:
    """Accent- and case-insensitive comparison key ("Poehl" == "poehl", "Pérez" == "Perez")."""
    return unidecode(name).lower()


def fold_persons(full_names: list[str], lone: list[str], family_first: set[str]) -> tuple[list[str], dict[str, str]]:
    """Fold partial names into the article's full names, and a misspelt full name into the one named first
    ("Igor Konashenko" into "Igor Konashenkov").

    :param full_names: multi-token names in order of first mention.
    :param lone: single-token mentions (surnames, possibly titled) in order of first mention.
    :param family_first: full names written family name first ("Deng Xiaoping"), so "Deng" folds too.
    :returns: (persons kept, mapping surface -> canonical for every folded or kept mention).
    """
    by_surname: dict[str, str] = {}
    persons: list[str] = []
    mapping: dict[str, str] = {}
    for name in sorted(dict.fromkeys(full_names), key=lambda n: -len(n.split())):
        target = _longer_match(name, persons) or _misspelling_of(name, persons)
        mapping[name] = target or name
        by_surname.setdefault(fold_key(surname_of(name)), target or name)
        if target is None:
            persons.append(name)
            if name in family_first:
                by_surname.setdefault(fold_key(name.split()[0]), name)
    order = {name: i for i, name in enumerate(dict.fromkeys(full_names))}
    persons.sort(key=lambda n: order[n])
    for word in lone:
        target = by_surname.get(fold_key(word))
        if target is not None:
            mapping[word] = target
    return persons, mapping


def _longer_match(name: str, persons: list[str]) -> str | None:
    """A longer kept name this one abbreviates: "Otto Poehl" -> "Karl Otto Poehl" (same surname and first)."""
    tokens = name.split()
    for other in persons:
        other_tokens = other.split()
        same_surname = fold_key(other_tokens[-1]) == fold_key(tokens[-1])
        if len(other_tokens) > len(tokens) and same_surname and tokens[0] in other_tokens:
            return other
    return None


def _misspelling_of(name: str, persons: list[str]) -> str | None:
    """A kept name this one misspells: same first name, a surname one letter apart (two for surnames of eight
    letters or more): "Igor Konashenko" -> "Igor Konashenkov". Surnames under five letters never fold ("Ali
    Khan", "Ali Kazan")."""
    tokens = name.split()
    for other in persons:
        other_tokens = other.split()
        if len(other_tokens) != len(tokens) or fold_key(other_tokens[0]) != fold_key(tokens[0]):
            continue
        a, b = fold_key(tokens[-1]), fold_key(other_tokens[-1])
        shorter = min(len(a), len(b))
        if shorter >= 5 and _edit_distance(a, b, 2) <= (2 if shorter >= 8 else 1):
            return other
    return None


def _edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance of two words, or ``limit + 1`` as soon as it must exceed ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]
