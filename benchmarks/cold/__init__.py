"""`make bench`'s cold-start and warm-path benchmark, in small modules (run by ../cold_start.py)."""
