"""The search index `clinic publish` builds: its units, its identity, its synonyms file."""

from __future__ import annotations

import io
import json
import shutil
import tarfile
from pathlib import Path
from typing import Any

import pytest

from clinic_api.search.index import SearchIndex
from clinic_api.search.query import (
    Synonyms,
    edit_distance,
    plan_query,
    query_words,
    stem,
    typo_budget,
    with_corrections,
)
from clinic_api.search.records import Records, pack_records
from clinic_api.search.schema import (
    BODY,
    FIELD_WEIGHTS,
    MANIFEST,
    RECORDS,
    SCHEMA_VERSION,
    SECTION_ID,
    SLUG,
    TERM,
    phrase_term,
    words_analyzer,
)
from clinic_api.search.snippets import StemFinder
from clinic_tools.publish.compile import compile_site
from clinic_tools.publish.loader import ContentError, load_content
from clinic_tools.publish.search_index import Phrases, build_search_index, search_units
from clinic_tools.publish.sections import split_sections
from tests.conftest import CONTENT
from tests.fixture_content import ANXIETY, DRAFT, SCHEDULED


@pytest.fixture(scope="module")
def compiled() -> Any:
    return compile_site(load_content(CONTENT))


@pytest.fixture
def content(tmp_path: Path) -> Path:
    return Path(shutil.copytree(CONTENT, tmp_path / "content"))


def toc_ids(toc: list[dict[str, Any]]) -> list[str]:
    return [i for node in toc for i in [node["id"], *(c["id"] for c in node.get("children", []))]]


def test_sections_are_the_toc_in_order_with_the_intro_first(compiled: Any) -> None:
    for article in compiled.articles.values():
        sections = split_sections(article["html"])
        assert sections[0].id is None
        assert [section.id for section in sections[1:]] == toc_ids(article["toc"])
        assert all(section.text == " ".join(section.text.split()) for section in sections)


def test_a_section_holds_its_own_text_only(compiled: Any) -> None:
    article = compiled.articles[ANXIETY]
    by_id = {section.id: section for section in split_sections(article["html"])}
    assert by_id[None].text.startswith("Worry that fills most days")
    maintenance = by_id["maintenance-infusions"]
    assert (maintenance.title, maintenance.level) == ("Maintenance infusions", 3)
    assert maintenance.text.startswith("Once the first six sessions have helped")
    assert "Pairing ketamine" not in maintenance.text
    # Table cells and list items do not run together: a separator where they have no
    # punctuation of their own, none after one that has, and none at the end.
    timeline = by_id["a-typical-timeline"].text
    assert "rough guide: When · What people often notice · During the infusion" in timeline
    assert "(about 40 minutes) · Floating" in timeline
    assert "quieter mind · Days two" in timeline
    assert "after the first session. Others" in timeline
    assert not timeline.endswith("·")


def test_units_are_every_intro_and_section_of_published_and_scheduled_articles(
    compiled: Any,
) -> None:
    units = search_units(compiled.articles)
    slugs = {unit[SLUG] for unit in units}
    assert DRAFT not in slugs
    assert SCHEDULED in slugs  # the function hides it until due
    sections = sum(len(toc_ids(article["toc"])) for article in compiled.articles.values())
    assert len(units) == len(compiled.articles) + sections
    assert sum(1 for unit in units if unit[SECTION_ID] == "") == len(compiled.articles)


def test_the_same_content_builds_an_index_with_the_same_identity(compiled: Any) -> None:
    first = build_search_index(compiled.articles, [["anxious", "anxiety"]])
    again = build_search_index(compiled.articles, [["anxious", "anxiety"]])
    assert first.input_sha256 == again.input_sha256
    other = build_search_index(compiled.articles, [["anxious", "anxiety", "worry"]])
    assert other.input_sha256 != first.input_sha256
    edited = {**compiled.articles}
    edited[SCHEDULED] = {**edited[SCHEDULED], "title": "Another title"}
    assert build_search_index(edited, [["anxious", "anxiety"]]).input_sha256 != (first.input_sha256)


def test_the_archive_holds_the_index_and_its_manifest_and_opens(compiled: Any) -> None:
    built = build_search_index(compiled.articles, [["spravato", "esketamine"]])
    with tarfile.open(fileobj=io.BytesIO(built.archive)) as tar:
        names = tar.getnames()
        manifest_file = tar.extractfile(MANIFEST)
        assert manifest_file is not None
        manifest = json.load(manifest_file)
    assert "index/meta.json" in names
    assert not [name for name in names if name.endswith(".lock")]
    assert manifest == {"schemaVersion": SCHEMA_VERSION, "synonyms": [["spravato", "esketamine"]]}
    found = SearchIndex.load(built.archive).search("spravato", tag=None, limit=3, hidden=())
    assert found.total > 0


