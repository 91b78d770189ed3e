"""Alembic environment: always run by `shahrnameh.warehouse.db.connect`, on its connection.

There is no alembic.ini: `db.migration_config` builds the configuration in code and passes
the open connection in `config.attributes["connection"]`.
"""

from alembic import context

from shahrnameh.warehouse.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through shahrnameh.warehouse.db.connect(), which passes a connection")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    # SQLite cannot ALTER most things; batch mode recreates tables instead.
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
