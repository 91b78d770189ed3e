"""Installed normally (a wheel, not editable), Shahrnameh needs no checkout: `demo` runs from
anywhere with the pages, sources files, templates and word lists it carries as package data."""

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# What a clean checkout holds; a stale build/ would put files no longer in the tree into the wheel.
NOT_SOURCES = shutil.ignore_patterns(".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", "*.sqlite")


def run(*command, **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run([str(part) for part in command], capture_output=True, text=True, timeout=600, **kwargs)
    assert done.returncode == 0, f"{command}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.slow
def test_the_demo_runs_from_a_wheel_installed_outside_the_checkout(tmp_path):
    source = tmp_path / "checkout"
    shutil.copytree(REPO, source, symlinks=True, ignore=NOT_SOURCES)
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", tmp_path / "wheels",
        source)
    [wheel] = (tmp_path / "wheels").glob("shahrnameh-*.whl")
    shutil.rmtree(source)  # nothing can be read from the checkout any more

    # A throwaway venv that sees the project's dependencies through a .pth, but not its code.
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    site_packages = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))").stdout.strip())
    dependencies = [p for p in sys.path if p.endswith("site-packages")] or [sysconfig.get_path("purelib")]
    (site_packages / "_shahrnameh_dependencies.pth").write_text("\n".join(dependencies) + "\n")
    run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index", "-q", wheel)

    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "tmp").mkdir(parents=True)  # sqlite:///tmp/x is tmp/x, relative to here
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    env.update(SHAHRNAMEH_HOME=str(tmp_path / "home"), SHAHRNAMEH_DEMO_PORT=str(free_port()), COLUMNS="160")
    imported = run(python, "-c", "import shahrnameh; print(shahrnameh.__file__)", cwd=elsewhere, env=env)
    assert Path(imported.stdout.strip()).is_relative_to(site_packages)

    run(venv / "bin" / "shahrnameh", "demo", "--db", "sqlite:///tmp/x", "--archive", "tmp/a", cwd=elsewhere, env=env)
    with sqlite3.connect(elsewhere / "tmp" / "x") as warehouse:
        articles, = warehouse.execute("SELECT count(*) FROM articles").fetchone()
        facts, = warehouse.execute("SELECT count(*) FROM facts").fetchone()
    assert articles >= 50 and facts >= 50
    assert any((elsewhere / "tmp" / "a").rglob("*.warc.gz"))
