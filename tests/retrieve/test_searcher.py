"""NewsSearcher end to end on small inline indexes (and a slice of Reuters for ranking)."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import replace
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from whoosh import index as whoosh_index

from search.errors import ArticleNotFound, BadParameter, IndexNotFound
from search.facets import FACET_NAMES
from search.indexing.schema import news_analyzer
from search.models import SearchRequest
from search.retrieve.index import open_index
from search.retrieve.query import parse_query
from search.settings import Limits

from support import REUTERS, article, search_request, small_articles, write_articles

ALL_IDS = {a.id for a, _ in small_articles()}


def ids(index, **request) -> list[str]:
    with index.searcher() as searcher:
        return [hit.id for hit in searcher.iter_hits(search_request(**request), cap=1000)]


def page(index, **request):
    with index.searcher() as searcher:
        return searcher.search(search_request(**request))


# -- ranking ------------------------------------------------------------------------------------------------


def test_title_match_outranks_a_passing_body_mention(small_index) -> None:
    hits = page(small_index, q="volcker").hits
    assert [h.id for h in hits] == ["a1", "a2"]
    assert hits[0].score > hits[1].score > 0


@pytest.fixture(scope="module")
def reuters_slice(tmp_path_factory):
    """The first Reuters-21578 file (1,000 stories) read by search.ingest, no entities."""
    from search.ingest import iter_articles
    from search.models import Entities

    records = [(a, Entities()) for a in iter_articles(REUTERS / "reut2-000.sgm")]
    index = write_articles(tmp_path_factory.mktemp("reuters-slice"), records)
    yield index, {a.id: a for a, _ in records}
    index.close()


@pytest.mark.slow
@pytest.mark.parametrize("word", ["oil", "gold", "coffee", "wheat", "trade", "debt"])
def test_reuters_title_matches_outrank_single_body_mentions(reuters_slice, word: str) -> None:
    index, articles = reuters_slice
    ranked = ids(index, q=word)

    def mentions(text: str) -> int:  # as the index sees it: "trading" is a mention of "trade"
        stem = next(t.text for t in news_analyzer()(word))
        return sum(1 for t in news_analyzer()(text) if t.text == stem)

    in_title = [i for i in ranked if mentions(articles[i].title)]
    passing = [i for i in ranked if not mentions(articles[i].title) and mentions(articles[i].body) == 1]
    assert in_title and passing
    assert max(ranked.index(i) for i in in_title) < min(ranked.index(i) for i in passing)


# -- query semantics ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "q, expected",
    [
        ('"oil prices"', {"a2"}),
        ('"prices oil"', set()),
        ("oil AND opec", {"a2", "a3"}),
        ("oil opec", {"a2", "a3"}),
        ("oil OR coffee", {"a2", "a3", "x1", "u1"}),
        ("oil NOT opec", {"x1"}),
        ("(coffee OR sugar) AND NOT brazil", {"t1"}),
        ("title:oil", {"a2"}),
        ("person:putin", {"a5"}),
        ('person:"vladimir putin"', {"a5"}),
        ("person:netanyahu", {"a5", "a6"}),
        ('country:"saudi arabia"', {"a2", "a3"}),
        ("org:opec", {"a2", "a3"}),
        ("netanya*", {"a5", "a6"}),
        ("NOT oil", ALL_IDS - {"a2", "a3", "x1", "d2"}),  # d2 is collapsed into d1
    ],
)
def test_query_semantics(small_index, q: str, expected: set[str]) -> None:
    assert set(ids(small_index, q=q)) == expected


# -- filters ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "request_args, expected",
    [
        ({"country": ("United States",)}, {"a1", "a2", "a4", "a6"}),
        ({"country": ("united states", "SAUDI ARABIA")}, {"a1", "a2", "a3", "a4", "a6"}),  # values of a facet: OR
        ({"country": ("united states",), "org": ("OPEC",)}, {"a2"}),  # facets: AND
        ({"country": ("united states",), "not_country": ("Israel",)}, {"a1", "a2", "a4"}),
        (
            {"not_person": ("Paul Volcker",), "not_country": ("israel",)},
            {"a3", "a4", "d1", "x1", "u1", "l1", "t1"},
        ),
        ({"country": ("united states",), "mentions": "about"}, {"a1", "a2"}),  # a4, a6 name it second: not about it
        ({"not_country": ("united states",), "mentions": "about", "q": "trade"}, {"a4", "a6"}),
        ({"person": ("Benjamin Netanyahu",), "country": ("Russia",)}, {"a5"}),
        ({"org": ("opec",), "q": "vienna"}, {"a3"}),
        ({"country": ("Atlantis",)}, set()),
        ({"date_from": date(1987, 3, 3), "date_to": date(1987, 3, 10)}, {"a2", "a3", "d1"}),
        ({"date_from": date(2015, 1, 1)}, {"a5", "a6"}),
        ({"date_to": date(1987, 2, 20)}, {"a1"}),
        ({"q": "oil", "date_to": date(1987, 3, 31)}, {"a2", "a3"}),
    ],
)
def test_filters_narrow_and_match_case_insensitively(small_index, request_args: dict, expected: set[str]) -> None:
    assert set(ids(small_index, **request_args)) == expected


def test_empty_query_browses_everything_newest_first_undated_last(small_index) -> None:
    result = page(small_index, per_page=20)
    assert result.total == len(ALL_IDS) - 1  # d1 and d2 are one story
    assert result.sort == "newest"
    assert [h.id for h in result.hits] == ["a6", "a5", "l1", "x1", "t1", "a4", "a3", "d1", "a2", "a1", "u1"]
    assert all(h.score is None for h in result.hits)


def test_oldest_first_keeps_undated_last(small_index) -> None:
    assert ids(small_index, sort="oldest")[0] == "a1"
    assert ids(small_index, sort="oldest")[-1] == "u1"


def test_browse_with_a_filter_lists_every_match_newest_first(small_index) -> None:
    assert ids(small_index, country=("Israel",)) == ["a6", "a5"]


def test_query_sorted_by_date(small_index) -> None:
    assert ids(small_index, q="oil OR coffee", sort="newest") == ["x1", "a3", "a2", "u1"]


# -- pages --------------------------------------------------------------------------------------------------


def test_pages_cover_every_result_once(small_index) -> None:
    seen = []
    for number in range(1, 7):
        result = page(small_index, per_page=2, page=number)
        assert result.page == number and result.pages == 6
        seen += [h.id for h in result.hits]
    assert len(seen) == len(set(seen)) == 11


def test_a_page_past_the_end_is_clamped_to_the_last(small_index) -> None:
    result = page(small_index, per_page=3, page=99)
    assert (result.page, result.pages, len(result.hits)) == (4, 4, 2)


def test_no_results_has_page_one_of_zero(small_index) -> None:
    result = page(small_index, q="zebra")
    assert (result.total, result.page, result.pages, result.hits) == (0, 1, 0, ())


def test_depth_cap_limits_pages_and_refuses_deeper(tmp_path) -> None:
    write_articles(tmp_path, small_articles()).close()
    index = open_index(tmp_path, Limits(max_depth=4))
    assert page(index, per_page=3).pages == 2
    with pytest.raises(BadParameter) as caught:
        page(index, per_page=3, page=3)
    index.close()
    assert caught.value.parameter == "page" and "first 4 results" in caught.value.message


@pytest.mark.parametrize(
    "args, parameter",
    [
        ({"per_page": 0}, "per_page"),
        ({"per_page": 101}, "per_page"),
        ({"page": 0}, "page"),
        ({"page": 2000}, "page"),
        ({"sort": "best"}, "sort"),
        ({"facet_limit": -1}, "facet_limit"),
        ({"date_from": "yesterday"}, "from"),
        ({"date_from": date(1987, 5, 1), "date_to": date(1987, 4, 1)}, "to"),
    ],
)
def test_bad_parameters_are_named(small_index, args: dict, parameter: str) -> None:
    with pytest.raises(BadParameter) as caught:
        page(small_index, **args)
    assert caught.value.parameter == parameter


# -- facets -------------------------------------------------------------------------------------------------


def test_facets_count_every_value_of_every_result(small_index) -> None:
    result = page(small_index, q="netanyahu")
    persons = {v.value: v.count for v in result.facets["person"]}
    assert persons == {"Benjamin Netanyahu": 2, "Vladimir Putin": 1}
    countries = {v.value: v.count for v in result.facets["country"]}
    assert countries == {"Israel": 2, "Russia": 1, "United States": 1}


def test_selected_values_stay_listed_even_beyond_the_limit_or_unmatched(small_index) -> None:
    result = page(small_index, country=("Japan",), person=("Nobody Known",), facet_limit=1)
    assert result.facets["country"] == (result.facets["country"][0],)
    assert result.facets["country"][0].value == "Japan" and result.facets["country"][0].selected
    assert [(v.value, v.count, v.selected) for v in result.facets["person"]] == [("Nobody Known", 0, True)]


def test_facet_limit_keeps_the_most_frequent(small_index) -> None:
    result = page(small_index, facet_limit=2)
    assert [(v.value, v.count) for v in result.facets["country"]] == [("United States", 4), ("Israel", 2)]


def test_date_histogram_bucket_suits_the_span(small_index) -> None:
    days = page(small_index, q="opec").date_histogram
    assert (days[0].label, days[-1].label, len(days)) == ("1987-03-03", "1987-03-10", 8)
    months = page(small_index, date_to=date(1987, 12, 31)).date_histogram
    assert [(b.label, b.count) for b in months] == [("1987-02", 1), ("1987-03", 5), ("1987-04", 1), ("1987-05", 1)]
    assert (months[0].start, months[0].end) == ("1987-02-01", "1987-02-28")
    years = page(small_index).date_histogram
    assert (years[0].label, years[-1].label, sum(b.count for b in years)) == ("1987", "2015", 10)


def reference_ids(index_dir, request: SearchRequest) -> set[str]:
    """Brute force: Whoosh's own search for the query, then the filters checked on stored fields."""
    ix = whoosh_index.open_dir(str(index_dir))
    with ix.searcher() as searcher:
        if request.q:
            q = parse_query(request.q, ix.schema, Limits().query_max_chars).query
            docs = [searcher.stored_fields(d) for d in searcher.search(q, limit=None).docs()]
        else:
            docs = [fields for _, fields in searcher.reader().iter_docs()]
    ix.close()
    out = set()
    for fields in docs:
        suffix = "_about" if request.mentions == "about" else ""
        values = {n: {v.lower() for v in (fields.get(n + suffix) or "").split(",") if v} for n in FACET_NAMES}
        if any(vals and not {v.lower() for v in vals} & values[n] for n, vals in request.filters.items()):
            continue  # no selected value of this facet: values of one facet are OR-ed
        if any({v.lower() for v in vals} & values[n] for n, vals in request.excludes.items()):
            continue
        day = fields["date"].date() if fields.get("date") else None
        if (request.date_from and (day is None or day < request.date_from)) or (
            request.date_to and (day is None or day > request.date_to)
        ):
            continue
        out.add(fields["id"])
    return out


