"""Translation files: PO export and import, alignment of existing translations, staleness per
paragraph, the review PDF."""
