"""The compiler: Markdown articles in content/ become the JSON documents the API serves."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from clinic_api.content.schemas import Article, ArticleSummary, Site
from clinic_tools.publish.compile import CompiledSite, compile_site
from clinic_tools.publish.loader import ContentError, load_content
from clinic_tools.publish.markdown import PAGE_IDS, parse_markdown, render_html
from tests.conftest import CONTENT
from tests.fixture_content import (
    ANXIETY,
    DRAFT,
    INFUSION_VISIT,
    LISTED,
    PUBLISH_AT,
    SCHEDULED,
    SIDE_EFFECTS,
    TMS,
)
from tests.unit.small_clinic import article

AUTHORS = {
    "dr-ada-stone": {"name": "Ada Stone", "credentials": "MD", "bio": "Psychiatrist."},
    "sam-reed-np": {"name": "Sam Reed", "credentials": "PMHNP-BC", "bio": "Nurse practitioner."},
}
BASE_URL = "https://www.fernhill-mood.example"


def write_content(root: Path, articles: dict[str, str], site: dict[str, Any] | None = None) -> Path:
    """A content folder: the fixture site.yaml (with `site` changes; None drops a key),
    two authors, and one articles/{name}.md per entry."""
    (root / "articles").mkdir(parents=True)
    shutil.copy(CONTENT / "site.yaml", root / "site.yaml")
    if site:
        settings = yaml.safe_load((root / "site.yaml").read_text(encoding="utf-8"))
        settings.update(site)
        settings = {key: value for key, value in settings.items() if value is not None}
        (root / "site.yaml").write_text(yaml.safe_dump(settings), encoding="utf-8")
    (root / "authors.yaml").write_text(yaml.safe_dump(AUTHORS), encoding="utf-8")
    for name, text in articles.items():
        (root / "articles" / f"{name}.md").write_text(text, encoding="utf-8")
    return root


def compile_folder(
    tmp_path: Path, articles: dict[str, str], site: dict[str, Any] | None = None
) -> CompiledSite:
    return compile_site(load_content(write_content(tmp_path / "content", articles, site)))


def compile_body(tmp_path: Path, body: str) -> dict[str, Any]:
    """The compiled article for one Markdown body."""
    return compile_folder(tmp_path, {"the-article": article(body)}).articles["the-article"]


def heading_ids(html: str) -> list[str]:
    return re.findall(r'<h[23] id="([^"]+)"', html)


def toc_ids(toc: list[dict[str, Any]]) -> list[str]:
    return [id_ for node in toc for id_ in [node["id"], *toc_ids(node.get("children", []))]]


def moment(published_at: str) -> float:
    """`2026-03-02` (midnight UTC) or `2026-03-02T09:00:00Z` as a timestamp."""
    parsed = dt.datetime.fromisoformat(published_at)
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)).timestamp()


def slugs(links: list[dict[str, Any]]) -> list[str]:
    return [link["slug"] for link in links]


@pytest.fixture(scope="module")
def sample() -> CompiledSite:
    return compile_site(load_content(CONTENT))


# Headings and the table of contents


def test_heading_ids_are_the_slugified_heading_text(tmp_path: Path) -> None:
    compiled = compile_body(
        tmp_path, "## What the research shows\n\n### Side effects & risks\n\n## Café au lait"
    )

    assert heading_ids(compiled["html"]) == [
        "what-the-research-shows",
        "side-effects-risks",
        "cafe-au-lait",
    ]


def test_repeated_headings_get_numbered_ids(tmp_path: Path) -> None:
    compiled = compile_body(tmp_path, "## Questions\n\n### Questions\n\n## Questions")

    assert heading_ids(compiled["html"]) == ["questions", "questions-2", "questions-3"]


def test_heading_ids_stay_unique_when_a_heading_reads_like_a_numbered_repeat(
    tmp_path: Path,
) -> None:
    compiled = compile_body(tmp_path, "## FAQ\n\n## FAQ\n\n## FAQ 2")

    ids = heading_ids(compiled["html"])
    assert len(set(ids)) == len(ids), ids


SITE = Path(__file__).resolve().parents[2] / "site"
SHOWN_ON = ("article.html", "page.html", "provider.html", "partials")


def test_the_page_ids_are_every_id_of_the_pages_that_show_markdown() -> None:
    # A page's new element with an id is added to PAGE_IDS, or this fails.
    files = [SITE / name for name in SHOWN_ON if name.endswith(".html")]
    files += sorted((SITE / "partials").glob("*.html"))
    found = {id_ for file in files for id_ in re.findall(r'\bid="([^"{]+)"', file.read_text())}
    box = "site-search"  # the suggestions' ids, made by autocomplete.js from its input's
    assert "`${id}-listbox`" in (SITE / "assets/js/autocomplete.js").read_text()
    assert found | {f"{box}-listbox", f"{box}-popup"} == PAGE_IDS


def test_a_heading_never_takes_an_id_the_page_has(tmp_path: Path) -> None:
    """`## People` took the id of the authors' cards, which were then written into it."""
    headings = ["People", "Related", "Main", "TOC", "Site search option 3", "Article body"]
    compiled = compile_body(tmp_path, "\n\n".join(f"## {text}" for text in headings))
    ids = heading_ids(compiled["html"])
    assert ids == [
        "people-2", "related-2", "main-2", "toc-2", "site-search-option-3-2", "article-body-2"
    ]  # fmt: skip
    assert not set(ids) & PAGE_IDS