@pytest.fixture(scope="module")
def facet_index(tmp_path_factory):
    path = tmp_path_factory.mktemp("facet-index")
    index = write_articles(path, small_articles())
    yield path, index
    index.close()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    q=st.sampled_from(["", "oil", "netanyahu OR volcker", "said", "prices", "bundesbank", "NOT trade", "pri*"]),
    persons=st.lists(st.sampled_from(["Paul Volcker", "benjamin netanyahu", "Vladimir Putin"]), max_size=2),
    countries=st.lists(st.sampled_from(["United States", "israel", "Saudi Arabia", "West Germany"]), max_size=2),
    not_countries=st.lists(st.sampled_from(["United States", "Japan"]), max_size=1),
    mentions=st.sampled_from(["any", "about"]),
    date_to=st.sampled_from([None, date(1987, 3, 5), date(2016, 1, 1)]),
)
def test_total_and_facet_counts_equal_brute_force(
    facet_index, q, persons, countries, not_countries, mentions, date_to
) -> None:
    """Totals, hits and (disjunctive) facet counts against brute force over the stored fields."""
    path, index = facet_index
    request = search_request(
        q=q,
        person=persons,
        country=countries,
        not_country=not_countries,
        mentions=mentions,
        date_to=date_to,
        facet_limit=100,
    )
    with index.searcher() as searcher:
        result = searcher.search(request)
        hits = list(searcher.iter_hits(request, cap=1000))
        for name in FACET_NAMES:  # a facet is counted over every filter but its own selections
            others = replace(request, filters={n: v for n, v in request.filters.items() if n != name})
            pool = list(searcher.iter_hits(others, cap=1000))
            counted_in = (
                (lambda h, n=name: h.about.get(n, ())) if mentions == "about" else (lambda h, n=name: h.entities[n])
            )
            expected = Counter(v for h in pool for v in counted_in(h))
            counted = {v.value: v.count for v in result.facets[name] if v.count}
            assert counted == dict(expected), name
            assert result.facet_totals[name] == len(expected)
    found = {h.id for h in hits} | {d for h in hits for d in h.duplicate_ids}
    assert found == reference_ids(path, request)
    assert result.total == len(hits)
    assert sum(b.count for b in result.date_histogram) == sum(1 for h in hits if h.date)


