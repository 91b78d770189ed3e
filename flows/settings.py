"""Where things live by default, and the crawl policy for the local demo site."""

from __future__ import annotations

import os
from pathlib import Path

from shahrnameh.demo import SOURCES as DEMO_SOURCES
from shahrnameh.spiders import SOURCES as DEFAULT_SOURCES

# The demo site is ours and on loopback: no need to be slow with it.
DEMO_CRAWL_SETTINGS = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
}

# The demo prefers this port (else any free one): the same URLs make a second demo add nothing.
DEMO_PORT = int(os.environ.get("SHAHRNAMEH_DEMO_PORT", "8719"))

# Sources crawled at once by the nightly flow (its task runner's threads). A crawl in process
# is a thread waiting on the shared reactor, not a core, and each source is another site,
# so their polite delays overlap: a night is as long as its slowest source, not their sum.
SOURCES_AT_ONCE = 8

# How often a run marks itself alive (runs.last_seen_at): a killed run's row then says, to
# within this, when it stopped.
HEARTBEAT_S = 30.0

NIGHTLY_CRON = "0 2 * * *"
NIGHTLY_TIMEZONE = "Asia/Tehran"


def data_home() -> Path:
    """$SHAHRNAMEH_HOME, else ~/.local/share/shahrnameh: the warehouse file and raw archive."""
    home = Path(os.environ.get("SHAHRNAMEH_HOME") or Path.home() / ".local" / "share" / "shahrnameh")
    home.mkdir(parents=True, exist_ok=True)
    return home


def default_archive_root() -> Path:
    return data_home() / "archive"


def quiet_prefect() -> None:
    """No telemetry from a research tool; must run before prefect is imported."""
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    # The temporary server needs ~20 s on a busy two-core machine; Prefect's default
    # patience is exactly 20 s.
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
