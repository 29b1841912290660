"""Turn Markdown documents into branded PDF handout packs."""