def test_facet_value_search_matches_any_word_start_within_the_results(small_index) -> None:
    with small_index.searcher() as searcher:
        everything = SearchRequest()
        assert [(v.value, v.count) for v in searcher.facet_values("person", "put", everything).values] == [
            ("Vladimir Putin", 1)
        ]
        assert [v.value for v in searcher.facet_values("person", "VLADIMIR pu", everything).values] == [
            "Vladimir Putin"
        ]
        assert [
            (v.value, v.count) for v in searcher.facet_values("person", "net", SearchRequest(q="washington")).values
        ] == [("Benjamin Netanyahu", 1)]
        assert [v.value for v in searcher.facet_values("country", "", everything, per_page=2).values] == [
            "United States",
            "Israel",
        ]
        selected = searcher.facet_values("country", "isr", search_request(country=("israel",))).values
        assert [(v.value, v.count, v.selected) for v in selected] == [("Israel", 2, True)]
        second = searcher.facet_values("country", "", everything, page=2, per_page=2)
        assert second.total == 10 and [v.value for v in second.values] == ["Saudi Arabia", "Austria"]
        with pytest.raises(BadParameter):
            searcher.facet_values("planet", "ea", everything)
        with pytest.raises(BadParameter):
            searcher.facet_values("person", "put", everything, per_page=0)


