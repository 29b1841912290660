"""The user interfaces: the command line, the preview and workbench, the starter project."""
