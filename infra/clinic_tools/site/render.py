"""`site/` as the site bucket holds it: the pages with the clinic's settings written in.

The site has no build step. Rendering only puts the shared partials into its HTML
pages (``{{> header}}`` is site/partials/header.html, written once for every page)
and fills the markers (``{{name}}``, ``{{serviceOptions}}``, ... see `MARKERS`) with
HTML-escaped values from the clinic's settings (site.yaml, as ``GET /site`` serves
it), so that the request form is complete and posts to the API without JavaScript,
and adds ``config.json`` with the API's base URL for the scripts (and where the
staff inbox signs in, when the stack has a staff user pool). Deploy and
``clinic dev`` upload and serve exactly what `render_site` returns.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from clinic_api.core.keys import is_slug, page_url

DEFAULT_SEARCH_PROMPT = "What would you like to find?"
DEFAULT_CTA = {"label": "Request an appointment", "href": "/request-appointment"}
CONFIG_KEY = "config.json"
ROBOTS_KEY = "robots.txt"

MARKERS = (
    "name",  # the clinic's name
    "searchPrompt",  # label and placeholder of the search box
    "ctaLabel",  # "Request an appointment"
    "ctaHref",  # where the call to action goes
    "phone",  # the clinic's phone number, as written
    "phoneHref",  # tel:+15035550142
    "contact",  # phone, e-mail, address and hours as <p> lines
    "emergencyNotice",
    "consentText",
    "serviceOptions",  # the services as <option>s
    "providerOptions",  # the providers who see patients as <option>s
    "navPages",  # the navigation's pages as <li>s (site.json's `pages`)
    "formAction",  # {apiBase}/appointments
)
_MARKER = re.compile(r"\{\{([A-Za-z][A-Za-z0-9]*)\}\}")
# Shared pieces of the pages; put in by `{{> header}}`, never uploaded themselves.
PARTIALS_DIR = "partials"
# `{{> header articles}}`: the partial, and which of its `data-nav` links is this page.
_PARTIAL = re.compile(r"\{\{>\s*([a-z][a-z0-9-]*)(?:\s+([a-z][a-z0-9-]*))?\s*\}\}")
_NAV = re.compile(r' data-nav="([a-z][a-z0-9-]*)"')

_TYPES = {
    ".html": "text/html",
    ".css": "text/css",
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".json": "application/json",
    ".txt": "text/plain",
    ".xml": "application/xml",
    ".svg": "image/svg+xml",
    ".webmanifest": "application/manifest+json",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".pdf": "application/pdf",  # a form to print, linked from an article (docs/content.md)
}
_TEXT_TYPES = frozenset(
    {"application/json", "application/xml", "image/svg+xml", "application/manifest+json"}
)


@dataclass(frozen=True)
class RenderedFile:
    body: bytes
    content_type: str


@dataclass(frozen=True)
class StaffSignIn:
    """Where the inbox page signs staff in: Cognito's JSON API and the pool's public client."""

    cognito_endpoint: str  # https://cognito-idp.{region}.amazonaws.com/ (locally: moto's)
    client_id: str
    region: str

    @classmethod
    def for_pool(cls, pool_id: str, client_id: str) -> StaffSignIn:
        """Deployed: the region is the pool id's prefix ("us-east-1_AbC")."""
        region = pool_id.split("_", 1)[0]
        return cls(f"https://cognito-idp.{region}.amazonaws.com/", client_id, region)

    def config(self) -> dict[str, str]:
        return {
            "cognitoEndpoint": self.cognito_endpoint,
            "clientId": self.client_id,
            "region": self.region,
        }


class SiteSettingsError(ValueError):
    """The settings lack what a page needs, or a page names a marker nobody fills."""


