"""What ContentFunction's first request will need, fetched from the start of its import.

Every request reads the edge secret and index.json (an article, the list, the tags,
search): at Lambda's on-demand initialisation both are read in the background
(`core.prefetch`) from the moment the package is imported, while the handler's own
imports load (Powertools' resolver, the routes), and the first invocation waits for
them. This module loads nothing of the resolver, so that it can start first.
"""

from __future__ import annotations

from clinic_api.content.store import article_store
from clinic_api.core.edge_secret import edge_secret
from clinic_api.core.prefetch import Warmup

warmup = Warmup(edge_secret, lambda: article_store().warm())