def test_an_archive_from_another_schema_is_refused(compiled: Any) -> None:
    built = build_search_index(compiled.articles, [])
    buffer = io.BytesIO()
    with (
        tarfile.open(fileobj=io.BytesIO(built.archive)) as source,
        tarfile.open(fileobj=buffer, mode="w") as target,
    ):
        for member in source.getmembers():
            extracted = source.extractfile(member)
            assert extracted is not None  # every member is a file
            data = extracted.read()
            if member.name == MANIFEST:
                data = json.dumps({"schemaVersion": 99, "synonyms": []}).encode()
                member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    with pytest.raises(ValueError, match="not a search index"):
        SearchIndex.load(buffer.getvalue())
    with pytest.raises(ValueError, match="not a search index"):
        SearchIndex.load(b"garbage")


# synonyms.yaml


def test_the_fixture_synonyms_are_loaded() -> None:
    synonyms = load_content(CONTENT).synonyms
    assert ["anxious", "anxiety"] in synonyms
    assert any("nasal spray" in group and "esketamine" in group for group in synonyms)


def test_a_site_without_synonyms_searches_without_them(content: Path) -> None:
    (content / "synonyms.yaml").unlink()
    assert load_content(content).synonyms == []


@pytest.mark.parametrize(
    ("text", "field", "words"),
    [
        ("groups:\n  - [anxious, Anxiety]\n", "groups.0.1", "lowercase"),
        ("groups:\n  - [anxious]\n", "groups.0", "at least 2"),
        ("groups:\n  - [nasal  spray, esketamine]\n", "groups.0.0", "one space"),
        ("groups:\n  - [a b c d e, esketamine]\n", "groups.0.0", "one to four"),
        ("groups:\n  - [tms, tms]\n", "groups.0", "twice"),
        ("groups:\n  - [tms, 3]\n", "groups.0.1", "3 is not text: put it in quotes"),
        ("synonyms:\n  - [a, b]\n", "synonyms", "is not a field here"),
        ("groups: [\n", "", "not valid YAML"),
    ],
)
def test_a_bad_synonyms_file_names_the_file_and_field(
    content: Path, text: str, field: str, words: str
) -> None:
    path = content / "synonyms.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_content(content)
    expected = f"{path}: {field}: " if field else f"{path}:"  # with the file's line, if one
    assert any(
        line.startswith(expected) and words in line for line in str(caught.value).splitlines()
    ), str(caught.value)


# Query words and typo rules


@pytest.mark.parametrize(
    ("typed", "word", "prefix", "distance"),
    [
        ("anxeity", "anxiety", False, 1),  # a swap is one typo
        ("ketamime", "ketamine", False, 1),
        ("depresion", "depression", False, 1),
        ("ketmaine", "ketamine", False, 1),
        ("esketamine", "ketamine", False, 2),
        ("ketam", "ketamine", False, 3),
        ("ketam", "ketamine", True, 0),
        ("ketma", "ketamine", True, 1),
        ("", "tms", False, 3),
    ],
)
def test_edit_distance(typed: str, word: str, prefix: bool, distance: int) -> None:
    assert edit_distance(typed, word, prefix) == distance


def test_typo_budget_follows_algolia() -> None:
    assert [typo_budget("x" * size) for size in (1, 3, 4, 7, 8, 20)] == [0, 0, 1, 1, 2, 2]


class _Words:
    """A vocabulary of words, most frequent first, that counts typos as the index does:
    optimal string alignment, a wrong first letter once."""

    def __init__(self, words: list[str]) -> None:
        self.words = words

    def completions(self, prefix: str, limit: int) -> list[str]:
        return [word for word in self.words if word.startswith(prefix)][:limit]

    def corrections(self, word: str, typos: int, prefix: bool, limit: int) -> list[str]:
        near = [other for other in self.words if edit_distance(word, other, prefix) <= typos]
        return near[:limit]


def test_a_correction_is_found_past_frequent_words_with_another_first_letter() -> None:
    # "hure": eight frequent words one letter off at the first (two typos, over a 4-letter
    # word's one), then "hare", one typo off: it is still the correction.
    vocabulary = _Words(["cure", "pure", "sure", "lure", "bure", "dure", "mure", "ture", "hare"])
    (slot,) = with_corrections(
        plan_query("hure", _Words([]), Synonyms([])), vocabulary, Synonyms([])
    )
    assert [term.word for term in slot.terms if term.typos] == ["hare"]


