"""GET /search as the site's search box calls it, on the fixture articles published for real.

Visitors type half-words, misspell drug names and use everyday words; every
answer is a 200 or a 422, whatever they type.
"""

from __future__ import annotations

import html
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from clinic_api.content import store as store_module
from clinic_api.content.schemas import SearchResults
from clinic_api.core.keys import SEARCH_INDEX_KEY
from clinic_api.core.schemas import Problem
from tests.conftest import BUCKET, CONTENT, http_event, invoke_content
from tests.fixture_content import ANXIETY, DRAFT, ESKETAMINE, SCHEDULED, SIDE_EFFECTS, TMS
from tests.unit import test_content_routes

travel_to = test_content_routes.travel_to  # the fixture that moves the store's clock


def search(q: str | None, **params: str) -> Any:
    query = ({"q": q} if q is not None else {}) | params
    return invoke_content(http_event("GET", "/search", query=query))


def results(q: str, **params: str) -> dict[str, Any]:
    answer = search(q, **params)
    assert answer.status == 200, answer.body
    body = answer.json()
    SearchResults.model_validate(body)
    return body


def marked(hit: dict[str, Any]) -> list[str]:
    """The words a hit's snippet marks, lowercased."""
    return [hit["text"][start:end].lower() for start, end in hit["matches"]]


def article(slug: str) -> dict[str, Any]:
    answer = invoke_content(
        http_event(
            "GET",
            f"/articles/{slug}",
            route="/articles/{slug}",
            path_parameters={"slug": slug},
        )
    )
    assert answer.status == 200
    return answer.json()


