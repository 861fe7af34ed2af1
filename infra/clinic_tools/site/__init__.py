"""The clinic's static website: rendering `site/` with the settings, uploading and serving it."""