def test_the_toc_nests_each_h3_under_the_h2_before_it(tmp_path: Path) -> None:
    compiled = compile_body(
        tmp_path, "## Before treatment\n\n### Screening\n\n### The day before\n\n## Afterward"
    )

    assert compiled["toc"] == [
        {
            "id": "before-treatment",
            "title": "Before treatment",
            "level": 2,
            "children": [
                {"id": "screening", "title": "Screening", "level": 3},
                {"id": "the-day-before", "title": "The day before", "level": 3},
            ],
        },
        {"id": "afterward", "title": "Afterward", "level": 2, "children": []},
    ]


def test_an_h3_before_the_first_h2_stands_at_the_top_level(tmp_path: Path) -> None:
    compiled = compile_body(tmp_path, "### In short\n\nText.\n\n## Details\n\n### More")

    assert [(node["id"], node["level"]) for node in compiled["toc"]] == [
        ("in-short", 3),
        ("details", 2),
    ]
    assert compiled["toc"][1]["children"] == [{"id": "more", "title": "More", "level": 3}]


def test_toc_ids_are_the_heading_ids_in_the_html(sample: CompiledSite) -> None:
    for slug, compiled in sample.articles.items():
        assert compiled["toc"], slug
        assert toc_ids(compiled["toc"]) == heading_ids(compiled["html"]), slug


# Sanitised HTML


@pytest.mark.parametrize(
    ("markdown", "tag"),
    [
        ("<script>alert(1)</script>", "script"),
        ('<img src="x.png" onerror="alert(1)">', "img"),
        ('<iframe src="https://evil.example/"></iframe>', "iframe"),
        ("Inline <script>alert(1)</script> in a paragraph.", "script"),
    ],
)
def test_raw_html_in_markdown_is_refused_not_published(
    tmp_path: Path, markdown: str, tag: str
) -> None:
    # More cases, and HTML comments (allowed, dropped), in test_content_checks.py.
    with pytest.raises(ContentError, match=rf"the-article\.md:10: body: raw HTML .*<{tag}"):
        compile_body(tmp_path, f"Before.\n\n{markdown}\n\nAfter.")


@pytest.mark.parametrize(
    "markdown",
    ["[click me](javascript:alert(1))", "<javascript:alert(1)>", "[x](JaVaScRiPt:alert(1))"],
)
def test_javascript_links_are_refused_and_never_rendered(tmp_path: Path, markdown: str) -> None:
    # More schemes in test_content_checks.py.
    with pytest.raises(ContentError, match=r"the-article\.md:8: links: a link to javascript:"):
        compile_body(tmp_path, f"Please {markdown} now.")
    # The sanitiser drops the href too, should a link ever get past the loader.
    md = parse_markdown()
    html = render_html(md, md.parse(f"Please {markdown} now."))
    assert "<a" in html
    assert not re.search(r"href=\"\s*javascript:", html, re.IGNORECASE)


def test_tables_survive(tmp_path: Path) -> None:
    html = compile_body(tmp_path, "| Option | Time |\n| :--- | ---: |\n| TMS | 40 min |")["html"]

    assert "<table>" in html
    assert '<th style="text-align:left">Option</th>' in html
    assert '<td style="text-align:right">40 min</td>' in html


def test_links_get_a_rel(tmp_path: Path) -> None:
    html = compile_body(tmp_path, "See [the lifeline](https://988lifeline.org/).")["html"]

    assert '<a href="https://988lifeline.org/" rel="noopener noreferrer">the lifeline</a>' in html


