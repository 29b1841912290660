"""The project: handoutpack.toml read into a validated Project, its schema, paper, presenter."""
