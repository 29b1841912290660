"""HTML to PDF: the only WeasyPrint importer, the render stage and its worker pool."""
