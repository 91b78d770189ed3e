"""Alembic environment: always run by `shahrnameh.warehouse.db.connect`, on its connection.

There is no alembic.ini: `db.migration_config` builds the configuration in code and passes
the open connection in `config.attributes["connection"]`; offline (SQL script) mode reads
the URL from the `sqlalchemy.url` option instead.
"""

from alembic import context

from shahrnameh.warehouse.models import Base

if context.is_offline_mode():
    # `upgrade(config, "head", sql=True)` with sqlalchemy.url set: the DDL as text, e.g. for
    # a PostgreSQL administrator, or to check that the migrations stay portable.
    context.configure(url=context.config.get_main_option("sqlalchemy.url"), target_metadata=Base.metadata,
                      literal_binds=True)
else:
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
