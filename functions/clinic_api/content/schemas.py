"""The ContentFunction's answers as pydantic models: the API contract.

Not imported by the handler (pydantic stays off the cold path): `clinic
openapi` turns them into the document's schemas, the publisher validates
site.yaml with `Site`, and the tests check real responses against them.
"""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    HttpUrl,
    StringConstraints,
    model_validator,
)

from clinic_api.content import examples
from clinic_api.core.keys import TAG_MAX_LENGTH, TAG_PATTERN
from clinic_api.core.schemas import Slug, titled

Tag = Annotated[
    str, StringConstraints(pattern=f"^{TAG_PATTERN.pattern}$", max_length=TAG_MAX_LENGTH)
]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class Contract(BaseModel):
    # Unknown keys are mistakes, whether in site.yaml or in an answer.
    model_config = titled(ConfigDict(extra="forbid", frozen=True, populate_by_name=True))


# A port, if any, is 0-65535 or empty (what urlsplit reads; a browser refuses the rest).
_PORT = "(6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[0-9]{1,4})"
CTA_HREF_PATTERN = rf"^(/([^/\\\s][^\\\s]*)?|https://[^/?#@:\\\s]+(:{_PORT}?)?([/?#][^\\\s]*)?)$"


def _site_path_or_https(href: str) -> str:
    """`/request-appointment?service=tms` or `https://...`: a browser can follow it nowhere else.

    Not `//host` or `/\\host` (another host), `http:` (in clear), `javascript:`,
    `mailto:` or a relative `request-appointment` (which an article page would
    resolve under /articles/).
    """
    if href.startswith("/") and not href.startswith(("//", "/\\")):
        ok = True
    else:
        try:
            parts = urlsplit(href)
            # No user@ before the host: https://clinic.example@elsewhere.example is elsewhere.
            ok = parts.scheme == "https" and bool(parts.hostname) and "@" not in parts.netloc
            ok = ok and (parts.port or 0) >= 0  # a port that is no number 0-65535 raises
        except ValueError:
            ok = False
    if not ok or any(char.isspace() or char == "\\" for char in href):
        raise ValueError("must be a path on this site (/request-appointment) or an https:// URL")
    return href


class Link(Contract):
    label: Annotated[Text, Field(max_length=60)]
    href: Annotated[
        Text,
        Field(
            max_length=300,
            description="A path on the site or an https URL",
            # Documents _site_path_or_https, whose message authors read instead of a regex.
            json_schema_extra={"pattern": CTA_HREF_PATTERN},
        ),
        AfterValidator(_site_path_or_https),
    ]


class Contact(Contract):
    phone: Text
    email: Text
    address: Text | None = None
    hours: Text | None = None


def _time_zone(name: str) -> str:
    """An IANA time zone this machine's zoneinfo knows (America/Los_Angeles, Europe/London)."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError("must be an IANA time zone such as America/Los_Angeles") from None
    return name


TimeZone = Annotated[
    str, StringConstraints(min_length=1, max_length=64), AfterValidator(_time_zone)
]


class Service(Contract):
    id: Slug
    label: Annotated[Text, Field(max_length=80)]


class SiteBase(Contract):
    """What content/site.yaml and site.json share: the clinic's own settings."""

    name: Text
    base_url: HttpUrl | None = Field(None, alias="baseUrl")
    contact: Contact
    phone_region: Annotated[str, StringConstraints(pattern="^[A-Z]{2}$")] = Field(
        alias="phoneRegion"
    )
    time_zone: TimeZone = Field(
        "UTC",
        alias="timeZone",
        description="The clinic's IANA time zone: staff see request times in it",
    )
    cta: Link
    services: Annotated[list[Service], Field(min_length=1)]
    consent_version: Text = Field(alias="consentVersion")
    consent_text: Text = Field(alias="consentText")
    emergency_notice: Text = Field(alias="emergencyNotice")
    search_prompt: Annotated[Text, Field(max_length=100)] = Field(
        "What would you like to find?",
        alias="searchPrompt",
        description="The search box's label and placeholder",
    )

    @model_validator(mode="after")
    def _unique_services(self) -> SiteBase:
        ids = [service.id for service in self.services]
        if len(ids) != len(set(ids)):
            raise ValueError("two services share an id")
        return self


class PageLink(Contract):
    """A page in the site's navigation."""

    model_config = ConfigDict(title="Page link")

    slug: Slug
    title: str
    url: str = Field(description="`/pages/{slug}`")


