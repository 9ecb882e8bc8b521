"""Language detection: which detector to use, by accuracy and speed on short and long text in the languages
the index stems (English, German, French, Spanish, Italian, Portuguese, Dutch).

No multilingual news corpus is available on these machines, so the non-English text is Debian's
translated manual pages (packages manpages-de, -fr, -es, -it, -pt-br, -nl: prose paragraphs of the
DESCRIPTION sections, rendered with ``man``); English is Reuters-21578 and CoNLL-2003. From each
language: "long" samples of 1,000-2,000 characters (a story), "short" ones of 40-140 characters (a
headline, a feed item's title). Candidates: py3langid (a retrained langid.py), lingua (high-accuracy
mode and low-accuracy mode) and langdetect (a port of Google's language-detection), each asked for its
best guess among all the languages it knows; a guess outside the seven counts as wrong.

    apt-get install manpages-de manpages-fr manpages-es manpages-it manpages-pt-br manpages-nl
    .venv/bin/pip install py3langid lingua-language-detector langdetect
    .venv/bin/python bench/language_detection.py [--per-language 300]

Measured here (200 samples per language and size; about 7 % of the non-English "long" samples are in
fact untranslated English paragraphs of the manuals, which caps every detector near 0.93):

    py3langid                long 0.937 (1,006/s)   short 0.891 (9,060/s)
    lingua (high accuracy)   long 0.932 (192/s)     short 0.869 (263/s)
    lingua (low accuracy)    long 0.932 (134/s)     short 0.800 (727/s)
    langdetect               long 0.928 (231/s)     short 0.871 (347/s)

py3langid is as accurate as the best on stories and the most accurate on headlines, 5 to 35 times faster,
and a 4.6 MB wheel (lingua's is 96 MB): the index uses it. The first row is what the index does with it
(``search.entities.language.identify``: no language below 0.6, price tables none, Nigerian Pidgin as
English), with the share it leaves unknown:

    news-search identify()   long 0.926, none 0.006 (1,432/s)   short 0.812, none 0.105 (9,784/s)

Unsure guesses left unknown cut wrong headlines from 10.9 % to 8.3 %. On Reuters-21578 it reads 19,093
stories as English, 2,482 as unknown (tables, one-line items) and two headline-only items as French and Latin.
"""

from __future__ import annotations

import argparse
import random
import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

REUTERS = ROOT.parent / "shared" / "corpora" / "reuters21578"
MANPAGES = {"de": "de", "fr": "fr", "es": "es", "it": "it", "pt": "pt_BR", "nl": "nl"}
LANGUAGES = ("en", "de", "fr", "es", "it", "pt", "nl")
_PROSE = re.compile(r"^[^\W\d_][^|<>{}=$#]{60,}[.:]$")


def man_paragraphs(folder: str, limit: int) -> list[str]:
    """Prose paragraphs of translated manual pages (one joined paragraph per item)."""
    out: list[str] = []
    pages = sorted(Path("/usr/share/man", folder).glob("man[1-8]/*.gz"))
    random.Random(7).shuffle(pages)
    for page in pages:
        rendered = subprocess.run(
            ["man", "-l", str(page)], capture_output=True, text=True, env={"MANWIDTH": "2000", "LANG": "C.UTF-8"}
        ).stdout
        for block in re.split(r"\n\s*\n", re.sub(r".\x08", "", rendered)):
            text = " ".join(block.split())
            if _PROSE.match(text) and "--" not in text:
                out.append(text)
        if len(out) >= limit * 4:
            break
    return out


def english_paragraphs(limit: int) -> list[str]:
    from search.ingest import read_file

    articles = read_file(sorted(REUTERS.glob("reut2-*.sgm"))[3], REUTERS).articles
    return [" ".join(a.body.split()) for a in articles if len(a.body) > 400][: limit * 4]


def samples(paragraphs: list[str], limit: int) -> tuple[list[str], list[str]]:
    """(long samples of 1,000-2,000 characters, short ones of 40-140) from a language's paragraphs."""
    long, short, buffer = [], [], ""
    for paragraph in paragraphs:
        buffer = f"{buffer} {paragraph}".strip()
        if len(buffer) >= 1000:
            long.append(buffer[:2000])
            buffer = ""
        first = re.split(r"(?<=[.!?])\s", paragraph)[0]
        if 40 <= len(first) <= 140:
            short.append(first)
    return long[:limit], short[:limit]


def detectors() -> dict[str, Callable[[str], str]]:
    import langdetect
    import py3langid
    from lingua import LanguageDetectorBuilder

    langdetect.DetectorFactory.seed = 0
    precise = LanguageDetectorBuilder.from_all_languages().build()
    quick = LanguageDetectorBuilder.from_all_languages().with_low_accuracy_mode().build()

    def lingua_code(detector):
        def detect(text: str) -> str:
            found = detector.detect_language_of(text)
            return found.iso_code_639_1.name.lower() if found else ""

        return detect

    def langdetect_code(text: str) -> str:
        try:
            return langdetect.detect(text)
        except langdetect.LangDetectException:
            return ""

    from search.entities.language import identify, language_name

    codes = {language_name(code): code for code in LANGUAGES}

    return {
        "news-search identify()": lambda text: codes.get(identify("", text), ""),
        "py3langid": lambda text: py3langid.classify(text)[0],
        "lingua (high accuracy)": lingua_code(precise),
        "lingua (low accuracy)": lingua_code(quick),
        "langdetect": langdetect_code,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-language", type=int, default=300)
    options = parser.parse_args()
    data: dict[str, tuple[list[str], list[str]]] = {
        "en": samples(english_paragraphs(options.per_language), options.per_language)
    }
    for code, folder in MANPAGES.items():
        data[code] = samples(man_paragraphs(folder, options.per_language), options.per_language)
    for code, (long, short) in data.items():
        print(f"{code}: {len(long)} long, {len(short)} short samples")
    for name, detect in detectors().items():
        detect("warm up the model")
        row = []
        for kind in (0, 1):
            right = unknown = total = 0
            started = time.perf_counter()
            for code, parts in data.items():
                for text in parts[kind]:
                    guess = detect(text)
                    right += guess == code
                    unknown += guess == ""
                    total += 1
            elapsed = time.perf_counter() - started
            row.append(
                f"{'long' if kind == 0 else 'short'} {right / total:.3f}, none {unknown / total:.3f}"
                f" ({total / elapsed:,.0f}/s)"
            )
        print(f"{name:<24} " + "   ".join(row))


if __name__ == "__main__":
    main()
