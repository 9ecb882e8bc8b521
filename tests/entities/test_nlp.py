"""NLTK resource setup (probe, clear error, download of the missing ones only) and the fast chunker."""

from __future__ import annotations

import pickle
from concurrent.futures import ThreadPoolExecutor

import nltk
import pytest

from search.entities import chunker, nlp
from search.errors import MissingResource

from support import NLTK_DATA, SHARED

SHARED_NLTK = NLTK_DATA
if str(SHARED_NLTK) not in nltk.data.path:
    nltk.data.path.insert(0, str(SHARED_NLTK))


def _find_without(missing_path: str):
    real_find = nltk.data.find

    def find(resource_name, *args, **kwargs):
        if resource_name == missing_path:
            raise LookupError(f"Resource {resource_name} not found.")
        return real_find(resource_name, *args, **kwargs)

    return find


def test_shared_nltk_data_has_every_required_resource():
    assert nlp.missing_resources() == []
    nlp.ensure_resources()


def test_required_resources_are_the_ones_the_pipeline_loads():
    names = [name for name, _ in nlp.REQUIRED_RESOURCES]
    assert names == [
        "punkt_tab",
        "averaged_perceptron_tagger_eng",
        "maxent_ne_chunker_tab",
        "words",
        "names",
        "gazetteers",
        "stopwords",
    ]


def test_missing_chunker_raises_missing_resource_naming_it(monkeypatch):
    path = dict(nlp.REQUIRED_RESOURCES)["maxent_ne_chunker_tab"]
    monkeypatch.setattr(nltk.data, "find", _find_without(path))
    assert nlp.missing_resources() == ["maxent_ne_chunker_tab"]
    with pytest.raises(MissingResource) as info:
        nlp.ensure_resources()
    assert info.value.resource == "maxent_ne_chunker_tab"
    assert "maxent_ne_chunker_tab" in str(info.value) and "news-search setup" in str(info.value)


def test_download_resources_downloads_only_the_missing_ones(monkeypatch):
    monkeypatch.setattr(nltk.data, "find", _find_without(dict(nlp.REQUIRED_RESOURCES)["words"]))
    calls = []

    def download(name, quiet=False, raise_on_error=False):
        calls.append((name, quiet))
        return True

    monkeypatch.setattr(nltk, "download", download)
    status = nlp.download_resources(quiet=True)
    assert calls == [("words", True)]
    assert status["words"] == "downloaded"
    assert {name: s for name, s in status.items() if name != "words"} == {
        name: "present" for name, _ in nlp.REQUIRED_RESOURCES if name != "words"
    }


def test_download_failure_is_reported_not_raised(monkeypatch):
    monkeypatch.setattr(nltk.data, "find", _find_without(dict(nlp.REQUIRED_RESOURCES)["names"]))

    def download(name, quiet=False, raise_on_error=False):
        raise ValueError("no network")

    monkeypatch.setattr(nltk, "download", download)
    status = nlp.download_resources(quiet=True)
    assert status["names"] == "failed: no network"
    assert status["punkt_tab"] == "present"


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("U.S. and U.K. officials met.", ["U.S.", "and", "U.K.", "officials", "met", "."]),
        ("Netanyahu's government", ["Netanyahu", "'s", "government"]),
        (
            "Netanyahu’s, O'Brien and Chiang Ching-kuo",
            ["Netanyahu", "’s", ",", "O'Brien", "and", "Chiang", "Ching-kuo"],
        ),
        ("rose 1.5 pct to 3,400", ["rose", "1.5", "pct", "to", "3,400"]),
    ],
)
def test_tokenize(text, tokens):
    assert nlp.tokenize(text) == tokens


def test_sentences_end_at_a_line_break():
    """A byline, a dateline or a table row without a final stop never runs into the next line."""
    body = "Colleen Siegel\nJERUSALEM 1996-08-22\nIsrael said so. Syria did not.\n\nGoran Ivanisevic (Croatia)"
    assert nlp.sentences(body) == [
        "Colleen Siegel",
        "JERUSALEM 1996-08-22",
        "Israel said so.",
        "Syria did not.",
        "Goran Ivanisevic (Croatia)",
    ]


def test_fast_chunker_makes_the_same_decisions_as_nltk():
    sentences = [
        "Treasury Secretary James Baker met West German Finance Minister Gerhard Stoltenberg in Paris.",
        "The Israeli delegation is to be led by Major General Aharon Haliva and will brief the Russian side.",
        "Shr 34 cts vs 1.19 dlrs, Net 807,000 vs 2,858,000 said Comissaria Smith.",
        "OPEC ministers meet in Vienna on Monday, Saudi Oil Minister Hisham Nazer said.",
    ]
    tagger = nlp.pos_tagger()
    reference = nltk.chunk.ne_chunker(fmt="binary")
    for sentence in sentences:
        tagged = tagger.tag(nlp.tokenize(sentence))
        assert nlp.ne_chunker().parse(tagged) == reference.parse(tagged)


