"""Sources to HTML: Jinja over Markdown, typography, the theme's layouts and colours."""
