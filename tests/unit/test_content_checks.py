"""What `clinic publish` refuses before uploading anything: raw HTML in an article's
Markdown and a link no reader could follow (named by file and line), YAML that says one
thing twice, and a call to action that leads off the site insecurely. HTML comments are
an author's notes: allowed, and dropped."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from clinic_tools.publish.compile import compile_site
from clinic_tools.publish.loader import ContentError, load_content
from tests.unit.small_clinic import article, write_clinic

FRONT_MATTER_LINES = 7  # "---", title, description, date, author, "---", blank line


def load(tmp_path: Path, articles: dict[str, str], site: dict[str, Any] | None = None) -> Any:
    return load_content(write_clinic(tmp_path / "content", articles, site))


def refused(tmp_path: Path, articles: dict[str, str], site: dict[str, Any] | None = None) -> str:
    with pytest.raises(ContentError) as caught:
        load(tmp_path, articles, site)
    return str(caught.value)


def compiled(tmp_path: Path, body: str) -> dict[str, Any]:
    return compile_site(load(tmp_path, {"the-article": article(body)})).articles["the-article"]


def body_line(number: int) -> int:
    """The file's line number of the body's line `number` (from 1)."""
    return FRONT_MATTER_LINES + number


def test_the_front_matter_is_as_long_as_this_file_assumes() -> None:
    assert article("first body line").splitlines()[body_line(1) - 1] == "first body line"


# Raw HTML


@pytest.mark.parametrize(
    ("body", "line", "shown"),
    [
        ('<div class="callout">\nCall us.\n</div>', 1, '<div class="callout">'),
        ("Intro.\n\n<script>alert(1)</script>", 3, "<script>"),
        ('Intro.\n\n<img src="x.png" onerror="alert(1)">', 3, "<img"),
        ('Intro.\n\n<iframe src="https://evil.example/"></iframe>', 3, "<iframe"),
        ("A paragraph\nthat runs on\nand has <span>one</span> tag.", 3, "<span>"),
        ("- a list\n- with <b>bold</b> HTML", 2, "<b>"),
        ("> quoted\n> <em>emphasis</em>", 2, "<em>"),
        ("| a | b |\n| - | - |\n| <br> | x |", 3, "<br>"),
        ("Line one  \nline <u>two</u>", 2, "<u>"),
    ],
)
def test_raw_html_is_an_error_naming_the_file_and_line(
    tmp_path: Path, body: str, line: int, shown: str
) -> None:
    error = refused(tmp_path, {"the-article": article(body)})
    path = tmp_path / "content" / "articles" / "the-article.md"
    assert f"{path}:{body_line(line)}: body: raw HTML is not allowed ({shown}" in error


def test_a_line_with_several_tags_names_each_once(tmp_path: Path) -> None:
    body = "Text with <b>bold</b>, <i>italic</i> and <b>more</b>."
    error = refused(tmp_path, {"the-article": article(body)})
    assert error.count("raw HTML is not allowed") == 1
    assert "raw HTML is not allowed (<b>, <i>):" in error


def test_every_piece_of_raw_html_is_reported_at_once(tmp_path: Path) -> None:
    body = "<div>\nx\n</div>\n\nText with <span>a</span> and <i>b</i>."
    error = refused(tmp_path, {"one": article(body), "two": article("<p>two</p>")})
    assert error.count("raw HTML is not allowed") == 3  # once a line
    assert [line.split(": body")[0].rsplit("/", 1)[1] for line in error.splitlines()] == [
        "one.md:8",
        "one.md:12",
        "two.md:8",
    ]


def test_raw_html_is_reported_beside_front_matter_errors(tmp_path: Path) -> None:
    error = refused(tmp_path, {"bad": article("<div>x</div>", author="nobody")})
    assert "raw HTML is not allowed" in error and "unknown author 'nobody'" in error


def test_an_h1_is_reported_by_its_line_beside_raw_html_and_front_matter_errors(
    tmp_path: Path,
) -> None:
    """One `clinic check` lists them all: a second H1 was hidden while the front matter
    (or anything else of the file) failed, and named no line."""
    body = "Intro.\n\n# A second title\n\n<div>x</div>"
    error = refused(tmp_path, {"bad": article(body, author="nobody")})
    assert f"bad.md:{body_line(3)}: body: use ## for sections" in error
    assert f"bad.md:{body_line(5)}: body: raw HTML is not allowed" in error
    assert "unknown author 'nobody'" in error


def test_a_long_piece_of_html_is_shown_shortened(tmp_path: Path) -> None:
    tag = '<div class="' + "x" * 80 + '">'
    error = refused(tmp_path, {"long": article(tag)})
    assert tag not in error
    assert '(<div class="xxxx' in error and "…)" in error


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("Use `<div>` for a box.", "<code>&lt;div&gt;</code>"),
        ("```html\n<div>x</div>\n```", "&lt;div&gt;x&lt;/div&gt;"),
        ("Write \\<div> to show a tag.", "Write &lt;div&gt; to show a tag."),
        ("Doses: 1 < 2 and 3 > 2; we <3 you.", "1 &lt; 2 and 3 &gt; 2; we &lt;3 you."),
        ("See <https://988lifeline.org/>.", 'href="https://988lifeline.org/"'),
    ],
)
def test_what_only_looks_like_html_is_published_as_written(
    tmp_path: Path, body: str, expected: str
) -> None:
    assert expected in compiled(tmp_path, body)["html"]


# HTML comments: allowed, dropped


def test_html_comments_are_allowed_and_reach_no_reader(tmp_path: Path) -> None:
    body = (
        "<!-- TODO(editor): check the dose figures with Dr. Stone -->\n\n"
        "Ketamine works fast. <!-- source: the 2024 review -->It helps many.\n\n"
        "<!--\na note\nover lines\n-->\n\n"
        "## Aftercare\n\nRest. <!-- one --> <!-- two -->"
    )
    article_json = compiled(tmp_path, body)
    assert "<!--" not in article_json["html"] and "-->" not in article_json["html"]
    for secret in ("TODO", "editor", "source", "a note"):
        assert secret not in str(article_json)
    assert article_json["excerpt"].startswith("Ketamine works fast.")
    assert article_json["wordCount"] == 8  # the heading's word too
    assert [node["id"] for node in article_json["toc"]] == ["aftercare"]


@pytest.mark.parametrize("body", ["", "   \n\n", "<!-- to write -->"])
def test_an_article_with_no_text_is_an_error_unless_a_draft(tmp_path: Path, body: str) -> None:
    """It was published with an empty page."""
    error = refused(tmp_path, {"empty": article(body)})
    assert "empty.md: body: is empty: write the text below the front matter" in error
    assert load(tmp_path / "draft", {"empty": article(body, draft=True)}).sources


@pytest.mark.parametrize(
    ("body", "line"),
    [
        ("---\ntitle: Pasted twice\n---\n\nThe text.", 1),
        ("<!-- a note -->\n\n***\n\nThe text.", 3),
    ],
)
def test_text_that_starts_with_a_rule_is_an_error(tmp_path: Path, body: str, line: int) -> None:
    """Front matter pasted twice was published as a rule and a heading `title: Pasted twice`."""
    error = refused(tmp_path, {"twice": article(body)})
    rule = body.split("\n\n")[-2].split("\n")[0]  # the rule as written
    assert f"twice.md:{body_line(line)}: body: starts with a rule ({rule})" in error
    html = compiled(tmp_path / "later", "The text.\n\n---\n\nMore text.")["html"]
    assert "<hr" in html  # a rule between paragraphs is one


@pytest.mark.parametrize(
    "body",
    [
        "Intro.\n\n<!-- a --> In a crisis, call 988. <!-- b -->",
        "Intro.\n\n<!-- a --> In a crisis, call 988.",
        "Intro.\n\n<!-- a note\nover lines --> In a crisis, call 988.",
    ],
)
def test_text_beside_a_comment_is_an_error_not_dropped(tmp_path: Path, body: str) -> None:
    """An HTML block is its whole lines: the sentence between two comments was taken for
    part of one comment, and dropped from the page without a word."""
    error = refused(tmp_path, {"beside": article(body)})
    assert f"beside.md:{body_line(3)}: body: text beside an HTML comment" in error
    assert "(In a crisis, call 988.) would be dropped" in error  # the text, not the comment
    assert "give the comment a line of its own" in error
    # On a line of its own after the comment's, the sentence is a paragraph of its own.
    kept = compiled(tmp_path / "kept", "Intro.\n\n<!-- a -->\nIn a crisis, call 988.")
    assert "<p>In a crisis, call 988.</p>" in kept["html"]


def test_a_comment_beside_a_tag_is_still_raw_html(tmp_path: Path) -> None:
    error = refused(tmp_path, {"mixed": article("<!-- note --> <div>x</div>")})
    assert "mixed.md:8: body: raw HTML is not allowed" in error


# Calls to action


# Links in the text


@pytest.mark.parametrize(
    ("body", "line", "scheme"),
    [
        ("Call [us](javascript:alert(1)) today.", 1, "javascript"),
        ("Intro.\n\nOr [here](JavaScript:alert(1)).", 3, "javascript"),
        ("A list:\n\n- one\n- [two](vbscript:msgbox)", 4, "vbscript"),
        ("A [page](data:text/html,hello) of its own.", 1, "data"),
        ("The [form](file:///C:/forms/intake.pdf).", 1, "file"),
        ("An autolink: <javascript:alert(1)>.", 1, "javascript"),
        ("A paragraph\nthat runs on\nto [a link](ftp://files.example/a).", 3, "ftp"),
    ],
)
def test_a_link_with_a_scheme_the_site_drops_is_an_error_naming_the_line(
    tmp_path: Path, body: str, line: int, scheme: str
) -> None:
    """markdown-it left `javascript:` and `data:` links as text, `[us](javascript:...)`
    on the page; the sanitiser made any other scheme's link a link to nowhere."""
    error = refused(tmp_path, {"bad": article(body)})
    path = tmp_path / "content" / "articles" / "bad.md"
    assert f"{path}:{body_line(line)}: links: a link to {scheme}: is not allowed" in error