def conll_sentences(limit: int) -> list[list[str]]:
    """The first ``limit`` sentences of CoNLL-2003's development file, as tokens."""
    sentences: list[list[str]] = []
    current: list[str] = []
    for line in (SHARED / "corpora" / "conll2003" / "eng.testa").read_text(encoding="utf-8").splitlines():
        token = line.split(" ", 1)[0]
        if not token or token == "-DOCSTART-":
            if current:
                sentences.append(current)
                current = []
            if len(sentences) >= limit:
                break
            continue
        current.append(token)
    return sentences


def test_fast_tagger_tags_as_nltk_does():
    """Tag for tag on 1,500 real sentences (Reuters 1996), and on the user's seed article."""
    fast, reference = nlp.pos_tagger(), nltk.tag.PerceptronTagger()
    sentences = conll_sentences(1500)
    seed = next((SHARED / "corpora" / "seed").iterdir()).read_text(encoding="utf-8")
    sentences += [nlp.tokenize(sentence) for sentence in nlp.sentences(seed)]
    assert len(sentences) > 1500
    for tokens in sentences:
        assert fast.tag(tokens) == reference.tag(tokens), tokens


def test_fast_tagger_breaks_ties_as_nltk_does():
    """Equal scores: NLTK takes the alphabetically last tag, and so must the matrix (no feature known:
    every score 0)."""
    reference = nltk.tag.PerceptronTagger(load=False)
    reference.model.classes = {"NN", "VB", "JJ"}
    reference.model.weights = {"bias": {"NN": 1.0, "VB": 1.0, "JJ": 0.5}, "i word run": {"VB": 0.25, "NN": 0.25}}
    fast = nlp.FastPerceptron(reference)
    for tokens in (["run"], ["walk"], ["run", "walk", "run"]):
        assert fast.tag(tokens) == reference.tag(tokens)
    reference.model.weights = {}
    assert nlp.FastPerceptron(reference).tag(["x"]) == reference.tag(["x"]) == [("x", "VB")]


def test_fast_chunker_chunks_real_sentences_as_nltk_does():
    tagger = nlp.pos_tagger()
    reference = nltk.chunk.ne_chunker(fmt="binary")
    for tokens in conll_sentences(400):
        tagged = tagger.tag(tokens)
        assert nlp.ne_chunker().parse(tagged) == reference.parse(tagged), tokens


VARIED_SENTENCES = [
    "Obama",
    "Reuters",
    "the",
    ".",
    "John Smith",
    "He said",
    "U.S. officials",
    "WASHINGTON",
    "BRUSSELS 1996-08-22",
    "PRESIDENT CLINTON MEETS YELTSIN IN MOSCOW",
    "Soccer - Japan get lucky win , China in surprise defeat .",
    "Mr. O'Brien and Ms. Ching-kuo met at the Coca-Cola Co. plant in Baden-Württemberg.",
    "Angela Merkel told Le Monde that the EU's Jean-Claude Juncker was wrong.",
    "Shares of Apple Inc. rose 3.5% to $172.40 on Tuesday, the Nasdaq said.",
    "In 1,998 cases (about 12.5 pct) the WHO and UNICEF found nothing; 42 others were unclear.",
    "Prime Minister Narendra Modi's BJP won 303 of 543 seats in the Lok Sabha.",
    "“We will not back down,” said Zelenskyy, speaking in Kyiv — again.",
    "Sao Paulo-based Embraer SA and Boeing Co of Seattle signed a $4.2 billion deal.",
    "NEW YORK (Reuters) - The NYSE composite index fell 0.52 points to 356.20.",
    "Ajax Amsterdam beat PSV Eindhoven 2-1 ; Feyenoord drew 0-0 with Twente .",
    "1. Michael Johnson ( U.S. ) 19.32 seconds",
    "... ! ? -- ( ) [ ] ' \"",
    "Dr. Martin Luther King Jr. spoke in Montgomery, Ala., on Dec. 5, 1955.",
    "The court in The Hague convicted Radovan Karadzic of genocide at Srebrenica.",
    "Çelik and Müller joined Škoda after the 2ª Divisão season ended in São Tomé.",
    "iPhone maker Apple and eBay's CEO John Donahoe met McDonald's executives.",
    "ALL CAPS HEADLINE : IBM , AT&T AND GE REPORT 3RD-QUARTER EARNINGS",
    "x",
    "7",
    "Paris , France",
    "the European Union and the United Nations agreed on Friday",
    "Kim Jong-un met Moon Jae-in at Panmunjom on April 27.",
    "She moved from Stoke-on-Trent to Newcastle upon Tyne in the 1990s.",
    "Gold fell to $1,2O3.50 an ounce at 10:30 a.m. in London .",
]