def test_query_words_are_split_folded_and_capped() -> None:
    assert query_words("Side-Effects of CAFÉ 💊 “ketamine”") == [
        "side",
        "effects",
        "of",
        "cafe",
        "ketamine",
    ]
    assert len(query_words("a " * 50)) == 10


# Words an English stem rewrites at its end, and Snowball's exceptions.
REWRITTEN = [
    "dying", "lying", "tying", "skies", "happy", "happiness", "possibility", "stability",
    "generously", "relational", "hoping", "fluency", "sensitivity", "ugly", "early", "only",
    "agreed",
]  # fmt: skip


def test_a_text_is_never_said_to_lack_a_word_it_has(compiled: Any) -> None:
    # The snippet's shortcut around stemming a whole hit: a false "no" would show a
    # section's opening instead of the passage with the words.
    texts = [unit[BODY] for unit in search_units(compiled.articles)] + [" ".join(REWRITTEN)]
    for text in texts:
        for word in words_analyzer().analyze(text):
            assert StemFinder([stem(word)]).may_hold(text), (word, text[:60])


def test_a_text_without_the_word_is_told_apart() -> None:
    assert not StemFinder([stem("anxiety")]).may_hold("Ketamine helps some people.")
    assert not StemFinder([stem("happy")]).may_hold("unhappy")  # a word's start, not its middle
    assert StemFinder([stem("happiness")]).may_hold("a happy day")
    assert StemFinder([stem("effects")]).may_hold("side_effects")  # tokens split at "_"
    several = StemFinder([stem(word) for word in ("ketamine", "ketamines", "keto")])
    assert several.may_hold("a keto diet")
    assert several.may_hold("Ketamine works.")
    assert not several.may_hold("kettles")


def test_the_index_stores_only_what_a_hit_reads_and_each_article_once(compiled: Any) -> None:
    built = build_search_index(compiled.articles, [])
    assert built.archive[:2] != b"\x1f\x8b"  # a plain tar: nothing to unzip before opening
    with tarfile.open(fileobj=io.BytesIO(built.archive)) as tar:
        meta_file, records_file = tar.extractfile("index/meta.json"), tar.extractfile(RECORDS)
        assert meta_file is not None and records_file is not None
        meta, records = json.load(meta_file), Records(records_file.read())
    fields = {field["name"]: field["options"] for field in meta["schema"]}
    stored = {name for name, options in fields.items() if options.get("stored")}
    assert stored == {TERM}  # a hit's texts are records
    assert {fields[name]["indexing"]["record"] for name in FIELD_WEIGHTS} == {"freq"}
    assert not fields[SLUG]["indexing"]["fieldnorms"]
    units = search_units(compiled.articles)
    assert [records[number][-1] for number in range(len(units))] == [unit["body"] for unit in units]
    articles = [records[number] for number in range(len(units), len(records))]
    assert [slug for slug, _, _ in articles] == sorted(compiled.articles)
    assert [title for _, title, _ in articles] == [
        compiled.articles[slug]["title"] for slug in sorted(compiled.articles)
    ]


def test_records_give_back_their_texts_exactly() -> None:
    odd = [["", "two  spaces ", "line\nbreak"], ["café \u2014 ok", ""], ["a", "b"]]
    many = [[f"word{number} shared", "x"] for number in range(70_000)]  # past 16 bits
    records = Records(pack_records([*odd, *many]))
    assert len(records) == len(odd) + len(many)
    assert [records[number] for number in range(len(odd))] == odd
    assert records[len(odd) + 69_999] == ["word69999 shared", "x"]
    assert Records(pack_records([["a\x1fb", "c"]]))[0] == ["a\ufffdb", "c"]  # never a break


def test_a_phrase_is_one_token_where_its_words_follow_each_other() -> None:
    phrases = Phrases([["nasal spray", "esketamine"], ["low mood", "depression"]])
    text = "A nasal spray, a spray that is nasal, and low moods."
    marked = phrases.marked(text)
    assert marked.startswith(text)
    assert marked.split().count(phrase_term(("nasal", "spray"))) == 1
    assert marked.split().count(phrase_term(("low", "mood"))) == 1


def test_a_synonym_finds_its_phrase_in_the_text(compiled: Any) -> None:
    index = SearchIndex.load(
        build_search_index(compiled.articles, [["nasal spray", "intranasal"]]).archive
    )
    found = index.search("intranasal", tag=None, limit=20, hidden=())
    assert found.total > 0
    for hit in found.items:
        assert "nasal spray" in hit["text"].lower() or "nasal spray" in hit["title"].lower()