# -- hits, snippets, suggestions, duplicates ------------------------------------------------------------------


def test_hit_fields(small_index) -> None:
    hit = page(small_index, q="putin").hits[0]
    assert (hit.id, hit.title, hit.date, hit.source, hit.url) == (
        "a5",
        "Putin meets Netanyahu",
        "2015-09-21",
        "Test Wire",
        "https://example.com/a5",
    )
    assert hit.entities["person"] == ("Vladimir Putin", "Benjamin Netanyahu")
    assert hit.entities["country"] == ("Russia", "Israel")


def test_snippets_escape_hostile_text_and_only_add_mark(small_index) -> None:
    snippet = page(small_index, q="oil market").hits[0].snippet
    assert "<script" not in snippet and "<img" not in snippet
    assert "&lt;script&gt;" in snippet and "&amp;amp;" in snippet and "&quot;quoted&quot;" in snippet
    assert set(re.findall(r"<[^>]*>", snippet)) == {"<mark>", "</mark>"}


def test_title_only_match_shows_the_lead(small_index) -> None:
    assert page(small_index, q="title:oil").hits[0].snippet == "Crude oil prices were steady."


def test_snippet_finds_matches_far_beyond_32k_characters(small_index) -> None:
    snippet = page(small_index, q="zanzibar").hits[0].snippet
    assert "<mark>zanzibar</mark> clove harvest" in snippet


@pytest.mark.parametrize(
    "q, suggestion",
    [
        ("netanyahoo", "netanyahu"),
        ("Volker", "Volcker"),
        ('volker AND "oil prices"', 'volcker AND "oil prices"'),
        ("person:volker", "person:volcker"),
        ("oil", None),
        ("zebra", None),
    ],
)
def test_did_you_mean(small_index, q: str, suggestion: str | None) -> None:
    assert page(small_index, q=q).suggestion == suggestion


def test_near_duplicates_collapse_into_one_hit(small_index) -> None:
    result = page(small_index, q="bundesbank")
    assert result.total == 1
    assert [(h.id, h.duplicates, h.duplicate_ids) for h in result.hits] == [("d1", 1, ("d2",))]
    assert {v.value: v.count for v in result.facets["org"]} == {"Bundesbank": 1}


