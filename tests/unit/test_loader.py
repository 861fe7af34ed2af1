"""Bad front matter: every mistake names its file and field, and all are reported at once."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from clinic_tools.exit_codes import ExitCode
from clinic_tools.publish.compile import compile_site
from clinic_tools.publish.links import link_problems
from clinic_tools.publish.loader import NO_FILE, SAID_PER_FILE, ContentError, load_content
from tests.conftest import CONTENT

NOW = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)

VALID = {
    "title": '"What to expect at a TMS session"',
    "description": '"A step-by-step guide to a TMS session."',
    "date": "2026-01-05",
    "author": "dr-nadia-brandt",
}


def front_matter(**fields: str | None) -> str:
    """YAML lines as written (values are raw YAML); a field set to None is left out."""
    merged = {**VALID, **fields}
    return "\n".join(f"{key}: {value}" for key, value in merged.items() if value is not None)


def article(body: str = "Some plain words.", /, **fields: str | None) -> str:
    return f"---\n{front_matter(**fields)}\n---\n\n{body}\n"


def write_content(root: Path, articles: dict[str, str]) -> Path:
    """The fixture site.yaml and authors.yaml, and one articles/{name} per entry."""
    (root / "articles").mkdir(parents=True)
    for name in ("site.yaml", "authors.yaml"):
        shutil.copy(CONTENT / name, root / name)
    for name, text in articles.items():
        (root / "articles" / name).write_text(text, encoding="utf-8")
    return root


def content_error(content: Path) -> ContentError:
    with pytest.raises(ContentError) as caught:
        load_content(content)
    return caught.value


def names(error: ContentError, path: Path, *words: str) -> bool:
    """Whether one line of the error starts with the file and contains every word."""
    return any(
        line.startswith(str(path)) and all(word in line for word in words)
        for line in str(error).splitlines()
    )


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        pytest.param({"title": None}, "title", id="missing title"),
        pytest.param({"tittle": "Typo"}, "tittle", id="unknown key"),
        pytest.param({"date": "not-a-date"}, "date", id="date that is not a date"),
        pytest.param({"date": "2026-02-30"}, "date", id="date that does not exist"),
        pytest.param({"date": "2026-13-01"}, "date", id="month that does not exist"),
        pytest.param({"publishAt": "2027-03-01T09:00:00"}, "publishAt", id="naive publishAt"),
        pytest.param({"publishAt": '"2027-03-01 09:00"'}, "publishAt", id="naive quoted"),
        pytest.param({"author": "dr-nobody"}, "author", id="unknown author"),
        pytest.param(
            {"reviewedBy": "dr-nobody", "lastReviewed": "2026-01-05"},
            "reviewedBy",
            id="unknown reviewer",
        ),
        pytest.param(
            {"reviewedBy": "dr-tomas-iver"}, "lastReviewed", id="reviewedBy without lastReviewed"
        ),
        pytest.param(
            {"lastReviewed": "2026-01-05"}, "reviewedBy", id="lastReviewed without reviewedBy"
        ),
        pytest.param({"related": "[no-such-article]"}, "related", id="unknown related slug"),
        pytest.param({"tags": "[Not A Tag]"}, "tags", id="tag that is not a slug"),
        pytest.param({"slug": "Not_A_Slug"}, "slug", id="slug that is not a slug"),
    ],
)
def test_bad_front_matter_names_the_file_and_the_field(
    tmp_path: Path, fields: dict[str, str | None], field: str
) -> None:
    content = write_content(
        tmp_path / "content", {"good.md": article(), "bad.md": article(**fields)}
    )

    error = content_error(content)

    assert names(error, content / "articles" / "bad.md", field), str(error)
    assert "good.md" not in str(error)


def test_every_problem_of_a_file_comes_at_once_in_an_authors_words(tmp_path: Path) -> None:
    content = write_content(
        tmp_path / "content", {"bad.md": article(tags="[Side Effects]", author="dr-nobody")}
    )

    error = content_error(content)

    bad = content / "articles" / "bad.md"
    assert names(error, bad, "tags.0", "'Side Effects' is not a slug", "like side-effects")
    assert names(error, bad, "author", "unknown author 'dr-nobody'"), str(error)
    assert "^[a-z0-9]" not in str(error)  # no regular expression for an author to decode


def test_a_date_or_a_list_written_another_way_says_how_to_write_it(tmp_path: Path) -> None:
    content = write_content(
        tmp_path / "content",
        {"bad.md": article(date="November 20, 2026", tags="ketamine", updated="2026-13-01")},
    )

    error = content_error(content)

    bad = content / "articles" / "bad.md"
    assert names(error, bad, "date: 'November 20, 2026' is not a date", "like 2026-11-20")
    assert names(error, bad, "updated: '2026-13-01' is not a date", "YYYY-MM-DD"), str(error)
    assert names(error, bad, "tags: 'ketamine' is not a list", "[first, second]")
    assert "Input should be" not in str(error)  # pydantic's words, not an author's


def test_a_file_with_thousands_of_problems_is_said_in_a_screenful(tmp_path: Path) -> None:
    front = "\n".join(f"key{number}: x" for number in range(5000))
    content = write_content(tmp_path / "content", {"keys.md": f"---\n{front}\n---\n\nText.\n"})

    error = content_error(content)

    lines = str(error).splitlines()
    more = len(error.problems) - SAID_PER_FILE  # every problem kept, the first ones said
    assert more > 4900
    assert len(lines) == SAID_PER_FILE + 1
    assert lines[-1].endswith(f"keys.md: and {more:,} more problems in this file")


def test_a_wrong_type_or_length_is_said_in_an_authors_words(tmp_path: Path) -> None:
    """pydantic's own words ("Tuple should have at most 10 items after validation, not
    12", "Input should be a valid string") reached authors."""
    tags = "[" + ", ".join(f"t{number}" for number in range(12)) + "]"
    fields = {"title": "12345", "tags": tags, "related": "[a, b, c, d]", "date": "2026.0101"}
    content = write_content(tmp_path / "content", {"bad.md": article(**fields)})

    error = content_error(content)

    bad = content / "articles" / "bad.md"
    assert names(error, bad, "title: 12345 is not text: put it in quotes")
    assert names(error, bad, "tags: has 12 items: at most 10 here")
    assert names(error, bad, "related: has 4 items: at most 3 here")
    assert names(error, bad, "date: 2026.0101 is not a date", "YYYY-MM-DD")
    assert "should" not in str(error) and "validation" not in str(error)


