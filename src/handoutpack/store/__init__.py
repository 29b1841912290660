"""build/: every path in it, atomic writes, staging and the cache."""