@pytest.mark.parametrize("href", ["https:javascript:alert(1)", "https:\\\\evil.example", "http:x"])
def test_an_http_link_without_a_host_is_an_error(tmp_path: Path, href: str) -> None:
    """The sanitiser dropped its href: a link to nowhere, published without a word."""
    error = refused(tmp_path, {"hostless": article(f"Go [there]({href}).")})
    assert f"hostless.md:{body_line(1)}: links: " in error and "names no host" in error


@pytest.mark.parametrize("href", ["//other.example/guide", "///articles/x", "//"])
def test_a_link_without_a_scheme_is_an_error(tmp_path: Path, href: str) -> None:
    """A browser fills in the page's scheme and reads what follows as a host: `///articles/x`
    was checked as this site's /articles/x, and leads to a host named `articles`."""
    error = refused(tmp_path, {"schemeless": article(f"Go [there]({href}).")})
    assert f"schemeless.md:{body_line(1)}: links: '{href}' leaves out the scheme" in error


@pytest.mark.parametrize("href", ["https://example.org:99999/", "https://example.org:abc/"])
def test_a_link_with_a_port_no_browser_can_use_is_an_error(tmp_path: Path, href: str) -> None:
    error = refused(tmp_path, {"ported": article(f"Go [there]({href}).")})
    assert f"ported.md:{body_line(1)}: links: '{href}' has a port no browser can use" in error


