"""Every test runs with its own data home and Prefect home: nothing touches ~/."""

import os
import tempfile
from pathlib import Path

import pytest

# Before anything imports prefect: a throwaway Prefect home, no telemetry.
_PREFECT_HOME = tempfile.mkdtemp(prefix="shahrnameh-prefect-")
os.environ["PREFECT_HOME"] = _PREFECT_HOME
os.environ["DO_NOT_TRACK"] = "1"
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"] = "180"
os.environ.pop("SHAHRNAMEH_DB", None)
# A developer's Prefect server or cluster is not the tests' (tests/test_cluster.py starts its own).
os.environ.pop("PREFECT_API_URL", None)
os.environ.pop("SHAHRNAMEH_CLUSTER", None)
# One hazm word-list cache for the whole session (nlp/lexicon.py), outside ~/.
os.environ.setdefault("SHAHRNAMEH_CACHE", tempfile.mkdtemp(prefix="shahrnameh-cache-"))

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "corpus"
GOLD = REPO / "gold"
# A PostgreSQL URL (scripts/services/postgres.sh starts a throwaway cluster and sets it).
POSTGRES = os.environ.get("SHAHRNAMEH_TEST_POSTGRES")


def postgres_schema():
    """A warehouse URL of its own on the test PostgreSQL server: a new schema, dropped afterwards."""
    from shahrnameh.warehouse.db import throwaway_schema

    return throwaway_schema(POSTGRES, "test")


@pytest.fixture(autouse=True)
def _data_home(tmp_path, monkeypatch):
    monkeypatch.setenv("SHAHRNAMEH_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("SHAHRNAMEH_DB", raising=False)
