"""`helhet schedule NAME…`: put periodic work in the queue (from a systemd timer)."""

import os
import time
from argparse import ArgumentParser
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand
from django_tasks.base import Task

from helhet.background import services, tasks

PERIODIC: dict[str, Callable[[str], tuple[Task[..., Any], tuple[Any, ...]]]] = {
    "seal-log": lambda base_url: (tasks.seal_access_log, ()),
    "deliver-webhooks": lambda base_url: (tasks.deliver_webhooks, ()),
    "reminders": lambda base_url: (tasks.send_reminders, (base_url,)),
    "compliance-snapshot": lambda base_url: (tasks.compliance_snapshots, ()),
}


class Command(BaseCommand):
    help = (
        "Legger periodisk arbeid i køen, som `helhet worker` kjører: seal-log og "
        "deliver-webhooks hvert minutt, reminders og compliance-snapshot hver natt. Legger "
        "ikke inn noe som allerede venter eller kjører."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("names", nargs="+", choices=sorted(PERIODIC))
        parser.add_argument(
            "--base-url",
            default=os.environ.get("HELHET_BASE_URL", "http://localhost:8000"),
            help="The address users open Helhet at, for links in reminders.",
        )
        parser.add_argument(
            "--every",
            type=float,
            default=0,
            help="Repeat every this many seconds (the demo; production uses a timer).",
        )

    def handle(
        self, *args: Any, names: list[str], base_url: str, every: float, **options: Any
    ) -> None:
        while True:
            for name in names:
                task, arguments = PERIODIC[name](base_url)
                added = services.enqueue_once(task=task, args=arguments)
                if options["verbosity"] >= 1:
                    self.stdout.write(f"{name}: {'lagt i køen' if added else 'venter allerede'}")
            if not every:
                return
            time.sleep(every)
