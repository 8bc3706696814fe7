"""Vetta: due diligence of data vendors' neutrality."""

__version__ = "0.1.0"