def test_a_call_to_action_chooses_only_a_service_or_provider_the_form_offers(
    tmp_path: Path,
) -> None:
    service = "cta: {label: Book, href: '/request-appointment?service=tms-consultaton'}"
    provider = "cta: {label: Book, href: '/request-appointment?provider=dr-nobody'}"
    # The site's own address written out (site.yaml's baseUrl, in another case).
    own = "https://WWW.fernhill-mood.example.:443/request-appointment?service=ketamin"
    elsewhere = "https://booking.example/request-appointment?service=anything"
    fine = "cta: {label: Book, href: '/request-appointment?service=tms-consultation'}"
    content = write_content(tmp_path / "content", {"ok.md": article(), "fine.md": article()})
    articles = content / "articles"
    for name, line in (
        ("typo.md", service),
        ("who.md", provider),
        ("own.md", f"cta: {{label: Book, href: '{own}'}}"),
        ("elsewhere.md", f"cta: {{label: Book, href: '{elsewhere}'}}"),
        ("fine.md", fine),
    ):
        (articles / name).write_text(article().replace("---\n", f"---\n{line}\n", 1))

    error = content_error(content)

    assert names(error, articles / "typo.md", "cta.href", "service 'tms-consultaton'", "known: ")
    assert names(error, articles / "typo.md", "tms-consultation, other)")
    assert names(error, articles / "who.md", "cta.href", "provider 'dr-nobody'")
    assert names(error, articles / "own.md", "cta.href", "service 'ketamin'")
    for name in ("fine.md", "ok.md", "elsewhere.md"):  # another site's form is its own
        assert name not in str(error)


