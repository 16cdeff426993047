"""A demo killed midway leaves nothing behind (docs/security.md: every change is a transaction)."""

import queue
import signal
import sqlite3
import subprocess
import threading
import time

from helhet.operations.tests.conftest import helhet_command, sqlite_env

TIMEOUT = 120
# Printed once persons and their services are written, long before the commit.
WRITING = "Tjenester:"


def _lines(stream) -> queue.Queue:
    lines: queue.Queue = queue.Queue()

    def pump():
        for line in stream:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    return lines


def _wait_for(lines: queue.Queue, text: str, deadline: float) -> list[str]:
    seen = []
    while True:
        line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
        assert line is not None, f"the demo ended before {text!r}: {seen}"
        seen.append(line)
        if text in line:
            return seen


def test_demo_killed_midway_leaves_no_municipality_and_no_persons(fresh_sqlite, tmp_path):
    demo = subprocess.Popen(
        helhet_command("demo", "--persons", "3000", "--no-serve", "--password", "demo-passord-1"),
        env=sqlite_env(fresh_sqlite, tmp_path),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        seen = _wait_for(_lines(demo.stderr), WRITING, time.monotonic() + TIMEOUT)
        demo.send_signal(signal.SIGKILL)
        assert demo.wait(timeout=30) == -signal.SIGKILL
    finally:
        if demo.poll() is None:
            demo.kill()
            demo.wait(timeout=30)
    assert any("Personer: 3000/3000" in line for line in seen)

    database = sqlite3.connect(fresh_sqlite)
    try:
        assert database.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        for table in ["organisation_municipality", "people_person", "people_service"]:
            assert database.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,), table
    finally:
        database.close()
