"""ContentFunction: the clinic's settings, articles and search, read from S3.

The search engine itself is the `clinic_api.search` package, loaded on the first search.
Importing the package starts a cold start's prefetch (`cold_start`) before the handler's
imports.
"""

from clinic_api.content import cold_start as cold_start
