"""Site search: the engine ContentFunction's `/search` loads on first use, and the
schema of the index that `clinic publish` builds."""
