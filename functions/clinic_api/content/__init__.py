"""ContentFunction: the clinic's settings, articles and search, read from S3.

The search engine itself is the `clinic_api.search` package, loaded on the first search.
"""
