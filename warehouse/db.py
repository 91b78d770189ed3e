"""Opening the warehouse: one engine per URL per process, migrated to the newest schema."""

from __future__ import annotations

import os
import re
import threading
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.util import CommandError
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

from shahrnameh import filelock

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
READ_ONLY = "shahrnameh_read_only"  # execution option: this connection only reads
# The dialects whose upserts, read-only transactions and migration locks load/queries/db know.
SUPPORTED_DIALECTS = ("sqlite", "postgresql")
_BACKGROUND_LINK = re.compile(r"\s*\(Background on this error at: [^)]*\)")

_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()


class WarehouseError(Exception):
    """The warehouse cannot be opened or was asked something it refuses to do."""


class NoWarehouse(WarehouseError):
    """A command that only reads was pointed at a place with no warehouse in it."""


def _home() -> Path:
    return Path(os.environ.get("SHAHRNAMEH_HOME") or Path.home() / ".local" / "share" / "shahrnameh")


def default_url() -> str:
    """$SHAHRNAMEH_DB, else a SQLite file in $SHAHRNAMEH_HOME (~/.local/share/shahrnameh).
    Creates nothing: `connect` makes the home folder when it creates the warehouse there."""
    if os.environ.get("SHAHRNAMEH_DB"):
        return os.environ["SHAHRNAMEH_DB"]
    return f"sqlite:///{_home()}/warehouse.sqlite"


def connect(url: str | None = None) -> Engine:
    """An engine on the warehouse at `url` (default: `default_url()`), its schema at the newest
    revision: a warehouse is created there if there is none (for commands that load)."""
    url = url or default_url()
    if url == f"sqlite:///{_home()}/warehouse.sqlite":
        _home().mkdir(parents=True, exist_ok=True)
    with _engines_lock:
        if url in _engines and not _file_still_there(_engines[url]):
            # The SQLite file was removed under us: a new one must be created and migrated.
            _engines.pop(url).dispose()
        if url not in _engines:
            engine = _open(url)
            try:
                _upgrade(engine)
            except (SQLAlchemyError, CommandError) as error:
                engine.dispose()
                raise WarehouseError(f"cannot open warehouse {_shown(url)}: {first_line(error)}") from error
            _engines[url] = engine
        return _engines[url]


def connect_existing(url: str | None = None) -> Engine:
    """`connect` for commands that only read: a URL with no warehouse behind it (a typo in
    --db, a forgotten $SHAHRNAMEH_HOME) raises NoWarehouse and creates nothing, neither file
    nor folder nor table, where `connect` would create an empty warehouse that answers 0."""
    url = url or default_url()
    with _engines_lock:
        known = url in _engines and _file_still_there(_engines[url])
    if not known:
        _require_warehouse(url)
    return connect(url)


def _require_warehouse(url: str) -> None:
    engine = _open(url)  # no connection yet: creates nothing
    try:
        if engine.dialect.name == "sqlite" and not engine.url.query.get("uri"):
            path = Path(engine.url.database)
            if not path.is_file():
                raise NoWarehouse(f"no warehouse at {path.absolute()}")
            probe = create_engine(f"sqlite:///{path.resolve().as_uri()}?mode=ro&uri=true")
            where = str(path)
        else:
            probe, where = engine, _shown(url)
        try:
            with probe.connect() as connection:
                if not inspect(connection).has_table("alembic_version"):
                    raise NoWarehouse(f"no warehouse at {where}: it has no alembic_version table, "
                                      "so it is not a Shahrnameh warehouse")
        except SQLAlchemyError as error:
            raise WarehouseError(f"cannot open warehouse {where}: {first_line(error)}") from error
        finally:
            probe.dispose()
    finally:
        engine.dispose()


def disconnect(url: str | None = None) -> None:
    """Close and forget this process' engine on `url` (default: `default_url()`), if it has one:
    the next `connect()` opens the warehouse as a new process would, checking its revision."""
    with _engines_lock:
        engine = _engines.pop(url or default_url(), None)
    if engine is not None:
        engine.dispose()


@contextmanager
def throwaway_schema(server_url: str, prefix: str) -> Iterator[str]:
    """A warehouse URL in a new, empty schema of the PostgreSQL server at `server_url`,
    dropped with everything in it afterwards (tests and benchmarks: one server, many
    independent warehouses). The schema is the connection's search_path."""
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server_url)
    try:
        with admin.begin() as connection:
            connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
        try:
            yield f"{server_url}{'&' if '?' in server_url else '?'}options=-csearch_path%3D{schema}"
        finally:
            with admin.begin() as connection:
                connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
    finally:
        admin.dispose()


_run_locks = filelock.ReentrantHolds()  # warehouse URL → the connection holding PostgreSQL's lock
# One advisory lock per warehouse: the schema is part of its key (tests keep many in one database).
_ADVISORY_KEY = "hashtextextended('shahrnameh-run:' || current_schema(), 0)"