def render_site(
    site_dir: Path,
    settings: Mapping[str, Any],
    api_base: str,
    staff: StaffSignIn | None = None,
) -> dict[str, RenderedFile]:
    """Every file under `site_dir` by bucket key ("index.html", "assets/js/app.js", ...),
    the pages' markers filled, plus config.json (and robots.txt when the site has none).
    Without `staff` the inbox page says that sign-in is not set up."""
    values = marker_values(settings, api_base)
    partials = read_partials(site_dir / PARTIALS_DIR)
    files: dict[str, RenderedFile] = {}
    for key, path in site_sources(site_dir).items():
        body = path.read_bytes()
        if path.suffix == ".html":
            page = put_partials(body.decode("utf-8"), partials, key)
            body = fill_markers(page, values, key).encode("utf-8")
        files[key] = RenderedFile(body, content_type(key))
    document: dict[str, Any] = {"apiBase": api_base}
    if staff is not None:
        document["staff"] = staff.config()
    config = json.dumps(document, indent=2) + "\n"
    files[CONFIG_KEY] = RenderedFile(config.encode("utf-8"), content_type(CONFIG_KEY))
    base_url = str(settings.get("baseUrl") or "").rstrip("/")
    if ROBOTS_KEY not in files and base_url:  # rendered_keys says the same
        robots = f"User-agent: *\nAllow: /\n\nSitemap: {base_url}/sitemap.xml\n"
        files[ROBOTS_KEY] = RenderedFile(robots.encode("utf-8"), content_type(ROBOTS_KEY))
    return files


def site_sources(site_dir: Path) -> dict[str, Path]:
    """The files under `site_dir` the bucket gets, by key (no partials, nothing hidden)."""
    sources: dict[str, Path] = {}
    for path in sorted(site_dir.rglob("*")):
        key = path.relative_to(site_dir).as_posix()
        parts = PurePosixPath(key).parts
        if (
            path.is_file()
            and parts[0] != PARTIALS_DIR
            and not any(p.startswith(".") for p in parts)
        ):
            sources[key] = path
    return sources


def rendered_keys(site_dir: Path, base_url: str | None) -> set[str]:
    """The keys `render_site` returns for a site whose settings have this `baseUrl`,
    without reading or rendering a file."""
    keys = set(site_sources(site_dir)) | {CONFIG_KEY}
    return keys | {ROBOTS_KEY} if base_url else keys


def content_type(key: str) -> str:
    """From the file's extension; text types say charset=utf-8."""
    kind = _TYPES.get(PurePosixPath(key).suffix.lower(), "application/octet-stream")
    if kind.startswith("text/") or kind in _TEXT_TYPES:
        return f"{kind}; charset=utf-8"
    return kind


def read_partials(folder: Path) -> dict[str, str]:
    """site/partials/*.html by name ("header"); none when the folder is missing."""
    if not folder.is_dir():
        return {}
    return {
        path.stem: path.read_text(encoding="utf-8").rstrip("\n")
        for path in sorted(folder.glob("*.html"))
    }


def put_partials(page: str, partials: Mapping[str, str], key: str = "page") -> str:
    """Each `{{> name}}` replaced by its partial; `{{> name current}}` also marks the
    partial's link with `data-nav="current"` as this page (aria-current="page")."""

    def replace(match: re.Match[str]) -> str:
        name, current = match.group(1), match.group(2)
        if name not in partials:
            raise SiteSettingsError(f"{key}: no partial {name!r} in {PARTIALS_DIR}/")
        text = partials[name]
        if current is not None and f' data-nav="{current}"' not in text:
            raise SiteSettingsError(f"{key}: the partial {name!r} has no link {current!r}")
        return _NAV.sub(lambda nav: ' aria-current="page"' if nav.group(1) == current else "", text)

    return _PARTIAL.sub(replace, page)


def fill_markers(page: str, values: Mapping[str, str], key: str = "page") -> str:
    unknown = sorted({name for name in _MARKER.findall(page) if name not in values})
    if unknown:
        raise SiteSettingsError(f"{key}: no value for the marker(s) {', '.join(unknown)}")
    return _MARKER.sub(lambda match: values[match.group(1)], page)


