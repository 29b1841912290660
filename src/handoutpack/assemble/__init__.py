"""PDFs into packs, decks on paper, and what a print shop gets."""
