"""The warehouse: models, migrations, loading and queries. The only code that knows SQL."""
