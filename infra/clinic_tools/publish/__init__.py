"""Markdown in `content/` → article JSON in the content bucket."""
