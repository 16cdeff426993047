"""`helhet worker`: run background tasks (docs/deployment.md, «Bakgrunnsarbeid»)."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import CommandError
from django_tasks_db.management.commands import db_worker

from helhet.background.worker import HeartbeatWorker, new_worker_id


class Command(db_worker.Command):
    help = (
        "Kjører bakgrunnsarbeid fra køen (rapporter, eksporter, påminnelser, webhooks, "
        "forsegling av tilgangsloggen). Flere arbeidere kan kjøre samtidig; en arbeider som "
        "stopper midt i en oppgave, får oppgaven sin kjørt på nytt av en annen."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        # A fresh id per process (db_worker's default is drawn once, at import).
        parser.set_defaults(worker_id=None, reload=False)

    def handle(self, *args: Any, **options: Any) -> None:
        self.configure_logging(options["verbosity"])
        queue_names = options["queue_name"].split(",")
        excluded = options["exclude_queues"].split(",") if options["exclude_queues"] else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        if options["reload"]:
            raise CommandError("--reload is not supported by `helhet worker`; use db_worker.")
        worker = HeartbeatWorker(
            queue_names=queue_names,
            interval=options["interval"],
            batch=options["batch"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"] or new_worker_id(),
            excluded_queue_names=excluded,
        )
        worker.configure_signals()
        worker.run()