@pytest.mark.parametrize("heading", ["# A second title", "A second title\n=============="])
def test_an_h1_in_the_body_is_an_error_naming_the_file_and_line(
    tmp_path: Path, heading: str
) -> None:
    content = write_content(tmp_path / "content", {"the-article": article(f"{heading}\n\nText.")})

    with pytest.raises(ContentError) as caught:
        load_content(content)

    path = content / "articles" / "the-article.md"
    line = path.read_text().splitlines().index(heading.splitlines()[0]) + 1
    assert f"{path}:{line}: body: use ## for sections" in str(caught.value)


def test_the_body_has_no_h1(sample: CompiledSite) -> None:
    for compiled in sample.articles.values():
        assert "<h1" not in compiled["html"]


# Words, reading time and excerpt


def test_word_count_counts_contractions_and_hyphenated_words_once(tmp_path: Path) -> None:
    compiled = compile_body(
        tmp_path, "We don't offer 24-hour care, but we call back within one business day."
    )

    assert compiled["wordCount"] == 13


@pytest.mark.parametrize(
    ("words", "minutes"), [(1, 1), (199, 1), (200, 1), (201, 2), (400, 2), (401, 3)]
)
def test_reading_time_is_words_over_200_rounded_up(
    tmp_path: Path, words: int, minutes: int
) -> None:
    compiled = compile_body(tmp_path, " ".join(["word"] * words))

    assert compiled["wordCount"] == words
    assert compiled["readingTimeMinutes"] == minutes


def test_the_excerpt_is_the_first_paragraph(tmp_path: Path) -> None:
    compiled = compile_body(tmp_path, "## Start here\n\nThe first paragraph.\n\nThe second one.")

    assert compiled["excerpt"] == "The first paragraph."


def test_a_long_first_paragraph_is_cut_at_a_word_boundary(tmp_path: Path) -> None:
    paragraph = " ".join(f"word{n}" for n in range(60))  # 349 characters
    compiled = compile_body(tmp_path, f"{paragraph}\n\nSecond paragraph.")

    excerpt = compiled["excerpt"]
    kept = excerpt.removesuffix("…")
    assert excerpt.endswith("…")
    assert len(kept) <= 200
    assert paragraph.startswith(kept)
    assert paragraph[len(kept)] == " "


def test_an_excerpt_stays_within_200_characters_when_the_first_word_is_longer(
    tmp_path: Path,
) -> None:
    paragraph = f"https://example.org/{'a' * 250} is where the leaflet lives."
    compiled = compile_body(tmp_path, paragraph)

    assert len(compiled["excerpt"].removesuffix("…")) <= 200


def test_a_first_paragraph_of_200_characters_is_kept_whole(tmp_path: Path) -> None:
    paragraph = ("abcd " * 40).strip() + "x"  # exactly 200 characters
    assert len(paragraph) == 200

    assert compile_body(tmp_path, paragraph)["excerpt"] == paragraph


# Dates and order


def test_published_at_is_publish_at_normalised_to_utc(tmp_path: Path) -> None:
    moment = dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    compiled = compile_folder(tmp_path, {"later": article(publishAt=moment)})

    assert compiled.articles["later"]["publishedAt"] == "2027-03-01T07:00:00Z"


def test_published_at_is_the_date_without_publish_at(tmp_path: Path) -> None:
    compiled = compile_folder(tmp_path, {"plain": article(date=dt.date(2026, 2, 3))})

    assert compiled.articles["plain"]["publishedAt"] == "2026-02-03"


def test_updated_at_is_updated_or_else_published_at(tmp_path: Path) -> None:
    compiled = compile_folder(
        tmp_path,
        {
            "revised": article(date=dt.date(2026, 2, 3), updated=dt.date(2026, 4, 1)),
            "untouched": article(date=dt.date(2026, 2, 3)),
            "scheduled": article(publishAt=dt.datetime(2027, 3, 1, 9, tzinfo=dt.UTC)),
        },
    )

    assert compiled.articles["revised"]["updatedAt"] == "2026-04-01"
    assert compiled.articles["untouched"]["updatedAt"] == "2026-02-03"
    assert compiled.articles["scheduled"]["updatedAt"] == "2027-03-01T09:00:00Z"