@pytest.mark.parametrize(
    "href",
    [
        "/request-appointment.html?service=tms-consultaton",  # the distribution serves it
        "/articles/../request-appointment?service=tms-consultaton",
        "https://www.fernhill-mood.example/request-appointment?service=tms-consultaton",
    ],
)
def test_a_link_in_the_text_to_the_form_is_checked_as_a_call_to_action_is(
    tmp_path: Path, href: str
) -> None:
    content = write_content(tmp_path / "content", {})
    path = content / "articles" / "linked.md"
    path.write_text(article(f"Intro.\n\nThen [ask us]({href}).") + "\n", encoding="utf-8")
    cta = content / "articles" / "cta.md"
    cta.write_text(article().replace("---\n", f"---\ncta: {{label: Book, href: '{href}'}}\n", 1))

    error = content_error(content)

    line = path.read_text().splitlines().index(f"Then [ask us]({href}).") + 1
    assert names(error, Path(f"{path}:{line}"), "links", "service 'tms-consultaton'")
    assert names(error, cta, "cta.href", "service 'tms-consultaton'")


@pytest.mark.parametrize("href", ["/request-appointment/", "/no-such-page", "/tags"])
def test_a_link_or_call_to_action_to_a_path_the_site_does_not_serve_is_an_error(
    tmp_path: Path, href: str
) -> None:
    """The distribution's path rules (template.yaml) serve the form at /request-appointment
    and /request-appointment.html, not with a trailing slash: a call to action written so
    passed the check and led readers to the 404 page."""
    content = write_content(tmp_path / "content", {})
    linked = content / "articles" / "linked.md"
    linked.write_text(article(f"See [this]({href})."), encoding="utf-8")
    cta = content / "articles" / "cta.md"
    cta.write_text(article().replace("---\n", f"---\ncta: {{label: Book, href: '{href}'}}\n", 1))
    said = "is no page of the site: a reader would get its 404 page"

    assert names(content_error(content), cta, "cta.href", said)
    cta.unlink()
    loaded = load_content(content)
    problems = [str(problem) for problem in link_problems(loaded, compile_site(loaded), NOW)]
    assert any(str(linked) in problem and said in problem for problem in problems), problems


def link_problem_lines(content: Path) -> list[str]:
    loaded = load_content(content)
    return [str(problem) for problem in link_problems(loaded, compile_site(loaded), NOW)]


@pytest.mark.parametrize(
    "href",
    [
        "/forms/intake.pdf",
        "/assets/css/no-such.css",
        "/media/0123456789abcdef-960.webp",
        "https://www.fernhill-mood.example/forms/intake-form.pdf",
    ],
)
def test_a_link_or_call_to_action_to_a_file_the_site_will_not_hold_is_an_error(
    tmp_path: Path, href: str
) -> None:
    """The path rules serve any name with an extension as the object of that name, so a
    link to a file no one put in site/ passed the check and led readers to the 404 page."""
    content = write_content(tmp_path / "content", {})
    linked = content / "articles" / "linked.md"
    linked.write_text(article(f"Intro.\n\nFill in [the form]({href})."), encoding="utf-8")
    line = linked.read_text().splitlines().index(f"Fill in [the form]({href}).") + 1
    cta = content / "articles" / "cta.md"
    cta.write_text(article().replace("---\n", f"---\ncta: {{label: Form, href: '{href}'}}\n", 1))
    site = content / "site.yaml"
    site.write_text(site.read_text().replace("href: /request-appointment", f"href: '{href}'"))
    said = "is no file of the site: a reader would get its 404 page; put the file at site/"

    problems = link_problem_lines(content)

    assert any(p.startswith(f"{linked}:{line}: links: ") and said in p for p in problems), problems
    assert any(p.startswith(f"{cta}: cta.href: ") and said in p for p in problems), problems
    assert any(p.startswith(f"{site}: cta.href: ") and said in p for p in problems), problems


