"""Django's ``flush``, allowed to empty the append-only access log.

Flushing wipes the whole database by definition (tests between transactional
cases, an operator starting over); the access-log triggers would otherwise
refuse it. Everywhere else the log stays append-only.
"""

from typing import Any

from django.core.management.commands import flush

from helhet.access.purge import purge_allowed


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        with purge_allowed(options.get("database")):
            super().handle(**options)
