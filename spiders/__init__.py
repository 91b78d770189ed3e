"""Crawling: sources, the news spider, the raw archive. Knows HTTP and HTML, not SQL."""