def test_links_to_the_sites_own_files_and_what_publish_writes_lead_somewhere(
    tmp_path: Path,
) -> None:
    files = ["/assets/css/theme.css", "/config.json", "/robots.txt", "/sitemap.xml", "/feed.xml"]
    body = "\n\n".join(f"See [this]({href})." for href in files)
    content = write_content(tmp_path / "content", {"linked.md": article(body)})
    cta = "cta: {label: Our styles, href: 'https://www.fernhill-mood.example/assets/site.css'}"
    (content / "articles" / "cta.md").write_text(article().replace("---\n", f"---\n{cta}\n", 1))

    assert link_problem_lines(content) == [
        f"{content / 'articles' / 'cta.md'}: cta.href: /assets/site.css is no file of the site:"
        " a reader would get its 404 page; put the file at site/assets/site.css, or link to"
        " one the site holds"
    ]


@pytest.mark.parametrize(
    ("written", "address", "why"),
    [
        ("[medicine list](/forms/medicine list.pdf)", "/forms/medicine list.pdf", "a space"),
        ("![a calm room](images/calm room.jpg)", "images/calm room.jpg", "a space"),
        ("[the form](/forms/a(b.pdf)", "/forms/a(b.pdf", "check its brackets and parentheses"),
        ("[the *medicine* list](/a b.pdf)", "/a b.pdf", "a space"),
        ("[see `form`](/a b.pdf)", "/a b.pdf", "a space"),
        ("[see the\nform](/a b.pdf)", "/a b.pdf", "a space"),
    ],
)
def test_a_link_the_parser_shows_as_text_is_an_error_by_line(
    tmp_path: Path, written: str, address: str, why: str
) -> None:
    """CommonMark reads no link whose address holds a space: the reader saw the brackets,
    and no link check saw a link. Emphasis, code or a line break in its text hide nothing."""
    content = write_content(tmp_path / "content", {"x.md": article(f"Intro.\n\nSee {written}.")})
    path = content / "articles" / "x.md"
    first = f"See {written.splitlines()[0]}"
    line = next(
        n for n, text in enumerate(path.read_text().splitlines(), 1) if text.startswith(first)
    )

    error = content_error(content)

    said = f"'[…]({address})' is shown as written, not as a link"
    assert names(error, Path(f"{path}:{line}"), "links", said, why), str(error)


@pytest.mark.parametrize(
    "body",
    [
        "Doses [in mg] (by weight) vary; see [1] and (2).",
        "He wrote \\[sic\\](as written) in the letter.",  # escaped: no link meant
        "A code span `[x](a b)` and an entity [x]&#40;a b).",
        "Fenced:\n\n```\n[x](a b)\n```",
        'A [real link](/articles/x "with a title") and [another](<a b>).',
    ],
)
def test_brackets_that_are_no_link_are_text(tmp_path: Path, body: str) -> None:
    content = write_content(tmp_path / "content", {"x.md": article(body)})
    problems = [str(problem) for problem in content_error_or_none(content)]
    assert not any("is shown as written" in problem for problem in problems), problems


def content_error_or_none(content: Path) -> list[Any]:
    try:
        load_content(content)
    except ContentError as error:
        return error.problems
    return []


def test_a_link_to_the_api_is_the_apis_not_a_file_of_the_site(tmp_path: Path) -> None:
    """The distribution sends /api/* to the API, whatever the path rules say."""
    body = "The [API's description](/api/openapi.json) and [articles](/api/articles)."
    content = write_content(tmp_path / "content", {"linked.md": article(body)})

    assert link_problem_lines(content) == []


def test_files_are_looked_for_in_the_site_folder_given(tmp_path: Path) -> None:
    """`clinic site deploy --site DIR` deploys another folder: check and publish take it too."""
    content = write_content(tmp_path / "content", {"linked.md": article("[Form](/forms/in.pdf).")})
    site = tmp_path / "our-site"
    (site / "forms").mkdir(parents=True)
    (site / "forms" / "in.pdf").write_bytes(b"%PDF-1.4\n")
    loaded = load_content(content)
    compiled = compile_site(loaded)

    assert link_problems(loaded, compiled, NOW, site) == []
    assert link_problems(loaded, compiled, NOW, None) == []  # not checked
    assert link_problems(loaded, compiled, NOW, tmp_path / "no-site") == []  # nor here
    missing = link_problems(loaded, compiled, NOW)  # the repository's site/
    place = "site/forms/in.pdf"  # the repository's, from its root
    assert [problem.message for problem in missing] == [NO_FILE.format("/forms/in.pdf", place)]


