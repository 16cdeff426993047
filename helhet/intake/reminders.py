"""E-mail reminders of the work list, safe to run any number of times a day.

The mail carries only counts and a link: no names, no case details, because
e-mail leaves the system's access control (Normen; helsepersonelloven § 21).
"""

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from helhet.intake import services
from helhet.intake.models import ReminderSent


def recipients():
    return (
        get_user_model()
        .objects.filter(is_active=True, staff__isnull=False)
        .exclude(email="")
        .select_related("staff")
        .order_by("pk")
    )


def body(counts: dict, link: str) -> str:
    return _(
        "Du har oppgaver i arbeidslisten i Helhet:\n\n"
        "  Eskalert: %(escalated)s\n"
        "  Frist passert: %(overdue)s\n"
        "  Forfaller: %(due)s\n\n"
        "Logg inn for å se dem: %(link)s\n"
    ) % {
        "escalated": counts[services.ESCALATED],
        "overdue": counts[services.OVERDUE],
        "due": counts[services.DUE],
        "link": link,
    }


def remind(user, today: dt.date, base_url: str) -> bool:
    """Mail the user if their work list has an item not reminded about today."""
    items = services.work_items(user=user, today=today)
    if not items:
        return False
    wanted = {(i.key, str(i.kind)) for i in items}
    done = set(ReminderSent.objects.filter(user=user, day=today).values_list("item", "kind"))
    new = wanted - done
    if not new:
        return False
    try:
        with transaction.atomic():
            # Rows first, inside the transaction: if the mail fails nothing is
            # recorded, and a parallel run hits the unique constraint instead
            # of sending a second mail.
            ReminderSent.objects.bulk_create(
                [ReminderSent(user=user, item=key, kind=kind, day=today) for key, kind in new]
            )
            send_mail(
                _("Helhet: oppgaver i arbeidslisten"),
                body(services.count_by_kind(items=items), base_url + reverse("intake:worklist")),
                settings.DEFAULT_FROM_EMAIL,
                [user.email],
            )
    except IntegrityError:
        return False
    return True


def run(today: dt.date, base_url: str) -> tuple[int, int]:
    escalated = services.record_escalations(today=today)
    sent = sum(remind(user, today, base_url.rstrip("/")) for user in recipients())
    return escalated, sent