def test_the_index_lists_newest_first_then_by_slug(tmp_path: Path) -> None:
    compiled = compile_folder(
        tmp_path,
        {
            "oldest": article(date=dt.date(2025, 12, 1)),
            "b-same-day": article(date=dt.date(2026, 2, 1)),
            "a-same-day": article(date=dt.date(2026, 2, 1)),
            "same-day-at-nine": article(
                date=dt.date(2026, 1, 1), publishAt=dt.datetime(2026, 2, 1, 9, tzinfo=dt.UTC)
            ),
            "newest": article(date=dt.date(2026, 6, 1)),
        },
    )

    assert slugs(compiled.index["articles"]) == [
        "newest",
        "same-day-at-nine",
        "a-same-day",
        "b-same-day",
        "oldest",
    ]


def test_sample_index_is_newest_first(sample: CompiledSite) -> None:
    summaries = sample.index["articles"]

    assert summaries == sorted(
        summaries, key=lambda summary: (-moment(summary["publishedAt"]), summary["slug"])
    )
    assert summaries[0]["slug"] == SCHEDULED


# Related articles, drafts and scheduled articles


def test_related_are_articles_sharing_a_tag_newest_first_without_itself(tmp_path: Path) -> None:
    compiled = compile_folder(
        tmp_path,
        {
            "tms": article(tags=["tms", "depression"], date=dt.date(2026, 5, 1)),
            "old-depression": article(tags=["depression"], date=dt.date(2025, 1, 1)),
            "new-depression": article(tags=["depression"], date=dt.date(2026, 9, 1)),
            "tms-faq": article(tags=["tms"], date=dt.date(2026, 3, 1)),
            "anxiety": article(tags=["anxiety"], date=dt.date(2026, 8, 1)),
        },
    )

    assert slugs(compiled.articles["tms"]["related"]) == [
        "new-depression",
        "tms-faq",
        "old-depression",
    ]
    assert compiled.articles["anxiety"]["related"] == []
    assert compiled.articles["tms"]["related"][0] == {
        "slug": "new-depression",
        "title": "An article",
        "url": "/articles/new-depression",
    }


def test_a_related_override_is_used_as_given(tmp_path: Path) -> None:
    compiled = compile_folder(
        tmp_path,
        {
            "chosen": article(tags=["tms"], related=["old-unrelated", "newer-unrelated"]),
            "shares-a-tag": article(tags=["tms"], date=dt.date(2026, 9, 1)),
            "old-unrelated": article(tags=["anxiety"], date=dt.date(2025, 1, 1)),
            "newer-unrelated": article(tags=["safety"], date=dt.date(2026, 6, 1)),
        },
    )

    assert slugs(compiled.articles["chosen"]["related"]) == ["old-unrelated", "newer-unrelated"]


def test_sample_related_override_is_used_as_given(sample: CompiledSite) -> None:
    related = sample.articles[ANXIETY]["related"]

    assert slugs(related) == [INFUSION_VISIT, SIDE_EFFECTS]


def test_drafts_appear_nowhere(tmp_path: Path) -> None:
    compiled = compile_folder(
        tmp_path,
        {
            "published": article(tags=["tms"]),
            "unfinished": article(tags=["tms"], draft=True, date=dt.date(2026, 9, 1)),
        },
    )

    assert list(compiled.articles) == ["published"]
    assert slugs(compiled.index["articles"]) == ["published"]
    assert compiled.articles["published"]["related"] == []


def test_the_sample_draft_appears_nowhere(sample: CompiledSite) -> None:
    assert DRAFT not in sample.articles
    assert DRAFT not in slugs(sample.index["articles"])
    for compiled in sample.articles.values():
        assert DRAFT not in slugs(compiled["related"])


def test_scheduled_articles_are_compiled(sample: CompiledSite) -> None:
    assert sample.articles[SCHEDULED]["publishedAt"] == PUBLISH_AT
    assert SCHEDULED in slugs(sample.index["articles"])


# Call to action


def test_the_cta_defaults_from_site_yaml(sample: CompiledSite) -> None:
    default = {"label": "Request an appointment", "href": "/request-appointment"}

    assert sample.articles[ANXIETY]["cta"] == default


def test_an_article_cta_overrides_the_default(sample: CompiledSite, tmp_path: Path) -> None:
    assert sample.articles[TMS]["cta"] == {
        "label": "Book a TMS consultation",
        "href": "/request-appointment?service=tms-consultation",
    }
    own = {"label": "Book online", "href": "https://booking.clinic.example/new"}
    compiled = compile_folder(tmp_path, {"own": article(cta=own), "plain": article()})
    assert compiled.articles["own"]["cta"] == own
    assert compiled.articles["plain"]["cta"] == sample.site["cta"]