def toc_ids(nodes: list[dict[str, Any]]) -> set[str]:
    return {node["id"] for node in nodes} | {
        child["id"] for node in nodes for child in node.get("children") or ()
    }


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A copy of the fixture content that a test may change."""
    return Path(shutil.copytree(CONTENT, tmp_path / "content"))


def publish(content: Path, s3: Any) -> None:
    from clinic_tools.publish.publisher import publish as run

    run(content, BUCKET, s3, report=lambda _: None)


@pytest.fixture
def revalidating(monkeypatch: pytest.MonkeyPatch) -> None:
    """A TTL of 0: every request revalidates what the container holds."""
    monkeypatch.setenv("CACHE_TTL_SECONDS", "0")
    store_module.article_store.cache_clear()


# The answer


def test_an_answer_has_the_documented_shape_and_a_short_public_cache(published: Any) -> None:
    answer = search("ketamine anxiety")
    assert answer.status == 200
    assert answer.headers["content-type"] == "application/json"
    assert answer.headers["cache-control"] == "public, max-age=60"
    body = SearchResults.model_validate(answer.json())
    assert body.query == "ketamine anxiety"
    assert body.did_you_mean is None
    assert 0 < len(body.items) <= 10 <= body.total
    scores = [hit.score for hit in body.items]
    assert scores == sorted(scores, reverse=True)
    assert search("ketamine anxiety", **{}).body == answer.body  # same question, same answer


def test_an_unchanged_answer_is_a_304(published: Any) -> None:
    etag = search("ketamine").headers["etag"]
    answer = invoke_content(
        http_event("GET", "/search", query={"q": "ketamine"}, headers={"If-None-Match": etag})
    )
    assert answer.status == 304
    assert answer.body == ""


def test_the_article_named_by_the_words_ranks_first(published: Any) -> None:
    body = results("ketamine anxiety")
    assert body["items"][0]["slug"] == ANXIETY
    intro = [hit for hit in body["items"] if hit["slug"] == ANXIETY and hit["section"] is None]
    assert intro, "the article's own intro is among the best hits"
    assert results("tms")["items"][0]["slug"] == TMS


def test_section_hits_name_a_section_of_the_article_to_link_to(published: Any) -> None:
    body = results("maintenance infusions")
    best = body["items"][0]
    assert best["slug"] == ANXIETY
    assert best["section"] == {
        "id": "maintenance-infusions",
        "title": "Maintenance infusions",
        "parent": "After the first series",  # an H3: the H2 above it
    }
    assert best["url"] == f"/articles/{ANXIETY}"
    for query in ("maintenance infusions", "side effects", "research"):
        for hit in results(query, limit="20")["items"]:
            if hit["section"] is not None:
                served = article(hit["slug"])
                assert hit["section"]["id"] in toc_ids(served["toc"])
                assert f'id="{hit["section"]["id"]}"' in served["html"]


def test_repeated_headings_are_told_apart_by_their_ids(published: Any) -> None:
    sections = {
        hit["section"]["id"]
        for hit in results("what the research shows")["items"]
        if hit["slug"] == ANXIETY and hit["section"]
    }
    assert {"what-the-research-shows", "what-the-research-shows-2"} <= sections
    parents = {
        hit["section"]["parent"]
        for hit in results("what the research shows")["items"]
        if hit["slug"] == ANXIETY and hit["section"]
    }
    assert len(parents) >= 2  # and by the H2 each sits under, as a reader tells them


def test_every_word_must_match(published: Any) -> None:
    both = results("nurse monitoring")
    assert 0 < both["total"] < min(results("nurse")["total"], results("monitoring")["total"])
    assert both["leftOut"] == []


def test_a_question_as_typed_finds_its_answer_without_its_small_words(published: Any) -> None:
    # No section holds "can", "i", "after" and "my" with "drive", "ketamine" and "infusion";
    # the visit's "before you come" section holds the three words that tell the question.
    question = results("can i drive after my ketamine infusion")
    assert question["leftOut"] == ["can", "i", "after", "my"]
    assert question["items"] == results("drive ketamine infusion")["items"]
    assert question["items"][0]["section"]["id"] == "before-you-come"


@pytest.mark.parametrize(
    ("typed", "left_out"),
    [
        pytest.param("can't drive after my ketamine infusion", ["can", "t", "after", "my"],
                     id="a contraction's pieces"),
        pytest.param("my my drive my ketamine infusion", ["my"], id="each word once"),
    ],
)  # fmt: skip
def test_the_small_words_left_out_are_said_as_the_analyser_reads_them(
    published: Any, typed: str, left_out: list[str]
) -> None:
    answer = results(typed)
    assert answer["leftOut"] == left_out
    assert answer["items"] == results("drive ketamine infusion")["items"]


def test_small_words_are_left_out_before_a_word_is_corrected(published: Any) -> None:
    # No section holds "how" and "many" with the rest. Leaving them out comes before any
    # correction, which could read "many" as "may" and propose a question nobody asked.
    answer = results("how many tms sessions")
    assert (answer["leftOut"], answer["didYouMean"]) == (["how", "many"], None)
    assert answer["items"] == results("tms sessions")["items"]


def test_small_words_count_where_a_section_holds_every_word(published: Any) -> None:
    answer = results("who should not have ketamine")
    assert answer["leftOut"] == []
    assert answer["items"][0]["section"]["id"] == "who-should-not-have-ketamine"
    assert answer["total"] < results("ketamine")["total"]


@pytest.mark.parametrize(
    "typed",
    [
        pytest.param("esketamine xylophone", id="a word no section holds"),
        pytest.param("what is tms ketamine nurse", id="words each held, not together"),
        pytest.param("is it xylophone", id="small words are never searched alone"),
    ],
)
def test_a_word_that_tells_what_is_asked_is_never_left_out(published: Any, typed: str) -> None:
    assert results("tms ketamine nurse")["total"] == 0  # the second case's premise
    answer = results(typed)
    assert (answer["items"], answer["total"], answer["leftOut"]) == ([], 0, [])


# Recall: stems, synonyms, prefixes, typos


def test_stems_find_other_forms_of_a_word(published: Any) -> None:
    words = {word for hit in results("treatments", limit="20")["items"] for word in marked(hit)}
    assert "treatment" in words


@pytest.mark.parametrize(
    ("query", "found"),
    [
        pytest.param("anxious", "anxiety", id="anxious finds anxiety"),
        pytest.param("treating", "treatment", id="treating finds treatment"),
        pytest.param("spravato", "esketamine", id="brand finds generic"),
        pytest.param("nasal spray", "esketamine", id="a phrase finds its synonym"),
        pytest.param("low mood", "depression", id="everyday words find the clinical one"),
    ],
)
def test_synonyms_from_content_find_the_articles_words(
    published: Any, query: str, found: str
) -> None:
    words = {word for hit in results(query, limit="20")["items"] for word in marked(hit)}
    assert found in words


def test_esketamine_is_found_by_its_brand_name(published: Any) -> None:
    assert ESKETAMINE in {hit["slug"] for hit in results("spravato")["items"][:3]}


@pytest.mark.parametrize(
    ("query", "found"),
    [
        pytest.param("ketam", "ketamine", id="half a word"),
        pytest.param("side eff", "effects", id="the last word of several"),
        pytest.param("medica", "medication", id="a stem the half-word is not a prefix of"),
    ],
)
def test_the_last_word_may_be_half_typed(published: Any, query: str, found: str) -> None:
    body = results(query)
    assert body["total"] > 0
    assert body["didYouMean"] is None
    assert found in {word for hit in body["items"] for word in marked(hit)}


def test_only_the_last_word_counts_as_half_typed(published: Any) -> None:
    assert results("anxiety ketam")["total"] > 0
    assert results("ketam anxiety")["total"] == 0


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        pytest.param("anxeity", "anxiety", id="a swap is one typo"),
        pytest.param("ketamime", "ketamine", id="one wrong letter"),
        pytest.param("depresion", "depression", id="one missing letter"),
        pytest.param("esketamnie", "esketamine", id="two typos from eight letters"),
        pytest.param("ketamine anxeity", "ketamine anxiety", id="one word of two"),
    ],
)
def test_typos_are_corrected_and_the_correction_proposed(
    published: Any, typed: str, meant: str
) -> None:
    body = results(typed)
    assert body["query"] == typed
    assert body["total"] > 0
    assert body["didYouMean"] == meant
    best = body["items"][0]
    # A correction's synonym counts as it does ("anxious" for "anxiety", in the fixtures).
    stands_for = {"anxious": "anxiety"}
    assert set(meant.split()) & {stands_for.get(word, word) for word in marked(best)}
    assert best["snippet"].count("<mark>") == len(best["matches"])


@pytest.mark.parametrize(
    "typed",
    [
        pytest.param("tns", id="no typo under four letters"),
        pytest.param("kxtxmxne", id="no third typo"),
    ],
)
def test_typos_beyond_the_budget_find_nothing(published: Any, typed: str) -> None:
    body = results(typed)
    assert body == {
        "query": typed,
        "items": [],
        "total": 0,
        "didYouMean": None,
        "leftOut": [],
        "nextCursor": None,
    }


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        pytest.param("anxity ketam", "anxiety ketamine", id="a half-typed last word"),
        pytest.param("ketamime side eff", "ketamine side effects", id="as you type"),
        pytest.param("ketamime side", "ketamine side", id="a whole last word stays"),
    ],
)
def test_the_proposal_is_whole_words(published: Any, typed: str, meant: str) -> None:
    assert results(typed)["didYouMean"] == meant


def test_a_word_found_as_typed_brings_no_corrections(published: Any) -> None:
    # "care" is in some sections; one typo away, "are" and "area" are in many more.
    # A visitor who typed a real word is not shown what a typo of it would be.
    answer = results("care", limit="20")
    assert answer["items"]
    assert answer["total"] == len(answer["items"])
    for hit in answer["items"]:
        assert all(word.startswith("care") for word in marked(hit)), hit["text"]
    assert answer["didYouMean"] is None


def test_words_that_find_nothing_together_as_typed_are_corrected(published: Any) -> None:
    # "spravato" and "cure" are both in the articles, but no section holds both; a section
    # holds "spravato" and "care", one typo from "cure".
    answer = results("spravato cure")
    assert answer["total"] > 0
    assert answer["didYouMean"] == "spravato care"


def test_a_correction_finds_what_the_word_it_stands_for_finds(published: Any) -> None:
    # "spravato" is in one section; through its synonym, every esketamine one.
    def found(q: str) -> set[tuple[str, str | None]]:
        items = results(q, limit="20")["items"]
        return {(hit["slug"], (hit["section"] or {}).get("id")) for hit in items}

    assert len(found("spravato")) > 1
    assert found("spravto") == found("spravato")
    assert results("spravto")["didYouMean"] == "spravato"


def test_a_wrong_first_letter_counts_as_two_typos(published: Any) -> None:
    # "seasonal" is two letters from "personal", one of them the first: three typos, over
    # an 8-letter word's two, so the articles' "personal" is not what it finds.
    answer = results("seasonal")
    assert (answer["total"], answer["didYouMean"]) == (0, None)
    # "gure" is one letter from "cure", but the first: two typos, over a 4-letter word's one.
    assert results("gure")["total"] == 0
    # An 8-letter word may have its first letter wrong and nothing else.
    assert results("jetamine")["didYouMean"] == "ketamine"


def test_with_a_misspelt_word_exact_matches_rank_above_corrected_ones(published: Any) -> None:
    # "ketamime" is in no article, so every word's corrections count: "care" as typed
    # still ranks above "cure".
    answer = results("ketamime care", limit="20")
    hits = [(hit["score"], marked(hit)) for hit in answer["items"]]
    exact = [score for score, words in hits if any(word.startswith("care") for word in words)]
    corrected = [score for score, words in hits if "cure" in words]
    assert exact and corrected
    assert min(exact) > max(corrected)
    assert answer["didYouMean"] == "ketamine care"


# Snippets


def test_snippets_mark_the_matches_in_the_plain_text(published: Any) -> None:
    for hit in results("ketamine anxiety", limit="20")["items"]:
        assert len(hit["text"]) <= 170
        rebuilt, done = [], 0
        for start, end in hit["matches"]:
            assert 0 <= start < end <= len(hit["text"])
            rebuilt += [html.escape(hit["text"][done:start]), "<mark>"]
            rebuilt += [html.escape(hit["text"][start:end]), "</mark>"]
            done = end
        assert "".join([*rebuilt, html.escape(hit["text"][done:])]) == hit["snippet"]


def test_snippets_are_html_escaped_and_offsets_count_code_points(s3: Any, content: Path) -> None:
    (content / "articles" / "q-and-a.md").write_text(
        "---\ntitle: Questions & answers\ndescription: Short answers.\n"
        "date: 2026-01-05\nauthor: dr-nadia-brandt\n---\n\n"
        # Escaped: raw HTML is a publish error; a tag written as text is the author's right.
        "Naïve “questions” are welcome: \\<script>alert(1)\\</script> & ketamine dosing.\n",
        encoding="utf-8",
    )
    publish(content, s3)
    (hit,) = [hit for hit in results("dosing")["items"] if hit["slug"] == "q-and-a"]
    assert "<script>" not in hit["snippet"]
    assert "&lt;script&gt;" in hit["snippet"] and "&amp;" in hit["snippet"]
    assert marked(hit) == ["dosing"]
    assert hit["text"].startswith("Short answers. Naïve “questions”")


def test_a_hit_in_a_heading_only_shows_the_start_of_its_section(published: Any) -> None:
    best = results("typical timeline")["items"][0]
    assert best["section"]["id"] == "a-typical-timeline"
    assert best["section"]["title"] == "A typical timeline"
    assert best["text"].startswith("Everyone")
    # What found it is marked in the heading instead: "typical", "timeline".
    assert best["headingMatches"] == [[2, 9], [10, 18]]


def test_heading_marks_follow_the_snippets_rules(published: Any) -> None:
    for hit in results("ketamine", limit="20")["items"]:
        heading = hit["section"]["title"] if hit["section"] else hit["title"]
        words = [heading[start:end].lower() for start, end in hit["headingMatches"]]
        assert all(word.startswith("ketamine") for word in words), (heading, words)
    intro = results("esketamine nasal spray basics")["items"][0]  # the article's title
    assert intro["section"] is None
    marked_words = [intro["title"][a:b].lower() for a, b in intro["headingMatches"]]
    assert {"esketamine", "basics"} <= set(marked_words)


# Filter, limit, no results


def test_the_tag_filter_keeps_hits_of_tagged_articles(published: Any) -> None:
    body = results("ketamine", tag="anxiety", limit="20")
    assert body["items"]
    assert {hit["slug"] for hit in body["items"]} <= {ANXIETY}
    assert results("ketamine", tag="no-such-tag")["total"] == 0


def test_limit_caps_the_items_not_the_total(published: Any) -> None:
    body = results("ketamine", limit="3")
    assert len(body["items"]) == 3 < body["total"]
    assert len(results("ketamine")["items"]) == 10
    assert len(results("ketamine", limit="20")["items"]) == 20


def test_no_hit_is_an_empty_answer(published: Any) -> None:
    assert results("xylophone") == {
        "query": "xylophone",
        "items": [],
        "total": 0,
        "didYouMean": None,
        "leftOut": [],
        "nextCursor": None,
    }


# Bad and hostile input


@pytest.mark.parametrize(
    ("params", "field", "code"),
    [
        ({}, "q", "required"),
        ({"q": ""}, "q", "required"),
        ({"q": "k" * 201}, "q", "too_long"),
        ({"q": "ketamine", "limit": "0"}, "limit", "out_of_range"),
        ({"q": "ketamine", "limit": "21"}, "limit", "out_of_range"),
        ({"q": "ketamine", "limit": "ten"}, "limit", "invalid_type"),
        ({"q": "ketamine", "tag": "Not A Tag"}, "tag", "invalid_format"),
    ],
)
def test_bad_parameters_are_422_naming_the_field(
    published: Any, params: dict[str, str], field: str, code: str
) -> None:
    answer = invoke_content(http_event("GET", "/search", query=params))
    assert answer.status == 422
    assert answer.headers["content-type"] == "application/problem+json"
    body = Problem.model_validate(answer.json())
    assert (field, code) in [(error.field, error.code) for error in body.errors or ()]
    assert "k" * 201 not in answer.body  # a problem never echoes what was sent


HOSTILE = [
    '"',
    '"ketamine',
    "ketamine AND anxiety",
    "ketamine OR",
    "NOT ketamine",
    "NEAR(ketamine anxiety, 2)",
    "ketamine NEAR/2 anxiety",
    "ketam*",
    "*",
    "^",
    "ketamine^2",
    "(ketamine",
    "title:ketamine",
    "body:(a OR b)",
    "-ketamine +anxiety",
    "ketamine~2",
    "[1 TO 5]",
    "💊🧠 ketamine",
    "🧠",
    "!" * 200,
    ".,;:-_'\"()[]{}<>/\\|?*+^$#@&%~`=" * 6,
    "\x00ketamine\x00",
    "\x00",
    "k" * 200,
    "ketamine " + "x" * 150,
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "a b c d e f g h i j k l m n o p q r s t u v w x y z " * 3,
    "ke\u0301tamine \u202eanxiety\u200b",
    "\t\n\r ",
    "ﬁle ǅ ß ΣΊΣΥΦΟΣ",
    "日本語の検索",
]


@pytest.mark.parametrize("query", HOSTILE, ids=range(len(HOSTILE)))
def test_no_query_text_makes_a_500(published: Any, query: str) -> None:
    answer = search(query[:200])
    assert answer.status in (200, 422), answer.body
    if answer.status == 200:
        body = SearchResults.model_validate(answer.json())
        assert body.query == query[:200]
        assert all("<script" not in hit.snippet for hit in body.items)


def test_operators_are_words_not_syntax(published: Any) -> None:
    assert results("ketamine AND anxiety")["total"] <= results("ketamine anxiety")["total"]
    assert results("NOT ketamine")["total"] > 0  # "not" is a word patients type too


# Visibility and freshness


def test_drafts_are_never_found(published: Any, travel_to) -> None:
    travel_to("2099-01-01T00:00:00+00:00")
    for query in ("medication management", "psychiatric follow-up", "follow up visit"):
        assert DRAFT not in {hit["slug"] for hit in results(query, limit="20")["items"]}


def test_a_scheduled_article_is_found_only_when_due(published: Any, travel_to) -> None:
    travel_to("2027-03-01T08:59:59+00:00")
    before = results("choosing between ketamine esketamine", limit="20")
    assert SCHEDULED not in {hit["slug"] for hit in before["items"]}
    travel_to("2027-03-01T09:00:00+00:00")
    after = results("choosing between ketamine esketamine", limit="20")
    assert after["items"][0]["slug"] == SCHEDULED
    assert after["total"] > before["total"]


def test_a_republished_edit_changes_the_results(s3: Any, content: Path, revalidating) -> None:
    publish(content, s3)
    assert results("zebrafish")["total"] == 0
    path = content / "articles" / f"{TMS}.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("## Side effects\n", "## Side effects\n\nUnlike zebrafish studies, ", 1),
        encoding="utf-8",
    )
    publish(content, s3)
    (hit,) = results("zebrafish")["items"]
    assert (hit["slug"], hit["section"]["id"]) == (TMS, "side-effects")


def test_the_index_is_downloaded_once_and_again_only_when_it_changes(
    s3: Any, content: Path, revalidating, monkeypatch: pytest.MonkeyPatch
) -> None:
    from clinic_api.core.clients import s3_client
    from clinic_api.search.index import SearchIndex

    publish(content, s3)
    opened: list[int] = []
    load = SearchIndex.load.__func__

    def counting_load(cls: type[SearchIndex], archive: bytes) -> SearchIndex:
        opened.append(len(archive))
        return load(cls, archive)

    monkeypatch.setattr(SearchIndex, "load", classmethod(counting_load))
    requests: list[dict[str, Any]] = []
    s3_client().meta.events.register(
        "before-call.s3.GetObject",
        lambda params, **_: (
            requests.append(params) if params["url_path"].endswith(SEARCH_INDEX_KEY) else None
        ),
    )

    first = results("ketamine")
    again = results("ketamine")
    assert again == first
    assert len(requests) == 2 and len(opened) == 1  # the second GET was a 304
    assert "If-None-Match" in requests[1]["headers"]

    path = content / "articles" / f"{TMS}.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nZebrafish aside.\n", encoding="utf-8")
    publish(content, s3)
    assert results("zebrafish")["total"] == 1
    assert len(opened) == 2


def test_within_the_ttl_a_search_makes_no_s3_call(published: Any) -> None:
    from clinic_api.core.clients import s3_client

    results("ketamine")
    calls: list[str] = []
    s3_client().meta.events.register("before-call.s3", lambda **kw: calls.append(kw["model"].name))
    results("anxiety")
    assert calls == []


def test_a_missing_or_unreadable_index_is_a_503_not_a_500(published: Any) -> None:
    published.put_object(Bucket=BUCKET, Key=SEARCH_INDEX_KEY, Body=b"not a tar")
    unreadable = search("ketamine")
    assert unreadable.status == 503
    assert int(unreadable.headers["retry-after"]) > 0
    published.delete_object(Bucket=BUCKET, Key=SEARCH_INDEX_KEY)
    store_module.article_store.cache_clear()
    assert search("ketamine").status == 503


# Cold start and contract


def test_other_routes_never_load_the_search_engine() -> None:
    probe = "import sys, clinic_api.content.handler; print('tantivy' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_openapi_documents_the_route_its_parameters_and_answers() -> None:
    from clinic_tools.openapi import build_openapi

    document = build_openapi()
    operation = document["paths"]["/search"]["get"]
    parameters = {
        parameter["name"]: parameter
        for parameter in operation["parameters"]
        if parameter["in"] == "query"
    }
    assert set(parameters) == {"q", "limit", "tag", "distinct", "cursor"}
    assert parameters["distinct"]["schema"] == {"type": "string", "enum": ["article"]}
    assert parameters["q"]["required"] is True
    assert parameters["q"]["schema"]["maxLength"] == 200
    assert parameters["limit"]["schema"] == {
        "type": "integer",
        "minimum": 1,
        "maximum": 20,
        "default": 10,
    }
    assert {"200", "304", "422", "503"} <= set(operation["responses"])
    assert {"SearchResults", "SearchHit", "SearchSection"} <= set(document["components"]["schemas"])


def test_a_word_found_as_typed_gains_nothing_from_its_corrections(published: Any) -> None:
    # "ketamine" may be a typo-corrected "esketamine"; a section that says both
    # must not outrank the ketamine articles by counting the word twice.
    slugs = [hit["slug"] for hit in results("ketamine", limit="5")["items"]]
    assert ESKETAMINE not in slugs


@pytest.mark.parametrize(
    ("query", "slug", "section"),
    [
        ("ketamine side effects", SIDE_EFFECTS, None),
        ("tms side effects", TMS, "side-effects"),
    ],
)
def test_the_page_or_section_about_exactly_this_comes_first(
    published: Any, query: str, slug: str, section: str | None
) -> None:
    best = results(query)["items"][0]
    assert best["slug"] == slug
    assert (best["section"] or {}).get("id") == section
