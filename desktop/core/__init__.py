"""Qt-free domain logic: ownership analysis, checklist engine, importers and exporters."""