# Authors and reviewers


def test_the_article_shows_its_author_and_reviewer_with_their_bios(tmp_path: Path) -> None:
    compiled = compile_folder(
        tmp_path,
        {"reviewed": article(reviewedBy="sam-reed-np", lastReviewed=dt.date(2026, 1, 9))},
    )

    served = Article.model_validate(compiled.articles["reviewed"])
    assert served.author.model_dump() == {
        "slug": "dr-ada-stone",
        "name": "Ada Stone",
        "credentials": "MD",
        "url": "/providers/dr-ada-stone",
        "bio": "Psychiatrist.",
    }
    assert served.reviewed_by is not None
    assert served.reviewed_by.bio == "Nurse practitioner."


def test_a_bio_written_over_several_lines_is_one_plain_paragraph(tmp_path: Path) -> None:
    root = write_content(tmp_path / "content", {"plain": article()})
    authors = dict(AUTHORS)
    authors["dr-ada-stone"] = {**AUTHORS["dr-ada-stone"], "bio": "Sees adults.\n  Likes   tea.\n"}
    (root / "authors.yaml").write_text(yaml.safe_dump(authors), encoding="utf-8")

    compiled = compile_site(load_content(root))

    assert compiled.articles["plain"]["author"]["bio"] == "Sees adults. Likes tea."


def test_list_summaries_name_the_author_without_the_bio(tmp_path: Path) -> None:
    compiled = compile_folder(tmp_path, {"plain": article()})

    (summary,) = compiled.index["articles"]
    assert summary["author"] == {
        "slug": "dr-ada-stone",
        "name": "Ada Stone",
        "credentials": "MD",
        "url": "/providers/dr-ada-stone",
    }
    ArticleSummary.model_validate(summary)


# Site settings: the search prompt and tag labels


def test_the_search_prompt_defaults_to_the_clinic_sites_question(tmp_path: Path) -> None:
    compiled = compile_folder(tmp_path, {"plain": article()}, site={"searchPrompt": None})

    assert compiled.site["searchPrompt"] == "What would you like to find?"
    assert Site.model_validate(compiled.site).search_prompt == "What would you like to find?"


def test_site_yaml_can_word_the_search_prompt(tmp_path: Path) -> None:
    compiled = compile_folder(
        tmp_path, {"plain": article()}, site={"searchPrompt": "Search our articles"}
    )

    assert compiled.site["searchPrompt"] == "Search our articles"


def test_tag_labels_name_tags_and_the_rest_are_humanised(tmp_path: Path) -> None:
    compiled = compile_folder(
        tmp_path,
        {"one": article(tags=["tms", "side-effects"]), "two": article(tags=["tms", "ocd"])},
        site={"tagLabels": {"tms": "TMS", "ocd": "OCD", "unused-tag": "Unused"}},
    )

    assert compiled.index["tagLabels"] == {
        "ocd": "OCD",
        "side-effects": "Side effects",
        "tms": "TMS",
    }
    assert "tagLabels" not in compiled.site  # GET /tags serves them, not GET /site
    Site.model_validate(compiled.site)


def test_tag_labels_are_optional(tmp_path: Path) -> None:
    compiled = compile_folder(
        tmp_path, {"one": article(tags=["what-to-expect"])}, site={"tagLabels": None}
    )

    assert compiled.index["tagLabels"] == {"what-to-expect": "What to expect"}


@pytest.mark.parametrize(
    ("labels", "field"),
    [
        pytest.param({"Not A Tag": "Label"}, "tagLabels.Not A Tag", id="key is not a tag"),
        pytest.param({"tms": ""}, "tagLabels.tms", id="empty label"),
        pytest.param({"tms": "x" * 61}, "tagLabels.tms", id="label too long"),
        pytest.param(["tms"], "tagLabels", id="not a map"),
    ],
)
def test_bad_tag_labels_name_site_yaml_and_the_tag(tmp_path: Path, labels: Any, field: str) -> None:
    root = write_content(tmp_path / "content", {"plain": article()}, site={"tagLabels": labels})

    with pytest.raises(ContentError) as caught:
        load_content(root)

    assert f"{root / 'site.yaml'}: {field}" in str(caught.value)


