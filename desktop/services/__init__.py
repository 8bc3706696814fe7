"""Use cases: one function per user action, taking a session scope, returning plain data."""
