# sqlean.py (benchmarks/search.py's engine) is the standard sqlite3 module compiled with
# SQLite extensions, and ships no type information: its API is sqlite3's.
from sqlite3 import *  # noqa: F403
from sqlite3 import sqlite_version as sqlite_version

from . import extensions as extensions
