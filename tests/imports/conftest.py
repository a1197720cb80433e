"""Fixtures for imports: the demo company's ERP exports, and a real PostgreSQL server.

The server is Debian's PostgreSQL (the Makefile installs it with apt-get when missing),
started by the tests in a temporary folder on a free local port and stopped after them.
PostgreSQL refuses to run as root, so as root it runs as the ``postgres`` user the package
creates (or one made here). Where the binaries are missing the tests that need them are
skipped with a loud reason, unless SOP_XL_REQUIRE_POSTGRES=1 (``make test`` sets it once
PostgreSQL is installed): then they fail.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from sop_xl.demo.erp_exports import write_erp_exports

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "workbooks" / "demo" / "sop_master.xlsx"
DEMO_ZH = ROOT / "workbooks" / "demo" / "sop_master_zh-CN.xlsx"


@pytest.fixture(scope="session")
def exports(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("erp")
    write_erp_exports(folder)
    return folder


@pytest.fixture
def demo_copy(tmp_path: Path) -> Path:
    target = tmp_path / "master.xlsx"
    shutil.copyfile(DEMO, target)
    return target


def _bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parts[4]) if Path(p).parts[4].isdigit() else 0)
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_user() -> list[str]:
    """How to run a server binary: as ourselves, or (as root) as an unprivileged user."""
    if os.geteuid() != 0:
        return []
    import pwd
    for name in ("postgres", "sopxl-pg"):
        try:
            pwd.getpwnam(name)
            return ["runuser", "-u", name, "--"]
        except KeyError:
            continue
    subprocess.run(["useradd", "--system", "--no-create-home", "sopxl-pg"], check=True)
    return ["runuser", "-u", "sopxl-pg", "--"]


@pytest.fixture(scope="session")
def postgres():
    """A running PostgreSQL: yields its SQLAlchemy URL (database ``erp``, user postgres)."""
    bindir = _bin()
    if bindir is None:
        message = ("PostgreSQL IS NOT INSTALLED: the PostgreSQL import test DID NOT RUN. "
                   "Install it (apt-get install postgresql, which `make test` does).")
        if os.environ.get("SOP_XL_REQUIRE_POSTGRES") == "1":
            pytest.fail(message)
        pytest.skip(message)
    psycopg = pytest.importorskip("psycopg")
    prefix = _as_user()
    home = Path(tempfile.mkdtemp(prefix="sopxl-pg-"))
    data = home / "data"
    if prefix:
        import pwd
        user = prefix[2]
        ent = pwd.getpwnam(user)
        os.chown(home, ent.pw_uid, ent.pw_gid)
    port = _free_port()
    log = home / "server.log"
    subprocess.run([*prefix, str(bindir / "initdb"), "-D", str(data), "-U", "postgres",
                    "--auth=trust", "-E", "UTF8", "--locale=C"], check=True,
                   capture_output=True)
    subprocess.run([*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w",
                    "-t", "60", "-o", f"-p {port} -k {data} -c listen_addresses=127.0.0.1",
                    "start"], check=True, capture_output=True)
    try:
        deadline = time.time() + 30
        while True:
            try:
                with psycopg.connect(host="127.0.0.1", port=port, user="postgres",
                                     dbname="postgres", autocommit=True) as conn:
                    conn.execute("CREATE DATABASE erp")
                break
            except psycopg.OperationalError:
                if time.time() > deadline:
                    raise
                time.sleep(0.3)
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/erp"
    finally:
        subprocess.run([*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w",
                        "stop"], capture_output=True)
        shutil.rmtree(home, ignore_errors=True)
