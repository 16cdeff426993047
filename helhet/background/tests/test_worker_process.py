"""`helhet worker` as it runs in production: separate processes on one SQLite
file. A worker killed with SIGKILL mid-task (no chance to clean up) has its task
taken and finished by the next worker; two workers draining one queue run every
task exactly once."""

import json
import os
import signal
import subprocess
import time

from helhet.operations.tests.conftest import helhet_command, sqlite_env

TIMEOUT = 120


def _env(database, folder) -> dict:
    env = sqlite_env(database, folder)
    # The production settings (the database queue), not the tests' immediate backend.
    env.update(
        DJANGO_SETTINGS_MODULE="helhet.settings",
        HELHET_WORKER_HEARTBEAT_SECONDS="0.5",
        HELHET_WORKER_LOST_SECONDS="2",
    )
    return env


def _python(env, code: str) -> str:
    done = subprocess.run(
        helhet_command("shell", "-v", "0", "-c", code),
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=TIMEOUT,
    )
    return done.stdout.strip()


def _task_rows(env) -> list[dict]:
    code = (
        "import json; from django_tasks_db.models import DBTaskResult as R; "
        "print(json.dumps([{'status': r.status, 'workers': r.worker_ids} "
        "for r in R.objects.order_by('enqueued_at')]))"
    )
    return json.loads(_python(env, code))


def _wait_for(path, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if path.exists():
            return True
        time.sleep(0.1)
    return False


def test_a_task_survives_its_worker_being_killed(fresh_sqlite, tmp_path):
    env = _env(fresh_sqlite, tmp_path)
    folder = tmp_path / "work"
    folder.mkdir()
    _python(
        env,
        f"from helhet.background.tests.probe import slow_once; slow_once.enqueue({str(folder)!r})",
    )
    worker = subprocess.Popen(
        helhet_command("worker", "--no-startup-delay", "--interval", "0.2", "-v", "0"),
        env=env,
        start_new_session=True,
    )
    try:
        assert _wait_for(folder / "started", 60), "the first worker never started the task"
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=TIMEOUT)
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(timeout=TIMEOUT)
    assert not (folder / "done").exists()
    (row,) = _task_rows(env)
    assert row["status"] == "RUNNING"  # what the killed worker left behind

    time.sleep(2.5)  # the dead worker's heartbeat goes stale
    subprocess.run(
        helhet_command("worker", "--batch", "--no-startup-delay", "--interval", "0", "-v", "0"),
        env=env,
        check=True,
        timeout=TIMEOUT,
    )

    assert (folder / "done").exists()
    (row,) = _task_rows(env)
    assert row["status"] == "SUCCESSFUL"
    assert len(row["workers"]) == 2 and row["workers"][0] != row["workers"][1]


def test_two_worker_processes_run_every_task_exactly_once(fresh_sqlite, tmp_path):
    env = _env(fresh_sqlite, tmp_path)
    count = 60
    _python(
        env,
        "from helhet.background.tests.probe import record\n"
        f"for n in range({count}): record.enqueue({str(tmp_path)!r}, n)",
    )
    command = helhet_command(
        "worker", "--batch", "--no-startup-delay", "--interval", "0", "-v", "0"
    )
    workers = [subprocess.Popen(command, env=env) for _ in range(2)]
    for worker in workers:
        assert worker.wait(timeout=TIMEOUT) == 0

    ran = sorted(int(line) for line in (tmp_path / "ran.txt").read_text().split())
    assert ran == list(range(count))
    rows = _task_rows(env)
    assert [r["status"] for r in rows] == ["SUCCESSFUL"] * count
    assert all(len(r["workers"]) == 1 for r in rows)
