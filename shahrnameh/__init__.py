"""Shahrnameh: Persian municipal news → a warehouse of programme facts.

The code lives in the repository's top-level folders `spiders/`, `nlp/`, `warehouse/` (the
layers), `ingest/` (the core), `flows/` (its adapters) and `demo/`, installed as
`shahrnameh.spiders`, `shahrnameh.nlp` and so on (see pyproject.toml and README's Layout).
"""

__version__ = "0.1.0"