def test_drafts_lend_no_tag_to_the_labels(tmp_path: Path) -> None:
    compiled = compile_folder(
        tmp_path,
        {"one": article(tags=["tms"]), "draft": article(tags=["ocd"], draft=True)},
        site={"tagLabels": None},
    )

    assert compiled.index["tagLabels"] == {"tms": "Tms"}


# schema.org JSON-LD


def test_json_ld_is_a_medical_web_page_with_an_absolute_url(sample: CompiledSite) -> None:
    slug = ANXIETY
    json_ld = sample.articles[slug]["jsonLd"]

    assert json_ld["@context"] == "https://schema.org"
    assert json_ld["@type"] == "MedicalWebPage"
    assert json_ld["url"] == f"{BASE_URL}/articles/{slug}"
    assert json_ld["author"]["@type"] == "Person"
    assert json_ld["author"]["name"] == "Nadia Brandt"
    assert json_ld["reviewedBy"] == {
        "@type": "Person",
        "name": "Tomas Iver",
        "honorificSuffix": "MD, psychiatrist",
        "url": f"{BASE_URL}/providers/dr-tomas-iver",  # their provider page
    }
    assert json_ld["lastReviewed"] == "2026-06-02"


def test_json_ld_names_a_review_only_when_given(tmp_path: Path) -> None:
    compiled = compile_folder(
        tmp_path,
        {
            "reviewed": article(reviewedBy="sam-reed-np", lastReviewed=dt.date(2026, 1, 9)),
            "unreviewed": article(),
        },
    )

    reviewed = compiled.articles["reviewed"]
    assert reviewed["reviewedBy"] == {
        "slug": "sam-reed-np",
        "name": "Sam Reed",
        "credentials": "PMHNP-BC",
        "url": "/providers/sam-reed-np",
        "bio": "Nurse practitioner.",
    }
    assert reviewed["lastReviewed"] == "2026-01-09"
    assert reviewed["jsonLd"]["reviewedBy"]["name"] == "Sam Reed"
    assert reviewed["jsonLd"]["lastReviewed"] == "2026-01-09"
    unreviewed = compiled.articles["unreviewed"]
    assert unreviewed["reviewedBy"] is None
    assert unreviewed["lastReviewed"] is None
    assert "reviewedBy" not in unreviewed["jsonLd"]
    assert "lastReviewed" not in unreviewed["jsonLd"]


def test_json_ld_url_is_the_path_without_a_base_url(tmp_path: Path) -> None:
    compiled = compile_folder(tmp_path, {"plain": article()}, site={"baseUrl": None})

    assert compiled.articles["plain"]["jsonLd"]["url"] == "/articles/plain"


# The API contract


def test_every_sample_article_matches_the_article_schema(sample: CompiledSite) -> None:
    assert sorted(sample.articles) == sorted([*LISTED, SCHEDULED])
    for slug, compiled in sample.articles.items():
        assert Article.model_validate(compiled).slug == slug


def test_every_index_summary_matches_the_summary_schema(sample: CompiledSite) -> None:
    assert sample.index["articles"]
    for summary in sample.index["articles"]:
        ArticleSummary.model_validate(summary)
        article = sample.articles[summary["slug"]]
        assert {key: value for key, value in summary.items() if key != "author"} == {
            key: article[key] for key in summary if key != "author"
        }
        assert summary["author"] == {key: article["author"][key] for key in summary["author"]}


def test_the_site_matches_the_site_schema(sample: CompiledSite) -> None:
    site = Site.model_validate(sample.site)

    assert site.name == "Fernhill Mood Clinic"
    assert sample.site["phoneRegion"] == "US"


# Site settings: the clinic's time zone


def test_the_time_zone_defaults_to_utc_and_reaches_site_json(tmp_path: Path) -> None:
    plain = compile_folder(tmp_path / "a", {"plain": article()}, site={"timeZone": None})
    assert plain.site["timeZone"] == "UTC"
    pacific = compile_folder(
        tmp_path / "b", {"plain": article()}, site={"timeZone": "America/Los_Angeles"}
    )
    assert Site.model_validate(pacific.site).time_zone == "America/Los_Angeles"


@pytest.mark.parametrize("zone", ["Pacific Time", "America/Nowhere", "PST8PDT/x", ""])
def test_a_time_zone_that_is_not_an_iana_name_names_site_yaml(tmp_path: Path, zone: str) -> None:
    root = write_content(tmp_path / "content", {"plain": article()}, site={"timeZone": zone})

    with pytest.raises(ContentError) as caught:
        load_content(root)

    assert f"{root / 'site.yaml'}: timeZone" in str(caught.value)