def test_clinic_check_takes_the_site_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from clinic_tools.cli import main

    content = write_content(tmp_path / "content", {"linked.md": article("[Form](/forms/in.pdf).")})
    site = tmp_path / "our-site"
    (site / "forms").mkdir(parents=True)

    assert (
        main(["check", "--content", str(content), "--site", str(site)]) == ExitCode.INVALID_CONTENT
    )
    said = capsys.readouterr().err
    assert "/forms/in.pdf is no file of the site: a reader would get its 404 page" in said
    assert f"put the file at {site / 'forms' / 'in.pdf'}, or link" in said  # --site's folder
    with pytest.raises(SystemExit) as exited:  # a folder given must be one
        main(["check", "--content", str(content), "--site", str(tmp_path / "no-such-site")])
    assert exited.value.code == ExitCode.USAGE
    (site / "forms" / "in.pdf").write_bytes(b"%PDF-1.4\n")
    assert main(["check", "--content", str(content), "--site", str(site)]) == ExitCode.OK


def test_an_authors_file_in_error_is_said_once_not_again_by_each_article(tmp_path: Path) -> None:
    # An article naming dr-nadia-brandt, whose call to action asks for her by name: once
    # authors.yaml cannot be read, or her entry is in error, that is the one thing to fix.
    cta = "cta: {label: Book, href: '/request-appointment?provider=dr-nadia-brandt'}"
    content = write_content(tmp_path / "content", {"hers.md": article()})
    hers = content / "articles" / "hers.md"
    hers.write_text(article().replace("---\n", f"---\n{cta}\n", 1))
    authors = content / "authors.yaml"
    entry = authors.read_text()
    authors.write_text("dr-nadia-brandt: [unclosed\n")
    lines = str(content_error(content)).splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{authors}:1: not valid YAML"), lines
    authors.write_text(entry.replace("  name: Nadia Brandt\n", "", 1))
    lines = str(content_error(content)).splitlines()
    assert len(lines) == 1 and "dr-nadia-brandt.name" in lines[0], lines


@pytest.mark.parametrize(
    ("key", "like"), [("jane_roe", "jane-roe"), ("Dr Jane Roe", "dr-jane-roe")]
)
def test_an_author_key_that_is_no_slug_is_a_content_error_naming_it(
    tmp_path: Path, key: str, like: str
) -> None:
    """The key is their page's slug (/providers/{key}): one that is not was a traceback."""
    content = write_content(tmp_path / "content", {"one.md": article()})
    authors = content / "authors.yaml"
    extra = f"\n{key}:\n  name: Jane Roe\n  credentials: LCSW\n  bio: Therapist.\n"
    authors.write_text(authors.read_text() + extra)

    error = content_error(content)

    assert names(error, authors, key, f"{key!r} is not a slug", f"like {like}")
    assert len(str(error).splitlines()) == 1


def test_a_misspelt_key_or_tag_is_answered_with_what_was_likely_meant(tmp_path: Path) -> None:
    misspelt = "pubishAt: 2027-03-01T09:00:00Z\ndate:"
    text = article(tags="[What-To-Expect]").replace("date:", misspelt)
    content = write_content(tmp_path / "content", {"bad.md": text})

    error = content_error(content)

    bad = content / "articles" / "bad.md"
    assert names(error, bad, "pubishAt", "is not a field here: did you mean publishAt?")
    assert names(error, bad, "tags.0", "'What-To-Expect' is not a slug", "like what-to-expect")


def test_an_article_in_a_folder_of_its_own_is_an_error_not_skipped(tmp_path: Path) -> None:
    content = write_content(tmp_path / "content", {"good.md": article()})
    nested = content / "articles" / "2026" / "new.md"
    nested.parent.mkdir()
    nested.write_text(article(), encoding="utf-8")

    error = content_error(content)

    assert names(error, nested, "in a folder of its own"), str(error)