@pytest.mark.parametrize(
    "href",
    [
        "https://www.example.org/guide",
        "http://example.org/",
        "mailto:hello@clinic.example",
        "tel:+15035550100",
        "#a-section",
        "/request-appointment",
    ],
)
def test_a_link_a_reader_can_follow_is_published_as_a_link(tmp_path: Path, href: str) -> None:
    html = compiled(tmp_path, f"Read [this]({href}).\n\n## A section\n\nMore.")["html"]
    assert f'<a href="{href}"' in html


def test_a_bio_is_held_to_the_rules_of_an_article_body(tmp_path: Path) -> None:
    """A bio is Markdown on the provider's page: its links and HTML were not checked."""
    content = write_clinic(tmp_path / "content", {"the-article": article()})
    authors = content / "authors.yaml"
    bio = "See [my page](javascript:alert(1)) or <b>this</b>."
    authors.write_text(
        yaml.safe_dump({"dr-ada-stone": {"name": "Ada Stone", "credentials": "MD", "bio": bio}})
    )
    with pytest.raises(ContentError) as caught:
        load_content(content)
    error = str(caught.value)
    assert f"{authors}: dr-ada-stone.bio: a link to javascript: is not allowed" in error
    assert f"{authors}: dr-ada-stone.bio: raw HTML is not allowed (<b>)" in error
    authors.write_text(
        yaml.safe_dump(
            {
                "dr-ada-stone": {
                    "name": "A",
                    "credentials": "MD",
                    "bio": "[Ask](/request-appointment?service=x)",
                }
            }
        )
    )
    with pytest.raises(
        ContentError, match=r"dr-ada-stone\.bio: service 'x' is not one the form offers"
    ):
        load_content(content)


# YAML


def test_a_front_matter_key_written_twice_is_an_error_naming_its_second_line(
    tmp_path: Path,
) -> None:
    """PyYAML kept the last one without a word: the article went out with the second title."""
    text = article().replace("title: An article\n", "title: An article\ntitle: Another\n", 1)
    error = refused(tmp_path, {"twice": text})
    path = tmp_path / "content" / "articles" / "twice.md"
    assert f"{path}:3: front matter is not valid YAML: 'title' is written twice" in error