def marker_values(settings: Mapping[str, Any], api_base: str) -> dict[str, str]:
    """Each marker's HTML: escaped text, or markup built from escaped text."""
    _require(settings)
    contact: Mapping[str, Any] = settings["contact"]
    phone = str(contact["phone"])
    cta = {**DEFAULT_CTA, **(settings.get("cta") or {})}
    escape = html.escape
    return {
        "name": escape(str(settings["name"])),
        "searchPrompt": escape(str(settings.get("searchPrompt") or DEFAULT_SEARCH_PROMPT)),
        "ctaLabel": escape(str(cta["label"])),
        "ctaHref": escape(safe_href(cta["href"], DEFAULT_CTA["href"])),
        "phone": escape(phone),
        "phoneHref": escape(tel_href(phone)),
        "contact": contact_html(contact),
        "emergencyNotice": escape(str(settings["emergencyNotice"])),
        "consentText": escape(str(settings["consentText"])),
        "serviceOptions": service_options(settings["services"]),
        "providerOptions": provider_options(settings.get("providers") or []),
        "navPages": nav_pages(settings.get("pages") or []),
        "formAction": escape(form_action(api_base)),
    }


def _require(settings: Mapping[str, Any]) -> None:
    missing = [
        key
        for key in ("name", "emergencyNotice", "consentText", "services")
        if not settings.get(key)
    ]
    if not (settings.get("contact") or {}).get("phone"):
        missing.append("contact.phone")
    if missing:
        raise SiteSettingsError(f"the site settings lack {', '.join(missing)}")


def form_action(api_base: str) -> str:
    """Where the form posts: "http://127.0.0.1:3000/appointments" or "/api/appointments"."""
    return f"{api_base.rstrip('/')}/appointments"


def tel_href(phone: str) -> str:
    return "tel:" + re.sub(r"[^\d+]", "", phone)


def safe_href(href: object, fallback: str) -> str:
    """A local path or an http(s) URL; anything else (javascript:, //host) is the fallback."""
    value = str(href or "")
    if value.startswith("/") and not value.startswith("//"):
        return value
    return value if re.match(r"https?://", value, re.IGNORECASE) else fallback


def contact_html(contact: Mapping[str, Any]) -> str:
    escape = html.escape
    lines = []
    if phone := contact.get("phone"):
        lines.append(f'Phone: <a href="{escape(tel_href(str(phone)))}">{escape(str(phone))}</a>')
    if email := contact.get("email"):
        lines.append(f'E-mail: <a href="mailto:{escape(str(email))}">{escape(str(email))}</a>')
    if address := contact.get("address"):
        lines.append(escape(str(address)))
    if hours := contact.get("hours"):
        lines.append(f"Hours: {escape(str(hours))}")
    return "".join(f"<p>{line}</p>" for line in lines)


def service_options(services: list[Mapping[str, Any]]) -> str:
    return "\n".join(
        f'          <option value="{html.escape(str(service["id"]))}">'
        f"{html.escape(str(service['label']))}</option>"
        for service in services
    )


def provider_options(providers: list[Mapping[str, Any]]) -> str:
    """ "Nadia Brandt, MD, psychiatrist" per provider (layout.js writes the same)."""
    lines = []
    for provider in providers:
        label = ", ".join(
            str(part) for part in (provider["name"], provider.get("credentials")) if part
        )
        slug = html.escape(str(provider["slug"]))
        lines.append(f'          <option value="{slug}">{html.escape(label)}</option>')
    return "\n".join(lines)


def nav_pages(pages: list[Mapping[str, Any]]) -> str:
    """The header's page links, in site.json's order; layout.js marks the one shown."""
    lines = []
    for page in pages:
        slug = str(page.get("slug", ""))
        if is_slug(slug):
            link = f'<a href="{page_url(slug)}">{html.escape(str(page["title"]))}</a>'
            lines.append(f'        <li data-page="{slug}">{link}</li>')
    return "\n".join(lines)
