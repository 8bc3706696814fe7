"""The `vetta` command line: a thin layer over desktop.services."""