@pytest.mark.parametrize(
    ("keys", "twice"),
    [
        ("yes: 1\ntrue: 2\n", "'true'"),  # one key, True, as PyYAML reads both
        ("~: 1\nnull: 2\n", "'null'"),
        ("'1': 1\n1: 2\n", None),  # a string and a number: two keys
        ("a: 1\nA: 2\n", None),
    ],
)
def test_keys_are_the_same_when_yaml_reads_them_as_one(
    tmp_path: Path, keys: str, twice: str | None
) -> None:
    text = article().replace("author: dr-ada-stone\n", f"author: dr-ada-stone\n{keys}", 1)
    error = refused(tmp_path, {"keys": text})  # refused either way: none is a field
    assert (f"{twice} is written twice" in error) if twice else ("written twice" not in error)


@pytest.mark.parametrize(
    ("value", "tag"),
    [
        ("!!binary aGVsbG8=", "binary"),
        ("!!set {a, b}", "set"),
        ("!!timestamp 2026-01-05", "timestamp"),
    ],
)
def test_a_yaml_tag_is_an_error(tmp_path: Path, value: str, tag: str) -> None:
    text = article().replace("title: An article\n", f"title: {value}\n", 1)
    error = refused(tmp_path, {"tagged": text})
    assert f"tagged.md:2: front matter is not valid YAML: a YAML tag (!!{tag})" in error


def test_a_key_written_twice_in_site_yaml_is_an_error(tmp_path: Path) -> None:
    content = write_clinic(tmp_path / "content", {"the-article": article()})
    site = content / "site.yaml"
    site.write_text(site.read_text(encoding="utf-8") + "name: Another name\n", encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_content(content)
    assert f"{site}:" in str(caught.value)
    assert "'name' is written twice: keep one" in str(caught.value)


# Six anchors, each a list of nine of the one before.
LAUGHS = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"] + [
    f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 6)
]


@pytest.mark.parametrize(
    ("author", "more"),
    [
        # A valid article if the alias is taken as its value: one it would publish.
        ("&who dr-ada-stone", "reviewedBy: *who\nlastReviewed: 2026-01-05\n"),
        # A billion laughs: six lines that stand for 9**6 values.
        ("dr-ada-stone", "\n".join([*LAUGHS, "tags: *a5", ""])),
    ],
)
def test_an_alias_in_front_matter_is_an_error_of_one_line(
    tmp_path: Path, author: str, more: str
) -> None:
    text = article().replace("author: dr-ada-stone\n", f"author: {author}\n{more}", 1)
    error = refused(tmp_path, {"aliased": text})
    alias = next(at for at, line in enumerate(text.splitlines(), 1) if "*" in line)
    path = tmp_path / "content" / "articles" / "aliased.md"
    assert f"{path}:{alias}: front matter is not valid YAML: an anchor (&name) used again" in error
    assert len(error.splitlines()) == 1  # the one problem, none of the values spelled out


@pytest.mark.parametrize(
    "merged",
    ["<<: {author: sam-reed-np, title: Another}\n", "<<: [{author: sam-reed-np}, {title: X}]\n"],
)
def test_a_merge_key_is_an_error(tmp_path: Path, merged: str) -> None:
    """Its keys were taken silently where the file had none, and dropped where it had."""
    text = article().replace("author: dr-ada-stone\n", f"author: dr-ada-stone\n{merged}", 1)
    error = refused(tmp_path, {"merged": text})
    assert "merged.md:6: front matter is not valid YAML: a merge key (<<) is not allowed" in error


def test_an_anchor_merged_into_a_mapping_is_an_error(tmp_path: Path) -> None:
    cta = "cta: &book {label: Book, href: /request-appointment}\nalso:\n  <<: *book\n"
    text = article().replace("author: dr-ada-stone\n", f"author: dr-ada-stone\n{cta}", 1)
    assert "an anchor (&name) used again (*name)" in refused(tmp_path, {"merged": text})


BAD_HREFS = [
    "http://clinic.example/book",  # in clear
    "//evil.example/book",  # another host, from any page
    "/\\evil.example",
    "javascript:alert(1)",
    "request-appointment",  # under /articles/ on an article page
    "mailto:hello@clinic.example",
    "https://clinic.example@evil.example/",
    "https://",
    "/request appointment",
    "https://clinic.example:book/",  # no port a browser can use
    "https://clinic.example:65536/",
]


@pytest.mark.parametrize("href", BAD_HREFS)
def test_a_site_cta_off_the_site_or_in_clear_is_a_publish_error(tmp_path: Path, href: str) -> None:
    error = refused(tmp_path, {}, site={"cta": {"label": "Book", "href": href}})
    assert f"{tmp_path / 'content' / 'site.yaml'}: cta.href: must be a path on this site" in error


