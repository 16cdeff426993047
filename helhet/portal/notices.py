"""Telling the person when staff acted on their behalf (docs/consent.md).

Registering a consent for the person, withdrawing one at their request, or
registering a guardian changes who may see the person's data. The person is
told at once: on Min side, until they mark it as seen, and by e-mail to the
person (the address chosen on Min side, else the one on record) and to those
who may consent for them — the same addresses as the consent reminders
(``reminders.recipients``). Like those, the e-mail names no service, unit or
person: it may be read by others; the details are on Min side. One e-mail per
address, sent after the transaction commits (the request does no other work).
"""

import datetime as dt
import logging
from typing import TYPE_CHECKING

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from helhet.access import gate
from helhet.consent.models import ConsentEvent
from helhet.portal.models import StaffAct
from helhet.portal.reminders import recipients
from helhet.portal.services import record

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

logger = logging.getLogger(__name__)

CONSENT_KINDS = {
    ConsentEvent.Kind.GIVEN: StaffAct.Kind.CONSENT_GIVEN,
    ConsentEvent.Kind.WITHDRAWN: StaffAct.Kind.CONSENT_WITHDRAWN,
}


def record_act(
    *, kind: str, person, actor, log_entry, link: str, consent=None, representation=None
) -> StaffAct:
    """Record the act (for Min side and the leader) and e-mail the person once
    the transaction has committed."""
    act = StaffAct.objects.create(
        person=person,
        kind=kind,
        actor=actor,
        consent=consent,
        representation=representation,
        actor_unit_ids=sorted(gate.case_unit_ids(actor)),
        log_entry=log_entry,
    )
    transaction.on_commit(lambda: send(act.pk, link))
    return act


def on_consent_act(sender, *, kind, consent, actor, log_entry, link, **kwargs) -> None:
    """Receiver of ``consent.signals.staff_act``."""
    record_act(
        kind=CONSENT_KINDS[kind],
        person=consent.person,
        actor=actor,
        log_entry=log_entry,
        link=link,
        consent=consent,
    )


def send(act_id: int, link: str) -> int:
    """E-mail the notice of one act; returns the number of addresses reached."""
    act = StaffAct.objects.get(pk=act_id)
    sent = 0
    for address, own in recipients([act.person_id], timezone.localdate()).get(act.person_id, []):
        try:
            send_mail(_("Melding fra Helhet"), body(act.kind, link, own), None, [address])
        except OSError:
            # A mail server that is down must not undo the act; the notice is
            # on Min side all the same.
            logger.warning("Notice of a staff act could not be e-mailed (act %s)", act_id)
            continue
        sent += 1
    StaffAct.objects.filter(pk=act_id).update(emailed=sent)
    return sent


def body(kind: str, link: str, own: bool) -> str:
    """The e-mail: what kind of act, and where to see it. No service, unit or
    person is named."""
    whom = _("deg") if own else _("en du er verge eller fullmektig for")
    texts: dict[str, StrOrPromise] = {
        StaffAct.Kind.CONSENT_GIVEN: _(
            "En ansatt har registrert et samtykke til deling av opplysninger om %(whom)s. "
            "Samtykket gjelder fra nå. Stemmer det ikke, kan du trekke det tilbake på Min side."
        ),
        StaffAct.Kind.CONSENT_WITHDRAWN: _(
            "En ansatt har trukket tilbake et samtykke om %(whom)s, fordi det ble bedt om det."
        ),
        StaffAct.Kind.GUARDIAN: _(
            "En ansatt har registrert en verge for %(whom)s, som kan handle på dine vegne "
            "innenfor det vergemålet omfatter."
        ),
    }
    if not own:
        texts[StaffAct.Kind.GUARDIAN] = _("En ansatt har registrert en verge for %(whom)s.")
    return "\n\n".join(
        [
            texts[kind] % {"whom": whom},
            _("Logg inn på Min side for å se hva det gjelder og hvem som gjorde det: %(link)s")
            % {"link": link},
        ]
    )


def open_acts(person):
    """Acts the person (or who acts for them) has not yet marked as seen."""
    return (
        StaffAct.objects.filter(person=person, seen_at__isnull=True)
        .select_related("actor", "consent", "representation__representative")
        .order_by("at", "pk")
    )


def mark_seen(acting, act: StaffAct) -> None:
    """Seen on Min side; seeing it again changes nothing."""
    if act.person_id != acting.person.pk:
        raise ValueError("not the acting person's notice")
    with transaction.atomic():
        done = StaffAct.objects.filter(pk=act.pk, seen_at__isnull=True).update(
            seen_at=timezone.now(), seen_by=acting.user
        )
        if done:
            record(acting=acting, kind="varsel lest", detail=_("Varsel %(pk)s") % {"pk": act.pk})


# --- for the leader's control page ---------------------------------------------------

REVIEW_LIMIT = 200


def for_review(
    municipality_id: int, unreviewed_only: bool = True, since: dt.datetime | None = None
) -> list[dict]:
    """Acts by staff on persons' behalf in the municipality, newest first, for
    the leader (docs/consent.md): who, when, how the consent was given or how the
    person asked, and which units and categories it opened or closed — marking
    the employee's own units, where a consent registered by staff opened access
    for the one who registered it."""
    acts = StaffAct.objects.filter(person__municipality_id=municipality_id)
    if since is not None:
        # The act and its log row are written in one transaction: bounding both
        # by date lets PostgreSQL read only the log's months of the period.
        acts = acts.filter(at__gte=since, log_entry__at__gte=since - dt.timedelta(days=1))
    if unreviewed_only:
        acts = acts.filter(log_entry__review__isnull=True)
    acts = acts.select_related(
        "person",
        "actor",
        "consent__noted_by",
        "representation__representative",
        "log_entry__review__reviewed_by",
    ).prefetch_related("consent__scopes__unit", "consent__scopes__partner", "consent__events")
    return [_row(act) for act in acts.order_by("-at", "-id")[:REVIEW_LIMIT]]


def _row(act: StaffAct) -> dict:
    own_units = set(act.actor_unit_ids)
    parties: dict[tuple, dict] = {}
    if act.consent is not None:
        for scope in act.consent.scopes.all():
            party = scope.unit or scope.partner
            if party is None:
                continue
            key = ("u" if scope.unit_id else "p", party.pk)
            found = parties.setdefault(
                key,
                {
                    "name": party.name,
                    "categories": [],
                    "own": scope.unit_id is not None and scope.unit_id in own_units,
                },
            )
            found["categories"].append(scope.get_category_display())
    request = None
    if act.kind == StaffAct.Kind.CONSENT_WITHDRAWN and act.consent is not None:
        request = next(
            (e for e in act.consent.events.all() if e.kind == ConsentEvent.Kind.WITHDRAWN), None
        )
    opened = sorted(parties.values(), key=lambda p: (not p["own"], p["name"]))
    return {
        "act": act,
        "entry": act.log_entry,
        "parties": opened,
        "opens_own_unit": act.kind == StaffAct.Kind.CONSENT_GIVEN and any(p["own"] for p in opened),
        "withdrawal": request,
    }