def test_a_yaml_mistake_is_placed_by_the_files_own_line(tmp_path: Path) -> None:
    text = article().replace("---\n", "---\ntitle: TMS: a guide\n", 1)
    content = write_content(tmp_path / "content", {"bad.md": text})
    bad = content / "articles" / "bad.md"

    error = content_error(content)

    lines = str(error).splitlines()
    assert any(line.startswith(f"{bad}:2: ") and "needs quotes" in line for line in lines), lines
    assert "<unicode string>" not in str(error)


def test_related_naming_a_draft_is_an_error(tmp_path: Path) -> None:
    content = write_content(
        tmp_path / "content",
        {
            "unfinished.md": article(draft="true"),
            "linking.md": article(related="[unfinished]"),
        },
    )

    error = content_error(content)

    assert names(error, content / "articles" / "linking.md", "related", "unfinished"), str(error)


def test_related_naming_the_article_itself_or_one_twice_is_an_error(tmp_path: Path) -> None:
    """Readers saw the article they were reading, and another twice, under "Related"."""
    content = write_content(
        tmp_path / "content",
        {"other.md": article(), "self.md": article(related="[self, other, other]")},
    )

    error = content_error(content)

    path = content / "articles" / "self.md"
    assert names(error, path, "related", "'self' is this article itself"), str(error)
    assert names(error, path, "related", "'other' is named twice"), str(error)
    assert len(str(error).splitlines()) == 2


def test_a_related_problem_names_the_line_of_the_slug(tmp_path: Path) -> None:
    listed = "\n  - nowhere-else\n  - self\n  - nowhere"  # the last, not inside the first
    content = write_content(
        tmp_path / "content", {"other.md": article(), "self.md": article(related=listed)}
    )
    path = content / "articles" / "self.md"
    lines = path.read_text().splitlines()

    error = str(content_error(content))

    for slug, fault in [("self", "is this article itself"), ("nowhere", "is not a published")]:
        line = lines.index(f"  - {slug}") + 1
        assert f"{path}:{line}: related: '{slug}' {fault}" in error, error


def test_a_tag_named_twice_is_an_error(tmp_path: Path) -> None:
    content = write_content(tmp_path / "content", {"twice.md": article(tags="[tms, sleep, tms]")})
    error = content_error(content)
    assert names(error, content / "articles" / "twice.md", "tags", "'tms' is named twice")


def test_a_slug_named_twice_in_related_is_named_at_its_second_line(tmp_path: Path) -> None:
    content = write_content(
        tmp_path / "content",
        {"other.md": article(), "self.md": article(related="\n  - other\n  - self\n  - other")},
    )
    path = content / "articles" / "self.md"
    second = len(path.read_text().split("  - other")[0].splitlines()) + 3  # two lines on
    assert f"{path}:{second}: related: 'other' is named twice" in str(content_error(content))


@pytest.mark.parametrize("name", ["How TMS Works.md", "how_tms_works.md", "Ketamine.md"])
def test_a_file_name_that_is_not_a_slug_is_an_error(tmp_path: Path, name: str) -> None:
    content = write_content(tmp_path / "content", {name: article()})

    error = content_error(content)

    assert names(error, content / "articles" / name, "slug"), str(error)


def test_a_slug_in_front_matter_may_rename_an_oddly_named_file(tmp_path: Path) -> None:
    content = write_content(
        tmp_path / "content", {"How TMS Works.md": article(slug="how-tms-works")}
    )

    assert [source.slug for source in load_content(content).sources] == ["how-tms-works"]


def test_duplicate_slugs_name_both_files(tmp_path: Path) -> None:
    content = write_content(
        tmp_path / "content",
        {"tms-basics.md": article(), "tms-again.md": article(slug="tms-basics")},
    )

    error = content_error(content)

    articles = content / "articles"
    assert names(error, articles / "tms-basics.md", "slug", str(articles / "tms-again.md")) or (
        names(error, articles / "tms-again.md", "slug", str(articles / "tms-basics.md"))
    ), str(error)


