"""PDF work on rendered files: pages, colour and print files."""
