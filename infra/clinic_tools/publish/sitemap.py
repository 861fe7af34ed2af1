"""sitemap.xml (sitemaps.org protocol 0.9): the home page, every published, due article,
then the due pages, the team page and each provider's page.

Built with ElementTree, so every URL is escaped as XML needs; the same articles
always give the same bytes, so an unchanged sitemap is not uploaded again.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from typing import Any

SITEMAP_KEY = "sitemap.xml"
SITEMAP_TYPE = "application/xml; charset=utf-8"
SITEMAPS_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def build_sitemap(
    home: str, articles: Sequence[dict[str, Any]], others: Sequence[dict[str, Any]] = ()
) -> bytes:
    """`home` is the site's absolute URL ending in "/"; `articles` are summaries whose
    `url` is already absolute, newest first; `others` (pages, providers) have an absolute
    `url` and, when known, `updatedAt`."""
    urlset = ET.Element("urlset", xmlns=SITEMAPS_NS)
    ET.SubElement(ET.SubElement(urlset, "url"), "loc").text = home
    for document in (*articles, *others):
        url = ET.SubElement(urlset, "url")
        ET.SubElement(url, "loc").text = document["url"]
        if document.get("updatedAt"):  # a W3C date or date-time
            ET.SubElement(url, "lastmod").text = document["updatedAt"]
    ET.indent(urlset)
    return ET.tostring(urlset, encoding="utf-8", xml_declaration=True) + b"\n"
