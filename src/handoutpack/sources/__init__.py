"""The sources: Markdown documents, their languages and revisions, images and links."""
