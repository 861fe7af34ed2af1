"""feed.xml: an Atom 1.0 feed (RFC 4287) of the published, due articles, newest first.

Every date is an RFC 3339 date-time (a bare date is midnight UTC); the feed's
`updated` is its newest entry's, never the time of the publish, so the same
articles always give the same bytes and an unchanged feed is not uploaded again.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from typing import Any

FEED_KEY = "feed.xml"
FEED_TYPE = "application/atom+xml; charset=utf-8"
ATOM_NS = "http://www.w3.org/2005/Atom"
EMPTY_FEED_UPDATED = "1970-01-01T00:00:00Z"  # a feed must say when it changed; it never has


def date_time(moment: str) -> str:
    """`2026-03-02` → `2026-03-02T00:00:00Z`; a date-time is left as it is."""
    return moment if "T" in moment else f"{moment}T00:00:00Z"


def build_feed(
    title: str,
    home: str,
    feed_url: str,
    articles: Sequence[dict[str, Any]],
    tag_labels: Mapping[str, str],
) -> bytes:
    """`home` and `feed_url` are absolute; `articles` are summaries whose `url` is absolute."""
    feed = ET.Element("feed", xmlns=ATOM_NS)
    ET.SubElement(feed, "id").text = home
    ET.SubElement(feed, "title").text = title
    updated = max((date_time(article["updatedAt"]) for article in articles), default=None)
    ET.SubElement(feed, "updated").text = updated or EMPTY_FEED_UPDATED
    _link(feed, "self", "application/atom+xml", feed_url)
    _link(feed, "alternate", "text/html", home)
    ET.SubElement(ET.SubElement(feed, "author"), "name").text = title
    for article in articles:
        _entry(feed, article, tag_labels)
    ET.indent(feed)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"


def _link(parent: ET.Element, rel: str, media_type: str, href: str) -> None:
    ET.SubElement(parent, "link", rel=rel, type=media_type, href=href)


def _entry(feed: ET.Element, article: dict[str, Any], tag_labels: Mapping[str, str]) -> None:
    entry = ET.SubElement(feed, "entry")
    ET.SubElement(entry, "id").text = article["url"]
    ET.SubElement(entry, "title").text = article["title"]
    _link(entry, "alternate", "text/html", article["url"])
    ET.SubElement(entry, "published").text = date_time(article["publishedAt"])
    ET.SubElement(entry, "updated").text = date_time(article["updatedAt"])
    ET.SubElement(ET.SubElement(entry, "author"), "name").text = article["author"]["name"]
    for tag in article["tags"]:
        ET.SubElement(entry, "category", term=tag, label=tag_labels.get(tag, tag))
    ET.SubElement(entry, "summary").text = article["description"]
