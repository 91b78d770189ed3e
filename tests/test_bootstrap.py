"""scripts/bootstrap.sh says what it installs and how far along it is, and nothing on a
second run. Its pip is a stand-in printing pip's own lines: no network, no real install."""

import os
import shutil
import stat
import subprocess
import sys

from conftest import REPO

# What `pip install -r requirements.lock` prints, as pip 25 prints it: "Collecting" for a
# package from an index, "Processing" for a wheel file from a local index or folder.
PIP_OUTPUT = """\
Collecting attrs==25.3.0 (from -r requirements.lock (line 1))
  Downloading attrs-25.3.0-py3-none-any.whl.metadata (10 kB)
Collecting hazm==0.12.1 (from -r requirements.lock (line 2))
  Using cached hazm-0.12.1-py3-none-any.whl.metadata (11 kB)
Processing /opt/pypi/files/prefect-3.8.8-py3-none-any.whl (from -r requirements.lock (line 3))
Installing collected packages: attrs, hazm, prefect
Successfully installed attrs-25.3.0 hazm-0.12.1 prefect-3.8.8
"""


def _checkout(tmp_path):
    """A checkout with the real bootstrap script and a .venv whose python fakes pip."""
    (tmp_path / "scripts").mkdir()
    shutil.copy(REPO / "scripts" / "bootstrap.sh", tmp_path / "scripts" / "bootstrap.sh")
    (tmp_path / "requirements.lock").write_text("attrs==25.3.0\nhazm==0.12.1\nprefect==3.8.8\n")
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'shahrnameh'\n")
    bin_dir = tmp_path / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    (tmp_path / "pip-output.txt").write_text(PIP_OUTPUT)
    fake = bin_dir / "python"
    fake.write_text('#!/bin/sh\ncase "$*" in *requirements.lock*) cat "$(dirname "$0")/../../pip-output.txt";; esac\n'
                    "exit 0\n")
    shutil.copy(fake, bin_dir / "shahrnameh")
    for path in (fake, bin_dir / "shahrnameh"):
        path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return tmp_path


def _bootstrap(checkout):
    env = {**os.environ, "PATH": f"{os.path.dirname(sys.executable)}:{os.environ['PATH']}"}
    return subprocess.run(["bash", str(checkout / "scripts" / "bootstrap.sh")], capture_output=True, text=True,
                          timeout=60, env=env)


def test_the_first_run_shows_each_package_and_the_install_step_and_the_second_says_nothing(tmp_path):
    checkout = _checkout(tmp_path)
    first = _bootstrap(checkout)
    assert first.returncode == 0, first.stderr
    lines = first.stderr.splitlines()
    assert "bootstrap: installing the 3 pinned packages of requirements.lock into .venv" in lines
    progress = [line for line in lines if line.startswith("bootstrap: [")]
    assert progress == ["bootstrap: [1/3] attrs==25.3.0", "bootstrap: [2/3] hazm==0.12.1",
                        "bootstrap: [3/3] prefect==3.8.8"]
    assert "bootstrap: unpacking and installing 3 packages (the longest step, about a minute)" in lines
    assert lines.index(progress[-1]) < lines.index("bootstrap: packages installed")

    second = _bootstrap(checkout)
    assert (second.returncode, second.stdout, second.stderr) == (0, "", "")


def test_pips_errors_are_shown(tmp_path):
    checkout = _checkout(tmp_path)
    (checkout / "pip-output.txt").write_text(
        "Collecting nosuchpackage==1.0 (from -r requirements.lock (line 1))\n"
        "ERROR: Could not find a version that satisfies the requirement nosuchpackage==1.0\n")
    result = _bootstrap(checkout)
    assert "ERROR: Could not find a version that satisfies the requirement nosuchpackage==1.0" in result.stderr
