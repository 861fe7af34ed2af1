"""ContentFunction: the clinic's settings, articles and (later) search, read from S3."""
