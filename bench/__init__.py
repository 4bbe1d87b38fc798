"""Benchmarks that print figures. Run with ``make bench``; never part of ``make test``."""
