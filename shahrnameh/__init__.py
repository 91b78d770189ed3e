"""Shahrnameh: Persian municipal news → a warehouse of programme facts.

The code lives in the repository's top-level folders `nlp/`, `spiders/`, `warehouse/` and
`flows/`, installed as `shahrnameh.nlp`, `shahrnameh.spiders`, `shahrnameh.warehouse` and
`shahrnameh.flows` (see pyproject.toml).
"""

__version__ = "0.1.0"