@contextmanager
def run_lock(engine: Engine) -> Iterator[None]:
    """Held by a run that writes the warehouse (the nightly run, reparse): a second one refuses
    at once with WarehouseError rather than writing beside it. SQLite: a flock on
    `<file>.run-lock`; PostgreSQL: a session advisory lock. Both are let go of by the
    operating system or the server when the holder dies, even by SIGKILL. Re-entrant
    within one process."""
    if engine.dialect.name == "sqlite":
        with ExitStack() as held:
            try:
                held.enter_context(filelock.exclusive(Path(f"{engine.url.database}.run-lock")))
            except filelock.LockBusy as busy:
                raise WarehouseError(f"another run is using the warehouse {_shown(str(engine.url))} ({busy}): "
                                     "wait for it to finish") from None
            yield
        return

    def acquire() -> Connection:
        connection = engine.connect()
        try:
            got = connection.exec_driver_sql(f"SELECT pg_try_advisory_lock({_ADVISORY_KEY})").scalar()
            connection.commit()
        except SQLAlchemyError as error:
            connection.close()
            raise WarehouseError(f"locking the warehouse for this run: {first_line(error)}") from error
        if not got:
            connection.close()
            raise WarehouseError(f"another run is using the warehouse {_shown(str(engine.url))} (another "
                                 "session holds its lock): wait for it to finish")
        return connection

    def release(connection: Connection) -> None:
        try:
            connection.exec_driver_sql(f"SELECT pg_advisory_unlock({_ADVISORY_KEY})")
            connection.commit()
        finally:
            connection.close()

    with _run_locks.hold(str(engine.url), acquire, release):
        yield


def migration_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def _open(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except ArgumentError as error:
        raise WarehouseError(f"cannot open warehouse {url}: not a database URL") from error
    try:
        engine = create_engine(parsed)
    except NoSuchModuleError as error:
        raise WarehouseError(
            f"cannot open warehouse {_shown(url)}: unknown database type '{parsed.drivername}'"
        ) from error
    except ImportError as error:
        raise WarehouseError(
            f"cannot open warehouse {_shown(url)}: its database driver is not installed ({error})"
        ) from error
    except ArgumentError as error:
        raise WarehouseError(f"cannot open warehouse {_shown(url)}: {first_line(error)}") from error
    if engine.dialect.name not in SUPPORTED_DIALECTS:
        engine.dispose()
        raise WarehouseError(f"cannot open warehouse {_shown(url)}: the warehouse runs on "
                             f"{' or '.join(SUPPORTED_DIALECTS)}, not {engine.dialect.name}")
    if engine.dialect.name == "sqlite":
        if engine.url.database in (None, "", ":memory:"):
            engine.dispose()
            # Each pooled connection (one per thread) would be a different, empty database.
            raise WarehouseError(f"cannot open warehouse {url}: an in-memory SQLite database is not "
                                 "shared between connections; give a file, sqlite:///path/warehouse.sqlite")
        _configure_sqlite(engine)
    return engine


def _file_still_there(engine: Engine) -> bool:
    if engine.dialect.name != "sqlite" or engine.url.query.get("uri"):
        return True  # a server, or a SQLite URI filename this check cannot read
    return Path(engine.url.database).exists()


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Transactions are begun by the "begin" hook below, not by the sqlite3 module.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        # First: the switch to WAL waits for a lock too, and a second run opening a warehouse the
        # first is still creating got «database is locked» after sqlite3's 5 s default, not the
        # run lock's «another run is using the warehouse».
        cursor.execute("PRAGMA busy_timeout = 30000")
        cursor.execute("PRAGMA journal_mode = WAL")
        # In WAL mode NORMAL syncs at checkpoints, not at every commit: a killed process loses
        # nothing committed, an OS crash or power cut may lose the last transactions (never
        # consistency), and loading is idempotent, so the next run loads them again.
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        # 64 MiB of page cache (the default is 2 MiB): loading updates seven indexes of facts,
        # and each page not in the cache is a read from the file.
        cursor.execute("PRAGMA cache_size = -65536")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        # A writer takes the write lock at BEGIN: two loaders then wait on busy_timeout
        # instead of one failing at once when both try to upgrade a read lock.
        read_only = connection.get_execution_options().get(READ_ONLY)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def _upgrade(engine: Engine) -> None:
    config = migration_config()
    heads = set(ScriptDirectory.from_config(config).get_heads())
    with engine.connect().execution_options(**{READ_ONLY: True}) as connection:
        current = set(MigrationContext.configure(connection).get_current_heads())
    if current == heads:
        return
    with engine.begin() as connection:
        # Two processes opening a new warehouse at once: the second waits, then finds it at head.
        # (SQLite: the BEGIN IMMEDIATE of this transaction already serialises them.)
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql("SELECT pg_advisory_xact_lock(7311)")
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def _shown(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def first_line(error: BaseException) -> str:
    """The database's own message, one line, without SQLAlchemy's statement dump or link."""
    text = str(getattr(error, "orig", None) or error).strip()
    line = _BACKGROUND_LINK.sub("", text.splitlines()[0]) if text else ""
    return line or type(error).__name__


def read_only_sqlite(path: Path) -> Engine:
    """An engine that can only read the SQLite warehouse file at `path` (`mode=ro`: SQLite itself
    refuses writes and never creates the file), for a server that shows the warehouse; it does not
    migrate, so open the file once with `connect()` first."""
    import sqlite3

    from sqlalchemy.pool import NullPool

    uri = f"{Path(path).resolve().as_uri()}?mode=ro"
    return create_engine("sqlite://", creator=lambda: sqlite3.connect(uri, uri=True, check_same_thread=False),
                         poolclass=NullPool)
