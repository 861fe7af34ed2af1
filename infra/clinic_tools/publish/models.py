"""What authors may write: site settings, people, article and page front matter, synonyms.

Validated with pydantic so that a typo names its file and field and stops the
publish before anything is uploaded.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Annotated, Literal, TypeVar

from pydantic import AfterValidator, Field, HttpUrl, field_validator, model_validator

from clinic_api.appointments.request import Broken, Site, email_address, phone_number
from clinic_api.content.schemas import Contract, Link, SiteBase, Slug, Tag, Text

__all__ = [
    "Author", "FrontMatter", "ImageSpec", "PageFrontMatter", "SiteSettings", "Synonyms",
]  # fmt: skip


def _aware(moment: dt.datetime | dt.date) -> dt.datetime | dt.date:
    if isinstance(moment, dt.datetime) and moment.tzinfo is None:
        raise ValueError("a date-time needs a time zone, e.g. 2027-03-01T09:00:00Z")
    return moment


Moment = Annotated[dt.datetime | dt.date, AfterValidator(_aware)]


class SiteSettings(SiteBase):
    """content/site.yaml: what site.json serves, plus settings only the publisher reads."""

    # Shown by GET /tags, not GET /site; a tag without one is humanised ("side-effects" →
    # "Side effects").
    tag_labels: dict[Tag, Annotated[Text, Field(max_length=60)]] = Field(
        default_factory=dict, alias="tagLabels"
    )

    @field_validator("base_url")
    @classmethod
    def _base_url_only(cls, url: HttpUrl | None) -> HttpUrl | None:
        # Every absolute URL (JSON-LD, sitemap, feed) is baseUrl + a path.
        if url is not None and (url.query or url.fragment):
            raise ValueError("the site's address alone: no ?query or #fragment")
        if url is not None and (url.scheme != "https" or url.username or url.password):
            raise ValueError("the site's https:// address, with no user or password in it")
        return url

    @model_validator(mode="after")
    def _reachable_contact(self) -> SiteSettings:
        """The footer links the clinic's e-mail and phone (mailto:, tel:): the address is
        checked as the form checks a patient's, and the phone must be the number the footer
        dials, which keeps its digits and `+` (and `;ext=`), nothing else."""
        site, faults = Site(None, self.phone_region), []
        try:
            email_address(self.contact.email, site)
        except Broken:
            faults.append("contact.email is not an e-mail address")
        phone = self.contact.phone
        dialed = ";ext=".join(re.sub(r"[^\d+]", "", part) for part in phone.split(";ext="))
        try:
            same = phone_number(phone, site) == phone_number(dialed, site)
        except Broken:
            same = False
        if not same:
            faults.append(
                f"contact.phone is not a number the footer can dial in {self.phone_region} "
                "(phoneRegion): write its digits, with +country if it is another's, and an "
                "extension as ;ext=12"
            )
        if faults:
            raise ValueError("; ".join(faults))
        return self


class ImageSpec(Contract):
    """A picture in content/images/, as front matter names it (`image:`, a provider's `photo:`)."""

    src: Annotated[Text, Field(max_length=200, description="Path under content/images/")]
    alt: Annotated[Text, Field(max_length=250)] | None = None
    decorative: bool = False

    @model_validator(mode="after")
    def _alt_unless_decorative(self) -> ImageSpec:
        if self.decorative and self.alt:
            raise ValueError("a decorative image has no alt text: remove alt or decorative")
        if not self.decorative and not self.alt:
            raise ValueError("alt: describe the picture, or mark it `decorative: true`")
        return self


# schema.org's MedicalSpecialty enumeration (https://schema.org/MedicalSpecialty).
MedicalSpecialty = Literal[
    "Anesthesia", "Cardiovascular", "CommunityHealth", "Dentistry", "Dermatology",
    "DietNutrition", "Emergency", "Endocrine", "Gastroenterologic", "Genetic", "Geriatric",
    "Gynecologic", "Hematologic", "Infectious", "LaboratoryScience", "Midwifery",
    "Musculoskeletal", "Neurologic", "Nursing", "Obstetric", "Oncologic", "Optometric",
    "Otolaryngologic", "Pathology", "Pediatric", "PharmacySpecialty", "Physiotherapy",
    "PlasticSurgery", "Podiatric", "PrimaryCare", "Psychiatric", "PublicHealth", "Pulmonary",
    "Radiography", "Renal", "RespiratoryTherapy", "Rheumatologic", "SpeechPathology",
    "Surgical", "Toxicologic", "Urologic",
]  # fmt: skip


class Author(Contract):
    """One of the clinic's people in authors.yaml: an article's author or reviewer, and a
    provider on the team page. Only name, credentials and bio are required (the first
    authors.yaml had nothing else)."""

    name: Text
    credentials: Annotated[Text, Field(max_length=120)]
    bio: Annotated[Text, Field(description="Markdown: paragraphs, emphasis, links")]
    role: Annotated[Text, Field(max_length=80)] | None = None
    specialties: tuple[Annotated[Text, Field(max_length=80)], ...] = Field((), max_length=12)
    photo: ImageSpec | None = None
    sees_patients: bool = Field(False, alias="seesPatients")
    # Ids of site.yaml's services; the loader checks them against it, naming the file.
    services: tuple[Slug, ...] = Field((), max_length=20)
    # schema.org's MedicalSpecialty of a physician, for their page's JSON-LD.
    medical_specialty: MedicalSpecialty | None = Field(None, alias="medicalSpecialty")


Listed = TypeVar("Listed", bound=Sequence[str])


def _once_each(items: Listed) -> Listed:
    """A tag or a synonym listed twice is a slip (a tag was published twice, as written)."""
    twice = [item for at, item in enumerate(items) if item in items[:at]]
    if twice:
        raise ValueError(f"{twice[0]!r} is named twice")
    return items


class CommonFrontMatter(Contract):
    """What an article's and a page's front matter both start with: title, dates and
    whether (and when) it is published."""

    title: Annotated[Text, Field(max_length=150)]
    slug: Slug | None = None
    description: Annotated[Text, Field(max_length=300)]
    date: dt.date
    updated: dt.date | None = None
    publish_at: Moment | None = Field(None, alias="publishAt")
    draft: bool = False

    @model_validator(mode="after")
    def _dates_in_order(self) -> CommonFrontMatter:
        if self.updated and self.updated < self.date:
            raise ValueError("updated is before date")
        return self


class PageFrontMatter(CommonFrontMatter):
    """The YAML block at the top of a page (content/pages/*.md): an article's rules, less
    what only an article has (author, tags, related), plus its place in the navigation."""

    # The navigation's order, lower first; a page without `nav` is published but not in it.
    nav: Annotated[int, Field(ge=0, le=1000)] | None = None
    nav_title: Annotated[Text, Field(max_length=40)] | None = Field(None, alias="navTitle")
    image: ImageSpec | None = None


class FrontMatter(CommonFrontMatter):
    """The YAML block at the top of an article."""

    author: Slug
    reviewed_by: Slug | None = Field(None, alias="reviewedBy")
    last_reviewed: dt.date | None = Field(None, alias="lastReviewed")
    tags: Annotated[tuple[Tag, ...], Field(max_length=10), AfterValidator(_once_each)] = ()
    cta: Link | None = None
    related: Annotated[list[Slug], Field(max_length=3)] | None = None
    image: ImageSpec | None = None  # the feature picture: page top, og:image, JSON-LD

    @model_validator(mode="after")
    def _review_is_dated(self) -> FrontMatter:
        if self.reviewed_by and not self.last_reviewed:
            raise ValueError("reviewedBy needs lastReviewed: when was it reviewed?")
        if self.last_reviewed and not self.reviewed_by:  # "Medically reviewed" by no one
            raise ValueError("lastReviewed needs reviewedBy: who reviewed it?")
        return self


def _expression(text: str) -> str:
    if not re.fullmatch(r"[a-z0-9]+(?: [a-z0-9]+){0,3}", text):
        raise ValueError(
            f"{text!r}: write one to four lowercase words (letters and digits), one space apart"
        )
    return text


Expression = Annotated[str, AfterValidator(_expression)]
SynonymGroup = Annotated[
    list[Expression], Field(min_length=2, max_length=12), AfterValidator(_once_each)
]


class Synonyms(Contract):
    """content/synonyms.yaml: groups of words and phrases that a search treats as one."""

    groups: list[SynonymGroup]
