"""Handing the packs on: the download page, thumbnails and bundles."""
