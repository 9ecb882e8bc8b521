"""Test support: run the Procfile's ``web:`` command (gunicorn) exactly as a platform would.

Shared by the web, reliability and concurrency tests (imported as ``procfile``; pytest puts ``tests/``
on ``sys.path``).
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def procfile_web_command() -> str:
    """The ``web:`` line of the Procfile, without its label."""
    for line in (ROOT / "Procfile").read_text(encoding="utf-8").splitlines():
        if line.startswith("web:"):
            return line.removeprefix("web:").strip()
    raise AssertionError("Procfile has no web: line")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def health_status(port: int) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", "/api/health")
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


@contextmanager
def procfile_gunicorn(index_dir: Path, log: Path, workers: int | None = None) -> Iterator[int]:
    """gunicorn started through ``/bin/sh`` with the Procfile's command on a free port; yields the port
    once ``/api/health`` answers 200, and stops the whole process group afterwards.

    ``workers=None`` leaves WEB_CONCURRENCY unset, so the Procfile's own default applies.
    """
    port = free_port()
    env = dict(os.environ, PORT=str(port), NEWS_SEARCH_INDEX_DIR=str(index_dir))
    env.pop("WEB_CONCURRENCY", None)
    if workers is not None:
        env["WEB_CONCURRENCY"] = str(workers)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    with log.open("wb") as out:
        process = subprocess.Popen(
            ["/bin/sh", "-c", "exec " + procfile_web_command()],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait_until_healthy(port, process, log)
        yield port
    finally:
        _stop(process)


def _wait_until_healthy(port: int, process: subprocess.Popen, log: Path, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        assert process.poll() is None, f"gunicorn exited early:\n{log.read_text(errors='replace')}"
        try:
            if health_status(port) == 200:
                return
        except OSError:
            pass
        assert time.monotonic() < deadline, "gunicorn did not answer /api/health in time"
        time.sleep(0.2)


def _stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
