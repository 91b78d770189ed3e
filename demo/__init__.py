"""The demo: a local news site of real corpus pages (`site.py`) and the sources file that crawls it.

Installed as `shahrnameh.demo`, with its pages as package data (`demo/corpus` is a link to
the repository's corpus/, the pages' one copy; pyproject.toml picks the folders the site
serves), so `shahrnameh demo` works from a normal, non-editable install.
"""

from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus"
SOURCES = HERE / "sources.yaml"