def _tagged_varied() -> list[list[tuple[str, str]]]:
    """The varied sentences POS-tagged as the extractor does, plus hand-tagged ones (odd tags, the empty one)."""
    tagger = nlp.pos_tagger()
    sentences = [tagger.tag(nlp.tokenize(text)) for text in VARIED_SENTENCES]
    sentences += [
        [],
        [("Smith", "NNP")],
        [("Smith", "NNP"), ("said", "VBD")],
        [("The", "DT"), ("-LRB-", "-LRB-"), ("Acme", "NNP-TL"), ("Corp", "NNP"), ("\n", "SYM"), ("said", "VBD")],
        [("über", "IN"), ("Ä", "NNP"), ("²", "CD"), ("e\u0301t\u00e9", "NN"), ("Zürich", "NNP")],
    ]
    return sentences


def test_fast_chunker_tags_and_chunks_as_unmodified_nltk():
    """Tag for tag and tree for tree against NLTK's own chunker, on names, all-caps lines, hyphens, numbers,
    punctuation, non-ASCII words and sentences of 0, 1 and 2 tokens."""
    reference = nltk.chunk.ne_chunker(fmt="binary")
    fast = nlp.ne_chunker()
    sentences = _tagged_varied()
    assert any(len(s) == 1 for s in sentences) and any(len(s) == 2 for s in sentences)
    found = 0
    for tagged in sentences:
        assert fast.tags(tagged) == [tag for _, tag in reference._tagger.tag(tagged)], tagged
        tree = fast.parse(tagged)
        assert tree == reference.parse(tagged) and repr(tree) == repr(reference.parse(tagged)), tagged
        found += sum(isinstance(node, nltk.Tree) for node in tree)
    assert found > 30  # the sentences do have entities


def test_fast_maxent_classifies_as_nltk():
    """The same label as NLTK's classifier for every feature dict NLTK's tagger builds on the sentences."""
    reference = nltk.chunk.ne_chunker(fmt="binary")._tagger
    fast = chunker.FastMaxent(reference._classifier)
    assert fast.labels == list(reference._classifier.labels())
    for tagged in _tagged_varied():
        history: list[str] = []
        for i in range(len(tagged)):
            features = reference.feature_detector(tagged, i, history)
            history.append(reference._classifier.classify(features))
            assert fast.classify(features) == history[-1], (tagged, i)


def test_fast_chunker_pickles_and_runs_from_threads():
    """The built extractor is pickled to disk and used from several threads: same results either way."""
    fast = nlp.ne_chunker()
    sentences = _tagged_varied() * 4
    expected = [fast.tags(tagged) for tagged in sentences]
    copy = pickle.loads(pickle.dumps(fast))
    assert [copy.tags(tagged) for tagged in sentences] == expected
    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(fast.tags, sentences)) == expected


def test_shape_is_nltks_shape():
    """Every word of CoNLL-2003's training file, lower-cased, upper-cased and title-cased, every string of one
    or two ASCII characters, and non-ASCII words (which plain ``re`` would classify differently: "²")."""
    words = {
        line.split(" ", 1)[0]
        for line in (SHARED / "corpora" / "conll2003" / "eng.train").read_text(encoding="utf-8").splitlines()
        if line.strip()
    }
    assert len(words) > 20_000
    ascii_chars = [chr(c) for c in range(128)]
    strings = words | {w.lower() for w in words} | {w.upper() for w in words} | {w.title() for w in words}
    strings |= {a + b for a in ascii_chars for b in ascii_chars} | {"", "1.", ".5", "..5", "abc\n", "3\n", "A_b"}
    strings |= {"²", "e\u0301", "Zürich", "ÉCOLE", "naïve", "’s", "—", "٣", "Ⅻ", "ǅemal", "ß", "İstanbul"}
    assert set(map(chunker.shape, strings)) == {
        "number", "punct", "upcase", "downcase", "mixedcase", "other"
    }  # fmt: skip
    for word in strings:
        assert chunker.shape(word) == nltk.chunk.named_entity.shape(word), repr(word)
