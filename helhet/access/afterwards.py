"""A refusal after the gate said yes is logged as a refusal.

A page asks the gate first (logged as granted) and may then refuse on a rule
of its own: only the unit head signs, only the providing unit confirms the
start, only the person gives a proxy. The access log would then show a
granted change that never happened. Within one request, every entry the gate
writes is noted here; when the request ends in a refusal (PermissionDenied,
on a page or in the API), each person granted in that request and not already
refused gets a refused, flagged entry with the reason (pjl. § 16: refused
attempts are logged; the log says what happened). The granted entry stays:
the log is append-only.
"""

import contextlib
import contextvars
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from django.db.models.signals import post_save
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from helhet.access.gate import AnyUser
    from helhet.access.models import AccessLogEntry

_SEEN: contextvars.ContextVar["list[AccessLogEntry] | None"] = contextvars.ContextVar(
    "access_seen", default=None
)


@contextlib.contextmanager
def request_scope() -> Iterator[None]:
    token = _SEEN.set([])
    try:
        yield
    finally:
        _SEEN.reset(token)


def _noted(
    sender: "type[AccessLogEntry]", instance: "AccessLogEntry", created: bool, **kwargs: Any
) -> None:
    seen = _SEEN.get()
    if seen is not None and created:
        seen.append(instance)


def connect() -> None:
    from helhet.access.models import AccessLogEntry

    post_save.connect(_noted, sender=AccessLogEntry, dispatch_uid="access_afterwards")


def log_refusal(user: "AnyUser", reason: str) -> int:
    """Refused entries for the persons granted so far in this request; how many."""
    from helhet.access import gate
    from helhet.people.models import Person

    seen = _SEEN.get()
    if not seen or not user.is_authenticated:
        return 0
    refused = {e.person_id for e in seen if not e.granted}
    granted: dict[tuple[int, str, str], AccessLogEntry] = {}
    for entry in seen:
        if entry.granted and entry.person_id and entry.person_id not in refused:
            granted.setdefault((entry.person_id, entry.action, entry.category), entry)
    _SEEN.set([])
    persons = Person.objects.in_bulk({person_id for person_id, _a, _c in granted})
    decision = gate.Decision(
        False,
        gate.NONE,
        _("Avvist etter tilgangskontrollen: %(reason)s") % {"reason": reason or _("ingen tilgang")},
    )
    # A person created in a transaction the refusal rolled back (a FHIR
    # import) is gone, and with them the entries about them.
    logged = [(key, entry) for key, entry in granted.items() if key[0] in persons]
    for (person_id, action, category), entry in logged:
        gate.log(user, persons[person_id], action, decision, category=category, what=entry.what)
    return len(logged)