class ProviderChoice(Contract):
    """A provider a visitor may ask for by name on the request form."""

    slug: Slug
    name: str
    credentials: str


class Site(SiteBase):
    """site.json as served: content/site.yaml without what only the publisher reads, plus
    what `clinic publish` derives from pages/ and authors.yaml."""

    model_config = ConfigDict(
        title="Site settings", json_schema_extra={"examples": [examples.SITE]}
    )

    # Defaults: a site.json published before pages and providers existed still reads.
    pages: list[PageLink] = Field(
        default_factory=list,
        description="The navigation: published pages that are due, in the authors' `nav` order",
    )
    providers: list[ProviderChoice] = Field(
        default_factory=list,
        description="Providers who see patients: the request form's `provider` choices",
    )


class ImageSource(Contract):
    """One format's resized copies, for a `<source>` or the `<img>` itself."""

    type: str = Field(description="Media type of these copies", examples=["image/webp"])
    srcset: str = Field(
        description="Each copy's URL and width", examples=["/media/3f9c0a1b-480.webp 480w"]
    )


class Image(Contract):
    """A published picture: resized copies under /media/, named by their content's hash."""

    url: str = Field(description="The largest copy in the original format, cached for a year")
    width: int = Field(ge=1, description="Of `url`; every copy has this aspect ratio")
    height: int = Field(ge=1)
    alt: str = Field(description='Empty ("") only when the author marked it decorative')
    sources: list[ImageSource] = Field(description="WebP first, then the original format")


class Health(Contract):
    model_config = ConfigDict(json_schema_extra={"examples": [examples.HEALTH]})

    status: Literal["ok"]


class Person(Contract):
    """An author or reviewer as an article summary names them."""

    slug: Slug
    name: str
    credentials: str
    url: str = Field(description="Their provider page: `/providers/{slug}`")


class PersonWithBio(Person):
    """An author or reviewer on the article itself: their bio beside their credentials."""

    bio: str = Field(description="Plain text, one paragraph")


class ArticleSummary(Contract):
    slug: Slug
    url: str
    title: str
    description: str
    excerpt: str
    author: Person
    published_at: str = Field(alias="publishedAt", description="ISO 8601 date or date-time")
    updated_at: str = Field(alias="updatedAt")
    tags: list[str]
    reading_time_minutes: int = Field(alias="readingTimeMinutes", ge=1)


class ArticlePage(Contract):
    model_config = ConfigDict(
        title="Page of articles", json_schema_extra={"examples": [examples.ARTICLE_PAGE]}
    )

    items: list[ArticleSummary]
    next_cursor: str | None = Field(alias="nextCursor")
    total: int = Field(ge=0)


class TagCount(Contract):
    model_config = ConfigDict(title="Tag")

    tag: Tag = Field(description="As in `tags` of an article and `tag=` of a list or search")
    label: str = Field(
        description="What the site calls it: site.yaml's `tagLabels`, else humanised"
    )
    count: int = Field(ge=1, description="Published articles with this tag")


class TagList(Contract):
    model_config = ConfigDict(title="Tags", json_schema_extra={"examples": [examples.TAG_LIST]})

    items: list[TagCount] = Field(description="Most used first, then by tag")


class TocNode(Contract):
    model_config = ConfigDict(title="Table of contents entry")

    id: str
    title: str
    level: Literal[2, 3]
    children: list[TocNode] | None = None


class RelatedLink(Contract):
    model_config = ConfigDict(title="Related article")

    slug: Slug
    title: str
    url: str


class Article(ArticleSummary):
    model_config = ConfigDict(json_schema_extra={"examples": [examples.ARTICLE]})

    # Narrower than the summary's Person; safe, the models are frozen.
    author: PersonWithBio  # pyright: ignore[reportIncompatibleVariableOverride]
    word_count: int = Field(alias="wordCount")
    html: str = Field(description="Sanitised HTML; h2..h6 carry ids")
    toc: list[TocNode]
    cta: Link
    related: list[RelatedLink]
    reviewed_by: PersonWithBio | None = Field(alias="reviewedBy")
    last_reviewed: str | None = Field(alias="lastReviewed")
    json_ld: dict[str, object] = Field(alias="jsonLd", description="schema.org MedicalWebPage")
    image: Image | None = Field(
        None, description="The feature picture, shown above the text (og:image, JSON-LD image)"
    )