@pytest.mark.parametrize("href", BAD_HREFS)
def test_an_article_cta_off_the_site_or_in_clear_is_a_publish_error(
    tmp_path: Path, href: str
) -> None:
    text = article(cta={"label": "Book", "href": href})
    error = refused(tmp_path, {"the-article": text})
    path = tmp_path / "content" / "articles" / "the-article.md"
    assert f"{path}: cta.href: must be a path on this site" in error


@pytest.mark.parametrize(
    "href",
    [
        "/request-appointment",
        "/request-appointment?service=consultation",  # one of the small clinic's services
        "/",
        "https://booking.clinic.example/new?from=article#form",
        "https://booking.clinic.example:8443/new",
    ],
)
def test_a_site_path_or_an_https_url_is_a_good_cta(tmp_path: Path, href: str) -> None:
    cta = {"label": "Book", "href": href}
    site = compile_site(load(tmp_path, {"the-article": article(cta=cta)}, site={"cta": cta}))
    assert site.articles["the-article"]["cta"]["href"] == href
    assert site.site["cta"]["href"] == href


DIAL = "contact.phone is not a number the footer can dial in US (phoneRegion)"


@pytest.mark.parametrize(
    ("site", "said"),
    [
        ({"baseUrl": "https://user:secret@clinic.example"}, "baseUrl: the site's https://"),
        ({"baseUrl": "http://clinic.example"}, "baseUrl: the site's https://"),
        (
            {"contact": {"phone": "call us", "email": "x@clinic.example?subject=<b>"}},
            "contact.email is not an e-mail address; contact.phone is not a number the footer",
        ),
        # The footer dials digits and +: these would ring another number, or none.
        ({"contact": {"phone": "+1 503-555-0108 ext. 12", "email": "a@clinic.example"}}, DIAL),
        ({"contact": {"phone": "1-800-FLOWERS", "email": "a@clinic.example"}}, DIAL),
        ({"contact": {"phone": "020 7946 0958", "email": "a@clinic.example"}}, DIAL),
    ],
)
def test_the_sites_address_and_contacts_are_ones_a_reader_can_use(
    tmp_path: Path, site: dict[str, Any], said: str
) -> None:
    """They reached every page: the address in JSON-LD (with its password), the e-mail and
    phone in the footer's mailto: and tel: links."""
    assert f"site.yaml: {said}" in refused(tmp_path, {"the-article": article()}, site)


@pytest.mark.parametrize(
    "phone", ["+1 503-555-0108", "(503) 555-0108", "+44 20 7946 0958", "+1 503-555-0108;ext=12"]
)
def test_a_phone_the_footer_dials_as_written_is_good(tmp_path: Path, phone: str) -> None:
    contact = {"phone": phone, "email": "a@clinic.example"}
    assert load(tmp_path, {"the-article": article()}, {"contact": contact}).site.contact.phone


def test_the_documented_cta_pattern_agrees_with_the_check() -> None:
    import re

    from clinic_api.content.schemas import CTA_HREF_PATTERN, Link

    good = [
        "/request-appointment",
        "/",
        "https://x.example/a?b#c",
        "https://x.example:65535/",
        "https://x.example:/",
    ]
    for href in [*BAD_HREFS, *good]:
        try:
            Link(label="x", href=href)
            accepted = True
        except ValueError:
            accepted = False
        assert accepted == bool(re.fullmatch(CTA_HREF_PATTERN, href)), href


def test_clinic_check_names_the_articles_it_would_publish_for_later(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A `date:` in the future schedules an article as `publishAt:` does: said, in case it
    is a slip (far in the future here, so that the test keeps its meaning)."""
    import datetime as dt

    from clinic_tools.cli import main

    content = write_clinic(
        tmp_path / "content",
        {
            "now": article(),
            "later": article(date=dt.date(2099, 1, 5)),
            "timed": article(publishAt="2099-03-01T09:00:00Z"),
            "tokyo": article(publishAt="2099-03-01T12:00:00+09:00"),  # 03:00 UTC: first
        },
    )
    assert main(["check", "--content", str(content)]) == 0
    said = capsys.readouterr().out
    assert "ready to publish (4 articles, 3 of them scheduled, every link" in said
    assert (
        "  later: shown from 2099-01-05\n"
        "  tokyo: shown from 2099-03-01T03:00:00Z\n"  # in UTC, as published
        "  timed: shown from 2099-03-01T09:00:00Z\n"
    ) in said
