"""Tasks the queue tests enqueue: they leave traces in files, so a test can see
which runs happened even when the worker that ran them was killed."""

import os
import time
from pathlib import Path

from django_tasks import task


@task()
def slow_once(folder: str) -> str:
    """The first run marks «started» and then hangs (the test kills its worker);
    a later run finishes at once."""
    started = Path(folder) / "started"
    if not started.exists():
        started.write_text(str(os.getpid()))
        time.sleep(120)
    (Path(folder) / "done").write_text(str(os.getpid()))
    return "done"


@task()
def record(folder: str, n: int) -> int:
    """Append ``n`` to a shared file (one O_APPEND write per run: lines never mix)."""
    descriptor = os.open(Path(folder) / "ran.txt", os.O_WRONLY | os.O_APPEND | os.O_CREAT)
    try:
        os.write(descriptor, f"{n}\n".encode())
    finally:
        os.close(descriptor)
    time.sleep(0.01)
    return n


@task()
def meet(folder: str, n: int) -> int:
    """Record ``n``, then wait until another run of ``meet`` has started too.

    Two runs that wait for each other cannot be held by one worker, which runs its
    tasks one after the other: when both finish, two workers took work."""
    record.call(folder, n)
    (Path(folder) / f"met-{n}").touch()
    deadline = time.monotonic() + 30
    while len(list(Path(folder).glob("met-*"))) < 2:
        if time.monotonic() > deadline:
            raise TimeoutError("only one worker took tasks")
        time.sleep(0.01)
    return n
