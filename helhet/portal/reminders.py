"""Reminding the person that they have consented and can withdraw (docs/consent.md).

an audit found users who did not remember whether they had consented. The daily
``helhet reminders`` asks ``consent.rules.reminder_due`` for every consent in
force, records a ``ConsentReminder`` (shown on Min side until it is seen) and
e-mails the person and whoever may consent for them (a guardian or proxy with
the consent right), where they have an address. The e-mail names no service,
unit or person: it may be read by others; the details are on Min side.
"""

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass

from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from helhet.consent import rules
from helhet.consent.models import Consent, ConsentReminder
from helhet.consent.services import valid_q
from helhet.people.models import Person
from helhet.portal.access import in_force
from helhet.portal.models import NoticePreference, Representation
from helhet.portal.services import record

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Due:
    consent_id: int
    person_id: int
    kind: str
    valid_to: dt.date


def due(today: dt.date) -> list[Due]:
    """The reminders to make today, in a constant number of queries."""
    expiry_sent = ConsentReminder.objects.filter(
        consent=OuterRef("pk"), kind=ConsentReminder.Kind.EXPIRY
    )
    rows = (
        Consent.objects.filter(valid_q(moment=_end_of(today)))
        .annotate(last=Max("reminders__created_on"), expiry_sent=Exists(expiry_sent))
        .values_list("pk", "person_id", "valid_from", "valid_to", "last", "expiry_sent")
    )
    found = []
    for pk, person_id, valid_from, valid_to, last, sent in rows:
        kind = rules.reminder_due(valid_from, valid_to, False, last, sent, today)
        if kind:
            found.append(Due(pk, person_id, kind, valid_to))
    return found


def _end_of(day: dt.date) -> dt.datetime:
    # In force all day: a consent withdrawn earlier today is not recalled.
    return timezone.make_aware(dt.datetime.combine(day, dt.time.max))


def run(today: dt.date, base_url: str) -> tuple[int, int]:
    """Make today's reminders and send their e-mails: (reminders, e-mails).
    A second run the same day finds nothing due."""
    found = due(today)
    with transaction.atomic():
        ConsentReminder.objects.bulk_create(
            [
                ConsentReminder(consent_id=d.consent_id, kind=d.kind, created_on=today)
                for d in found
            ],
            ignore_conflicts=True,
        )
    by_person = defaultdict(list)
    for item in found:
        by_person[item.person_id].append(item)
    addresses = recipients(by_person, today)
    link = f"{base_url.rstrip('/')}/min-side/samtykker/"
    mails = 0
    for person_id, items in by_person.items():
        sent = sum(_mail(address, items, link, own) for address, own in addresses[person_id])
        ConsentReminder.objects.filter(
            consent_id__in=[d.consent_id for d in items], created_on=today
        ).update(emailed=sent)
        mails += sent
    return len(found), mails


def recipients(person_ids, today: dt.date) -> dict[int, list[tuple[str, bool]]]:
    """E-mail addresses per person: the person's own (the address chosen for
    notices on Min side, else the one on record) and those of guardians and
    proxies who may consent for them; ``True`` marks the person's own."""
    found = defaultdict(list)
    chosen = dict(
        NoticePreference.objects.filter(person_id__in=person_ids)
        .exclude(email="")
        .values_list("person_id", "email")
    )
    for person_id, email in Person.objects.filter(pk__in=person_ids).values_list("pk", "email"):
        if chosen.get(person_id) or email:
            found[person_id].append((chosen.get(person_id) or email, True))
    for person_id, email in (
        Representation.objects.filter(in_force(today), person_id__in=person_ids, consents=True)
        .exclude(representative__email="")
        .values_list("person_id", "representative__email")
    ):
        found[person_id].append((email, False))
    return found


def _mail(address: str, items: list[Due], link: str, own: bool) -> int:
    try:
        send_mail(_("Påminnelse fra Helhet om samtykke"), body(items, link, own), None, [address])
    except OSError:
        # A mail server that is down must not stop the other reminders; the
        # notice is on Min side all the same.
        logger.warning("Consent reminder could not be e-mailed")
        return 0
    return 1


def body(items: list[Due], link: str, own: bool) -> str:
    whom = _("deg") if own else _("en du er verge eller fullmektig for")
    lines = [
        _("Dette er en påminnelse om samtykke du har gitt til deling av opplysninger om %(whom)s.")
        % {"whom": whom}
    ]
    for item in sorted(items, key=lambda d: d.valid_to):
        if item.kind == rules.EXPIRY:
            text = _(
                "Et samtykke utløper %(date)s. Etter det kan tjenestene ikke dele opplysninger "
                "på grunnlag av det. Du kan gi et nytt samtykke eller la det utløpe."
            )
        else:
            text = _("Et samtykke gjelder til %(date)s.")
        lines.append(text % {"date": item.valid_to.strftime("%d.%m.%Y")})
    lines.append(
        _(
            "Du kan når som helst se hva samtykket gjelder og trekke det tilbake på Min side: %(link)s"
        )
        % {"link": link}
    )
    return "\n\n".join(lines)


def open_reminders(person: Person):
    """Reminders about consents still in force that nobody has marked as seen."""
    return (
        ConsentReminder.objects.filter(
            valid_q(moment=timezone.now(), prefix="consent__"),
            consent__person=person,
            seen_at__isnull=True,
        )
        .select_related("consent")
        .order_by("consent__valid_to", "pk")
    )


def mark_seen(acting, reminder: ConsentReminder) -> None:
    """The person (or who acts for them) has seen one of their reminders;
    seeing it again changes nothing."""
    if reminder.consent.person_id != acting.person.pk:
        raise ValueError("not the acting person's reminder")
    with transaction.atomic():
        done = ConsentReminder.objects.filter(pk=reminder.pk, seen_at__isnull=True).update(
            seen_at=timezone.now(), seen_by=acting.user
        )
        if done:
            record(
                acting=acting,
                kind="påminnelse lest",
                detail=_("Påminnelse %(pk)s") % {"pk": reminder.pk},
            )
