"""authors.yaml → the clinic's people: as articles name them, and as provider documents.

Everyone in authors.yaml is a provider with a page (`/providers/{slug}`); those
who see patients are also the request form's `provider` choices, published in
site.json, where the AppointmentsFunction reads them.
"""

from __future__ import annotations

import re
from typing import Any

from markdown_it import MarkdownIt

from clinic_api.core.keys import article_url, provider_url
from clinic_tools.publish.loader import Content, Source
from clinic_tools.publish.markdown import plain_paragraphs, render_html
from clinic_tools.publish.models import Author
from clinic_tools.publish.pictures import Pictures
from clinic_tools.publish.published import absolute_url

# A physician's degree, as a word of the credentials: "MD, psychiatrist", "DO".
_PHYSICIAN = re.compile(r"\b(?:MD|DO)\b")


def plain_bio(md: MarkdownIt, author: Author) -> str:
    """The bio's Markdown as one plain paragraph (what an article's byline card shows)."""
    return " ".join(" ".join(plain_paragraphs(md.parse(author.bio))).split())


def person(key: str, author: Author, md: MarkdownIt) -> dict[str, str]:
    """An author or reviewer as the article shows them: linked to their page, bio as text."""
    return {
        "slug": key,
        "name": author.name,
        "credentials": author.credentials,
        "url": provider_url(key),
        "bio": plain_bio(md, author),
    }


def is_physician(author: Author) -> bool:
    return _PHYSICIAN.search(author.credentials) is not None


def provider_choices(content: Content) -> list[dict[str, str]]:
    """site.json's `providers`: who a visitor may ask for, in authors.yaml's order."""
    return [
        {"slug": key, "name": author.name, "credentials": author.credentials}
        for key, author in content.authors.items()
        if author.sees_patients
    ]


def compile_providers(
    content: Content, sources: list[Source], md: MarkdownIt, pictures: Pictures
) -> dict[str, dict[str, Any]]:
    """slug → provider, in authors.yaml's order; `sources` are the published articles,
    newest first (scheduled ones too: the function hides them until due)."""
    return {
        key: _provider(key, author, content, sources, md, pictures)
        for key, author in content.authors.items()
    }


_SUMMARY_FIELDS = (
    "slug", "url", "name", "credentials", "role", "specialties", "photo", "seesPatients",
)  # fmt: skip


def provider_summary(provider: dict[str, Any]) -> dict[str, Any]:
    return {field: provider[field] for field in _SUMMARY_FIELDS}


def _provider(
    key: str,
    author: Author,
    content: Content,
    sources: list[Source],
    md: MarkdownIt,
    pictures: Pictures,
) -> dict[str, Any]:
    labels = {service.id: service.label for service in content.site.services}
    provider = {
        "slug": key,
        "url": provider_url(key),
        "name": author.name,
        "credentials": author.credentials,
        "role": author.role,
        "specialties": list(author.specialties),
        "photo": pictures(author.photo),
        "seesPatients": author.sees_patients,
        "bio": plain_bio(md, author),
        "bioHtml": render_html(md, md.parse(author.bio)),
        "services": [{"id": sid, "label": labels[sid]} for sid in author.services],
        "articles": [
            {"slug": source.slug, "title": source.front.title, "url": article_url(source.slug)}
            for source in sources
            if key in (source.front.author, source.front.reviewed_by)
        ],
    }
    provider["jsonLd"] = _json_ld(provider, author, content)
    return provider


def _json_ld(provider: dict[str, Any], author: Author, content: Content) -> dict[str, Any]:
    """schema.org Physician for a physician who sees patients, else Person; `memberOf` (a
    property of both) the clinic. `medicalSpecialty` is a Physician's, not a Person's."""
    site = content.site
    physician = author.sees_patients and is_physician(author)
    document: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Physician" if physician else "Person",
        "name": author.name,
        "honorificSuffix": author.credentials,
        "url": absolute_url(site, provider["url"]),
        "description": provider["bio"],
    }
    if author.role:
        document["jobTitle"] = author.role
    if author.specialties:
        document["knowsAbout"] = list(author.specialties)
    if physician and author.medical_specialty:
        document["medicalSpecialty"] = author.medical_specialty
    clinic = {"@type": "MedicalClinic", "name": site.name} | (
        {"url": str(site.base_url)} if site.base_url else {}
    )
    document["memberOf"] = clinic
    if provider["photo"]:
        document["image"] = absolute_url(site, provider["photo"]["url"])
    return document