def test_invalid_yaml_in_front_matter_names_the_file(tmp_path: Path) -> None:
    text = article(tags="[ketamine, tms")
    content = write_content(tmp_path / "content", {"broken.md": text})

    error = content_error(content)

    assert names(error, content / "articles" / "broken.md", "YAML"), str(error)
    # An author finds the mistake by its line, shown as written (the pure-Python parser's
    # message: libyaml's, tried first for speed, has no snippet).
    line = text.splitlines().index("tags: [ketamine, tms") + 1  # the file's, not the YAML's
    assert f"broken.md:{line}: " in str(error) and "in: tags: [ketamine, tms" in str(error)


def test_missing_front_matter_names_the_file(tmp_path: Path) -> None:
    content = write_content(
        tmp_path / "content", {"no-front.md": "## Just a heading\n\nAnd some words.\n"}
    )

    error = content_error(content)

    assert names(error, content / "articles" / "no-front.md", "front matter"), str(error)


def test_several_problems_in_several_files_are_reported_at_once(tmp_path: Path) -> None:
    content = write_content(
        tmp_path / "content",
        {
            "first.md": article(title=None, author="dr-nobody"),
            "second.md": article(date="someday"),
            "third.md": article(tittle="Typo"),
            "fine.md": article(),
        },
    )

    error = content_error(content)

    articles = content / "articles"
    assert names(error, articles / "first.md", "title")
    assert names(error, articles / "second.md", "date")
    assert names(error, articles / "third.md", "tittle")
    assert "fine.md" not in str(error)
    assert {problem.path.name for problem in error.problems} == {
        "first.md",
        "second.md",
        "third.md",
    }


def test_the_fixture_content_is_valid() -> None:
    content = load_content(CONTENT)

    assert len(content.sources) == len(list((CONTENT / "articles").glob("*.md")))


def test_editor_lock_files_are_not_articles(tmp_path: Path) -> None:
    content = write_content(tmp_path / "content", {"real.md": article()})
    (content / "articles" / ".#real.md").symlink_to("nobody@host.1234")  # Emacs's lock
    assert [source.slug for source in load_content(content).sources] == ["real"]


def test_a_file_that_is_not_utf8_names_the_file(tmp_path: Path) -> None:
    content = write_content(tmp_path / "content", {"ok.md": article()})
    latin1 = tmp_path / "content" / "articles" / "latin.md"
    latin1.write_bytes(article("Caf\xe9").encode("latin-1"))
    with pytest.raises(ContentError) as raised:
        load_content(content)
    assert f"{latin1}: is not UTF-8 text" in str(raised.value)


def test_a_byte_order_mark_is_no_part_of_the_text(tmp_path: Path) -> None:
    """Windows Notepad saves UTF-8 with a byte-order mark: the file still starts with ---."""
    content = write_content(tmp_path / "content", {"ok.md": article()})
    marked = content / "articles" / "notepad.md"
    marked.write_bytes(b"\xef\xbb\xbf" + article("Caf\xe9 and more.").encode())
    site = content / "site.yaml"
    site.write_bytes(b"\xef\xbb\xbf" + site.read_bytes())
    loaded = load_content(content)
    assert sorted(source.slug for source in loaded.sources) == ["notepad", "ok"]
    (notepad,) = [source for source in loaded.sources if source.slug == "notepad"]
    text = "".join(token.content for token in notepad.tokens)
    assert "Café and more." in text and "\ufeff" not in text


@pytest.mark.parametrize("url", ["https://x.example/?utm_source=site", "https://x.example/#top"])
def test_a_base_url_with_a_query_or_fragment_is_refused(tmp_path: Path, url: str) -> None:
    """Every absolute URL is baseUrl + a path: https://x/?utm=x/articles/... in the sitemap."""
    content = write_content(tmp_path / "content", {"one.md": article()})
    site = content / "site.yaml"
    site.write_text(re.sub(r"(?m)^baseUrl: .*$", f"baseUrl: {url}", site.read_text()))

    error = content_error(content)

    assert names(error, site, "baseUrl", "no ?query or #fragment"), str(error)
