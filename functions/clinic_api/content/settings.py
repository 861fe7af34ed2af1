"""What the ContentFunction is configured with: its environment, read once per container."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from clinic_api.core.settings import Environment, PublishedContent


@dataclass(frozen=True)
class ContentSettings:
    content: PublishedContent  # CONTENT_BUCKET, CACHE_TTL_SECONDS

    @classmethod
    def read(cls, env: Environment) -> ContentSettings:
        return cls(content=PublishedContent.read(env))


@cache
def content_settings() -> ContentSettings:
    return ContentSettings.read(Environment())