class SearchSection(Contract):
    model_config = ConfigDict(title="Section")

    id: str = Field(description="The heading's id in the article's `html` and `toc`: link `#id`")
    title: str
    parent: str | None = Field(
        None, description="On an H3, the H2 above it: two sections may share a heading"
    )


class SearchHit(Contract):
    kind: Literal["article", "page"] = Field(description="What `slug` and `url` name")
    slug: Slug
    title: str = Field(description="The article's or page's title")
    url: str = Field(description="`/articles/{slug}` or `/pages/{slug}`")
    section: SearchSection | None = Field(description="null when the hit is the article's intro")
    snippet: str = Field(description="A passage around the match, HTML-escaped, matches in <mark>")
    text: str = Field(description="The same passage as plain text")
    matches: list[tuple[int, int]] = Field(
        description="[start, end) of each match in `text`, in code points"
    )
    heading_matches: list[tuple[int, int]] = Field(
        default_factory=list,
        alias="headingMatches",
        description="[start, end) of each match in the heading the hit shows (`section.title`, "
        "or `title` for an intro), in code points: a hit found by its heading alone has none "
        "in `text`",
    )
    score: float = Field(description="Higher is better")


class SearchResults(Contract):
    model_config = ConfigDict(
        title="Search results", json_schema_extra={"examples": [examples.SEARCH_RESULTS]}
    )

    query: str = Field(description="`q` as asked")
    items: list[SearchHit]
    total: int = Field(
        ge=0, description="Hits in all, beyond `limit` (with `distinct=article`: articles)"
    )
    did_you_mean: str | None = Field(
        alias="didYouMean", description="The corrected query when the best hits needed one"
    )
    left_out: list[str] = Field(
        alias="leftOut",
        description="The words of `q` the hits were found without, once each, as the search "
        "reads them: when no section of an article or page holds every word, the question's "
        "small words (`is`, `can`, `i`, `my`, ...) are left out; a word that tells what is "
        "asked never is. Empty when every word counted",
    )
    next_cursor: str | None = Field(
        alias="nextCursor",
        description="Pass as `cursor` (same `q`, `tag`, `distinct`) for the next hits; null "
        "at the end (pages reach 1,000 hits deep)",
    )


class Page(Contract):
    """One of the clinic's pages (About, Services, Contact): content/pages/{slug}.md."""

    model_config = ConfigDict(json_schema_extra={"examples": [examples.PAGE]})

    slug: Slug
    url: str = Field(description="`/pages/{slug}`")
    title: str
    description: str
    published_at: str = Field(alias="publishedAt", description="ISO 8601 date or date-time")
    updated_at: str = Field(alias="updatedAt")
    html: str = Field(description="Sanitised HTML; h2..h6 carry ids")
    toc: list[TocNode]
    image: Image | None = Field(None, description="The feature image, when the page has one")
    json_ld: dict[str, object] = Field(alias="jsonLd", description="schema.org WebPage")


class ProviderSummary(Contract):
    """A member of the clinic's team as the team page lists them."""

    model_config = ConfigDict(title="Provider summary")

    slug: Slug
    url: str = Field(description="`/providers/{slug}`")
    name: str
    credentials: str
    role: str | None = Field(description='What they do here: "Medical director"')
    specialties: list[str]
    photo: Image | None = None
    sees_patients: bool = Field(
        alias="seesPatients", description="`true`: the request form may name them"
    )


class ProviderList(Contract):
    model_config = ConfigDict(
        title="Providers", json_schema_extra={"examples": [examples.PROVIDER_LIST]}
    )

    items: list[ProviderSummary] = Field(description="In authors.yaml's order")


class Provider(ProviderSummary):
    """A provider's page: bio, the services they offer, the articles they wrote or reviewed."""

    model_config = ConfigDict(title="Provider", json_schema_extra={"examples": [examples.PROVIDER]})

    bio: str = Field(description="Plain text, one paragraph")
    bio_html: str = Field(alias="bioHtml", description="The bio's Markdown as sanitised HTML")
    services: list[Service] = Field(description="Of `GET /site`'s `services`")
    articles: list[RelatedLink] = Field(
        description="Published articles they wrote or reviewed, newest first"
    )
    json_ld: dict[str, object] = Field(
        alias="jsonLd", description="schema.org Physician, or Person with medicalSpecialty"
    )


class OpenApiDocument(BaseModel):
    """An OpenAPI 3.1 document (this one)."""

    model_config = titled(ConfigDict(extra="allow", title="OpenAPI document"))

    openapi: str
    info: dict[str, object]
    paths: dict[str, object]
