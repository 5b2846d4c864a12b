"""A real PostgreSQL server for the test run: Debian's ``postgresql`` binaries, a private cluster.

``make test`` runs the integration tests a second time with
YTARCHIVE_TEST_DATABASE=postgres, so DATABASE_URL is proven, not promised.
The cluster lives in this run's temporary folder, listens on 127.0.0.1 on a
free port, trusts local connections, and is stopped at exit. PostgreSQL
refuses to run as root, so as root it runs as the ``postgres`` user.
"""
from __future__ import annotations

import glob
import os
import shutil
import subprocess
from pathlib import Path


def _bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if found:
        return found[-1]
    path = shutil.which(name)
    if not path:
        raise RuntimeError(f"PostgreSQL's {name} is not installed (make test installs Debian's postgresql)")
    return path


class PostgresServer:
    def __init__(self, workdir: Path, port: int):
        self.workdir = Path(workdir)
        self.port = port
        self.data = self.workdir / "cluster"
        self.sockets = self.workdir / "sockets"

    def _run(self, *command: str) -> None:
        if os.geteuid() == 0:
            command = ("runuser", "-u", "postgres", "--", *command)
        subprocess.run(command, check=True, capture_output=True, timeout=120, cwd="/")

    def url(self, database: str = "ytarchive") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> PostgresServer:
        self.sockets.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.workdir, "postgres")
            shutil.chown(self.sockets, "postgres")
        self._run(_bin("initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                  "--no-sync")
        self._run(_bin("pg_ctl"), "-D", str(self.data), "-w", "-l", str(self.workdir / "server.log"), "-o",
                  f"-p {self.port} -k {self.sockets} -c listen_addresses=127.0.0.1 -c fsync=off "
                  "-c max_connections=300", "start")
        self.create_database("ytarchive")
        return self

    def create_database(self, name: str) -> str:
        self._run(_bin("psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", "postgres",
                  "-c", f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        if not self.data.exists():
            return
        try:
            self._run(_bin("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")
        except subprocess.CalledProcessError:
            pass
