"""Crawling: sources, the news spider, the raw archive. Knows HTTP and HTML, not SQL."""

from pathlib import Path

# The real municipal sources `shahrnameh run` crawls by default; package data, so that a
# normal install finds it (pass --sources for your own).
SOURCES = Path(__file__).resolve().parent / "sources.yaml"
