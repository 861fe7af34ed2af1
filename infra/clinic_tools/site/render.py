"""STAND-IN, replaced on merge by helper `site`'s render.py (same name, same signature).

It only copies site/ as it is and writes config.json, so that the upload, the
deploy and the local site server can be built and tested before the real
renderer (which also fills the request form from site.yaml) lands.
"""

from __future__ import annotations

import json
import mimetypes
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class RenderedFile:
    body: bytes
    content_type: str


def render_site(site_dir: Path, settings: dict[str, Any], api_base: str) -> dict[str, RenderedFile]:
    """Every file of the site by bucket key, and config.json naming the API."""
    files: dict[str, RenderedFile] = {}
    for path in sorted(site_dir.rglob("*")):
        relative = path.relative_to(site_dir)
        if path.is_file() and not any(part.startswith(".") for part in relative.parts):
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            if kind.startswith("text/") or kind in {"application/javascript", "application/json"}:
                kind += "; charset=utf-8"
            files[relative.as_posix()] = RenderedFile(path.read_bytes(), kind)
    config = json.dumps({"apiBase": api_base}).encode()
    files["config.json"] = RenderedFile(config, "application/json; charset=utf-8")
    return files