def test_article_and_missing_ids(small_index) -> None:
    with small_index.searcher() as searcher:
        detail = searcher.article("a5")
        assert (detail.title, detail.date, detail.entities["person"]) == (
            "Putin meets Netanyahu",
            "2015-09-21",
            ("Vladimir Putin", "Benjamin Netanyahu"),
        )
        for bad in ("nope", "../../etc/passwd", "", "a5 OR a6", "*"):
            with pytest.raises(ArticleNotFound):
                searcher.article(bad)


def test_related_excludes_itself_and_its_duplicates(small_index) -> None:
    with small_index.searcher() as searcher:
        related = [h.id for h in searcher.related("a5", limit=3)]
        assert related and related[0] == "a6" and "a5" not in related
        assert not {"d1", "d2"} & {h.id for h in searcher.related("d1")}
        with pytest.raises(ArticleNotFound):
            searcher.related("nope")


def test_iter_hits_follows_the_request_order_up_to_the_cap(small_index) -> None:
    with small_index.searcher() as searcher:
        assert [h.id for h in searcher.iter_hits(SearchRequest(sort="oldest"), cap=3)] == ["a1", "a2", "d1"]
        with pytest.raises(BadParameter):
            list(searcher.iter_hits(SearchRequest(), cap=0))


def test_page_to_dict_is_the_api_contract(small_index) -> None:
    d = page(small_index, q="opec").to_dict()
    assert set(d) >= {"query", "total", "page", "per_page", "took_ms", "suggestion", "hits", "facets"}
    assert set(d["hits"][0]) >= {
        "id",
        "title",
        "date",
        "source",
        "url",
        "snippet",
        "score",
        "persons",
        "countries",
        "orgs",
        "languages",
        "duplicates",
    }
    assert set(d["facets"]) == {"person", "country", "org", "lang", "date"}
    assert d["took_ms"] > 0


# -- the index ----------------------------------------------------------------------------------------------


def test_open_index_without_an_index_is_a_clear_error(tmp_path) -> None:
    with pytest.raises(IndexNotFound, match="news-search index"):
        open_index(tmp_path / "missing")
    with pytest.raises(IndexNotFound):
        open_index(tmp_path)


def test_caches_are_rebuilt_when_the_index_changes(tmp_path) -> None:
    index = write_articles(tmp_path, small_articles()[:4])
    stats = index.stats()
    assert stats.articles == 4 and stats.last_modified is not None
    old = index.searcher()
    assert old.search(search_request(country=("Japan",))).total == 1
    write_articles(
        tmp_path,
        [
            article("n1", "Japan cuts rates", "The Bank of Japan cut rates.", "1987-06-01", countries=("Japan",)),
            article(
                "n2",
                "Putin in Tokyo",
                "Vladimir Putin visited Tokyo.",
                "2016-12-15",
                persons=("Vladimir Putin",),
                countries=("Japan", "Russia"),
            ),
        ],
    ).close()
    with index.searcher() as new:
        result = new.search(search_request(country=("Japan",)))
        assert result.total == 3
        assert {v.value: v.count for v in result.facets["country"]}["Russia"] == 1
        assert new.search(SearchRequest(q="tokyo")).total == 1
        assert [v.value for v in new.facet_values("person", "put", SearchRequest()).values] == ["Vladimir Putin"]
    assert old.search(search_request(country=("Japan",))).total == 1  # the old generation, unchanged
    old.close()
    assert index.stats().articles == 6
    index.close()


def test_pages_and_totals_agree(small_index) -> None:
    result = page(small_index, q="oil OR coffee OR opec", per_page=2)
    assert result.pages == math.ceil(result.total / 2)


def test_threads_share_one_index_each_with_its_own_searcher(small_index) -> None:
    from concurrent.futures import ThreadPoolExecutor

    requests = [SearchRequest(q=q) for q in ("oil", "netanyahu", "volcker OR opec", "")] * 10
    expected = [page(small_index, q=r.q).total for r in requests]

    def run(request: SearchRequest) -> int:
        with small_index.searcher() as searcher:
            return searcher.search(request).total

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(run, requests)) == expected
