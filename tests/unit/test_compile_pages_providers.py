"""The compiler's pages (content/pages/*.md) and providers (authors.yaml): what is published,
what the navigation and the request form get, and the errors an author reads."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from clinic_api.content.schemas import Page, Provider, ProviderSummary, Site
from clinic_tools.publish.compile import CompiledSite, compile_site
from clinic_tools.publish.loader import ContentError, load_content
from tests.conftest import CONTENT
from tests.fixture_content import (
    ABOUT,
    ANXIETY,
    DRAFT,
    NURSE_PRACTITIONER,
    PHYSICIAN,
    REVIEWER,
    SCHEDULED,
    SEEING_PATIENTS,
)
from tests.pictures import drawing, photo
from tests.unit.small_clinic import AUTHORS, article, page, write_clinic

BASE_URL = "https://www.fernhill-mood.example"


@pytest.fixture(scope="module")
def sample() -> CompiledSite:
    return compile_site(load_content(CONTENT))


def clinic(
    tmp_path: Path,
    pages: dict[str, str] | None = None,
    authors: dict[str, Any] | None = None,
    articles: dict[str, str] | None = None,
) -> Path:
    root = write_clinic(tmp_path / "content", articles or {"an-article": article()})
    if pages is not None:
        (root / "pages").mkdir()
        for name, text in pages.items():
            (root / "pages" / f"{name}.md").write_text(text, encoding="utf-8")
    if authors is not None:
        (root / "authors.yaml").write_text(yaml.safe_dump(authors), encoding="utf-8")
    return root


def problems(root: Path) -> list[str]:
    with pytest.raises(ContentError) as raised:
        load_content(root)
    return [str(problem) for problem in raised.value.problems]


# Pages


def test_a_page_is_compiled_like_an_article(sample: CompiledSite) -> None:
    about = Page.model_validate(sample.pages[ABOUT])
    assert about.url == "/pages/about"
    assert about.title == "About the Fernhill Mood Clinic"
    assert about.published_at == about.updated_at == "2026-02-01"
    assert '<h2 id="getting-here">Getting here</h2>' in about.html
    assert '<h3 id="parking">Parking</h3>' in about.html
    assert [(node.id, [child.id for child in node.children or []]) for node in about.toc] == [
        ("getting-here", ["parking"]),
        ("our-team", []),
    ]
    assert about.image is None  # no `image:`; see clinic_tools.publish.pictures


def test_the_about_page_is_an_about_page_in_json_ld(sample: CompiledSite) -> None:
    json_ld = sample.pages[ABOUT]["jsonLd"]
    assert json_ld["@type"] == "AboutPage"
    assert json_ld["url"] == f"{BASE_URL}/pages/about"
    assert json_ld["publisher"]["name"] == "Fernhill Mood Clinic"


def test_site_json_lists_the_navigation_in_nav_order_with_its_titles(tmp_path: Path) -> None:
    compiled = compile_site(
        load_content(
            clinic(
                tmp_path,
                {
                    "contact": page(title="Contact us", nav=3),
                    "about": page(title="About the clinic", nav=1, navTitle="About"),
                    "services": page(title="Services", nav=2),
                    "fees": page(title="Fees"),  # published, not in the navigation
                    "careers": page(title="Careers", nav=4, draft=True),
                },
            )
        )
    )
    assert [(item["slug"], item["title"]) for item in compiled.site["pages"]] == [
        ("about", "About"),
        ("services", "Services"),
        ("contact", "Contact us"),
    ]
    assert compiled.site["pages"][0]["url"] == "/pages/about"
    assert sorted(compiled.pages) == ["about", "contact", "fees", "services"]  # no draft
    assert compiled.pages["contact"]["jsonLd"]["@type"] == "ContactPage"
    assert compiled.pages["fees"]["jsonLd"]["@type"] == "WebPage"
    Site.model_validate(compiled.site)


def test_a_scheduled_page_is_published_with_its_time(tmp_path: Path) -> None:
    root = clinic(tmp_path, {"soon": page(publishAt="2027-01-04T08:00:00-08:00", nav=1)})
    compiled = compile_site(load_content(root))
    assert compiled.pages["soon"]["publishedAt"] == "2027-01-04T16:00:00Z"
    assert compiled.index["pages"] == [{"slug": "soon", "publishedAt": "2027-01-04T16:00:00Z"}]


def test_a_site_without_a_pages_folder_has_no_pages(tmp_path: Path) -> None:
    compiled = compile_site(load_content(clinic(tmp_path)))
    assert compiled.pages == {} and compiled.site["pages"] == [] and compiled.index["pages"] == []


@pytest.mark.parametrize(
    ("text", "field", "message"),
    [
        (page(title=None), "title", "is required"),
        (page(description=None), "description", "is required"),
        (page(author="dr-ada-stone"), "author", "is not a field here"),
        (page(nav=-1), "nav", "greater than or equal to 0"),
        (page(updated=dt.date(2025, 1, 1)), "", "updated is before date"),
        (page(image={"src": "about.png"}), "image", "alt: describe the picture"),
        (page(body="# A second title"), "body", "use ## for sections"),
        (page(body="<div>raw</div>"), "body", "raw HTML is not allowed"),
    ],
)
def test_a_bad_page_names_its_file_and_field(
    tmp_path: Path, text: str, field: str, message: str
) -> None:
    found = problems(clinic(tmp_path, {"about": text}))
    assert any(
        line.startswith(str(tmp_path / "content" / "pages" / "about.md"))
        and f": {field}" in line
        and message in line
        for line in found
    ), found


def test_a_page_may_not_share_a_slug_with_an_article(tmp_path: Path) -> None:
    found = problems(clinic(tmp_path, {"an-article": page()}))
    assert found == [
        f"{tmp_path}/content/pages/an-article.md: slug: 'an-article' is also an article's slug"
    ]


# Providers


def test_every_author_is_a_provider_in_authors_yaml_order(sample: CompiledSite) -> None:
    assert list(sample.providers) == [PHYSICIAN, REVIEWER, NURSE_PRACTITIONER]
    summaries = [ProviderSummary.model_validate(item) for item in sample.index["providers"]]
    assert [summary.slug for summary in summaries] == list(sample.providers)
    assert [summary.sees_patients for summary in summaries] == [True, False, True]


def test_a_provider_has_role_specialties_services_and_a_markdown_bio(
    sample: CompiledSite,
) -> None:
    nurse = Provider.model_validate(sample.providers[NURSE_PRACTITIONER])
    assert nurse.url == f"/providers/{NURSE_PRACTITIONER}"
    assert nurse.role == "Nurse practitioner"
    assert nurse.specialties == ["Medication follow-up"]
    assert [(service.id, service.label) for service in nurse.services] == [
        ("medication-management", "Medication follow-up"),
        ("tms-consultation", "TMS consultation"),
    ]
    assert "<em>secondary-school biology</em>" in nurse.bio_html
    assert nurse.bio.endswith("Before nursing school he taught secondary-school biology.")
    assert nurse.photo is None


def test_the_first_authors_yaml_keys_alone_still_make_a_provider(sample: CompiledSite) -> None:
    reviewer = Provider.model_validate(sample.providers[REVIEWER])
    assert (reviewer.role, reviewer.specialties, reviewer.services) == (None, [], [])
    assert reviewer.sees_patients is False


def test_a_providers_articles_are_those_they_wrote_or_reviewed_newest_first(
    sample: CompiledSite,
) -> None:
    def people(slug: str) -> set[str]:
        article = sample.articles[slug]
        return {article["author"]["slug"], (article["reviewedBy"] or {}).get("slug", "")}

    theirs = [link["slug"] for link in sample.providers[REVIEWER]["articles"]]
    assert theirs == [slug for slug in sample.articles if REVIEWER in people(slug)]
    assert any(sample.articles[slug]["author"]["slug"] != REVIEWER for slug in theirs)  # reviewed
    written = [link["slug"] for link in sample.providers[PHYSICIAN]["articles"]]
    assert ANXIETY in written and SCHEDULED in written  # the function hides it until due
    assert DRAFT not in str(sample.providers)
    order = [sample.articles[slug]["publishedAt"] for slug in written]
    assert order == sorted(order, reverse=True)


def test_an_article_links_its_author_and_reviewer_to_their_pages(sample: CompiledSite) -> None:
    anxiety = sample.articles[ANXIETY]
    assert anxiety["author"]["url"] == f"/providers/{PHYSICIAN}"
    assert anxiety["reviewedBy"]["url"] == f"/providers/{REVIEWER}"
    assert anxiety["jsonLd"]["author"]["url"] == f"{BASE_URL}/providers/{PHYSICIAN}"
    (summary,) = [item for item in sample.index["articles"] if item["slug"] == ANXIETY]
    assert summary["author"]["url"] == f"/providers/{PHYSICIAN}"


def test_site_json_names_the_providers_a_request_may_ask_for(sample: CompiledSite) -> None:
    assert sample.site["providers"] == [
        {
            "slug": PHYSICIAN,
            "name": "Nadia Brandt",
            "credentials": "MD, psychiatrist, Medical Director",
        },
        {
            "slug": NURSE_PRACTITIONER,
            "name": "Jonah Reyes",
            "credentials": "PMHNP-BC, psychiatric nurse practitioner",
        },
    ]
    assert tuple(item["slug"] for item in sample.site["providers"]) == SEEING_PATIENTS


# JSON-LD: Physician for an MD or DO who sees patients, Person for everyone else


def test_a_physician_who_sees_patients_is_a_physician_with_a_medical_specialty(
    sample: CompiledSite,
) -> None:
    json_ld = sample.providers[PHYSICIAN]["jsonLd"]
    assert json_ld["@type"] == "Physician"
    assert json_ld["medicalSpecialty"] == "Psychiatric"
    assert json_ld["url"] == f"{BASE_URL}/providers/{PHYSICIAN}"
    assert json_ld["jobTitle"] == "Medical director"
    assert json_ld["knowsAbout"] == ["Treatment-resistant depression", "Interventional psychiatry"]
    assert json_ld["memberOf"] == {
        "@type": "MedicalClinic",
        "name": "Fernhill Mood Clinic",
        "url": f"{BASE_URL}/",
    }


def test_a_nurse_practitioner_and_a_physician_seeing_no_patients_are_persons(
    sample: CompiledSite,
) -> None:
    for slug in (NURSE_PRACTITIONER, REVIEWER):
        json_ld = sample.providers[slug]["jsonLd"]
        assert json_ld["@type"] == "Person", slug
        assert "medicalSpecialty" not in json_ld  # a Physician's property, not a Person's


def test_a_do_is_a_physician_too(tmp_path: Path) -> None:
    authors = {**AUTHORS, "dr-kai-moss": {"name": "Kai Moss", "credentials": "DO", "bio": "Hi.",
                                          "seesPatients": True}}  # fmt: skip
    compiled = compile_site(load_content(clinic(tmp_path, authors=authors)))
    assert compiled.providers["dr-kai-moss"]["jsonLd"]["@type"] == "Physician"
    # "MD" inside a word is no degree: "PMHNP-BC, MDiv" would not count either way.
    assert compiled.providers["sam-reed-np"]["jsonLd"]["@type"] == "Person"


# Errors in authors.yaml name the file and the field


def test_a_service_not_in_site_yaml_is_an_error_naming_file_and_field(tmp_path: Path) -> None:
    authors = {
        **AUTHORS,
        "sam-reed-np": {**AUTHORS["sam-reed-np"], "services": ["consultation", "surgery"]},
    }
    root = clinic(tmp_path, authors=authors)
    assert problems(root) == [
        f"{root}/authors.yaml: sam-reed-np.services.1: 'surgery' is not a service in site.yaml "
        "(known: consultation)"
    ]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"seesPatients": "often"}, "sam-reed-np.seesPatients"),
        ({"photo": {"src": "sam.jpg"}}, "sam-reed-np.photo"),
        ({"medicalSpecialty": "Psychiatry"}, "sam-reed-np.medicalSpecialty"),
        ({"specialties": "TMS"}, "sam-reed-np.specialties"),
        ({"nickname": "Sam"}, "sam-reed-np.nickname"),
    ],
)
def test_a_bad_provider_field_is_named(tmp_path: Path, change: dict[str, Any], field: str) -> None:
    authors = {**AUTHORS, "sam-reed-np": {**AUTHORS["sam-reed-np"], **change}}
    found = problems(clinic(tmp_path, authors=authors))
    assert any(f"authors.yaml: {field}" in line for line in found), found


def test_a_photo_and_a_page_image_go_through_the_image_pipeline(tmp_path: Path) -> None:
    """Pictures drawn here: each ImageSpec in, an `Image` document out, kept for media/."""
    authors = {
        **AUTHORS,
        "sam-reed-np": {**AUTHORS["sam-reed-np"], "photo": {"src": "sam.jpg", "alt": "Sam Reed"}},
    }
    body = "Our door.\n\n![The clinic's front door](images/door.png)"
    about = page(body, image={"src": "door.png", "decorative": True})
    root = clinic(tmp_path, {"about": about}, authors)
    photo(root / "images" / "sam.jpg", 800, 1000)
    drawing(root / "images" / "door.png", 1200, 600)
    compiled = compile_site(load_content(root))
    sam, door = compiled.pictures["sam.jpg"], compiled.pictures["door.png"]
    assert set(compiled.pictures) == {"sam.jpg", "door.png"}  # what goes to media/
    provider = compiled.providers["sam-reed-np"]
    assert provider["photo"] == sam.image("Sam Reed")
    assert provider["photo"]["url"] == f"/media/{sam.digest}-800.jpg"
    assert compiled.pages["about"]["image"] == door.image("")  # decorative
    assert f'<img src="/media/{door.digest}-1200.png"' in compiled.pages["about"]["html"]
    assert provider["jsonLd"]["image"] == f"https://clinic.example/media/{sam.digest}-800.jpg"
    assert compiled.pages["about"]["jsonLd"]["image"] == (
        f"https://clinic.example/media/{door.digest}-1200.png"
    )
    Provider.model_validate(provider)
    Page.model_validate(compiled.pages["about"])


def test_a_missing_photo_is_named_by_person(tmp_path: Path) -> None:
    authors = {
        **AUTHORS,
        "sam-reed-np": {**AUTHORS["sam-reed-np"], "photo": {"src": "sam.jpg", "alt": "Sam Reed"}},
    }
    found = problems(clinic(tmp_path, authors=authors))
    assert any(
        "authors.yaml: sam-reed-np.photo.src: content/images/sam.jpg does not exist" in line
        for line in found
    ), found


def test_a_picture_in_a_bio_is_checked_like_an_articles(tmp_path: Path) -> None:
    bio = "Sam sees adults.\n\n![](images/sam.jpg)"
    authors = {**AUTHORS, "sam-reed-np": {**AUTHORS["sam-reed-np"], "bio": bio}}
    root = clinic(tmp_path, authors=authors)
    photo(root / "images" / "sam.jpg", 300, 200)
    (found,) = problems(root)
    assert found.startswith(f"{root}/authors.yaml: sam-reed-np.bio: images/sam.jpg: alt text")
