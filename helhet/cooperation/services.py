"""Database work for cooperation. Views call these after the access gate."""

import datetime as dt
import hashlib
import secrets
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from helhet.consent.models import Category, ConsentScope
from helhet.consent.services import valid_q
from helhet.cooperation import rules
from helhet.cooperation.models import (
    ActionItem,
    Attachment,
    CalendarFeed,
    CooperationAgreement,
    CooperationRoutine,
    DirectoryEntry,
    Forum,
    ForumDecision,
    ForumMeeting,
    GroupMember,
    Meeting,
    Message,
    ResponsibilityGroup,
    SubAgreement,
)
from helhet.coordination.models import CoordinatorAssignment
from helhet.organisation.models import ExternalPartner, Municipality, Unit
from helhet.organisation.services import memberships_of
from helhet.people.models import Person, Service
from helhet.plans.models import OPEN_STATUSES, Measure, Participant

OPEN_ITEM = [ActionItem.Status.OPEN, ActionItem.Status.ONGOING]


# --- Service directory


@dataclass
class DirectoryRow:
    name: str
    kind: str
    unit: Unit | None
    partner: ExternalPartner | None
    entry: DirectoryEntry | None
    stale: bool
    can_edit: bool = False


def directory_rows(
    *, municipality: Municipality | int, today: dt.date, query: str = ""
) -> list[DirectoryRow]:
    """Every unit and partner with its entry (or none), optionally matching a search."""
    entries = DirectoryEntry.objects.filter(municipality=municipality).select_related("owner")
    by_unit = {e.unit_id: e for e in entries if e.unit_id}
    by_partner = {e.partner_id: e for e in entries if e.partner_id}
    rows = [
        _row(u.name, u.get_kind_display(), by_unit.get(u.pk), today, unit=u)
        for u in Unit.objects.filter(municipality=municipality)
    ] + [
        _row(p.name, p.get_kind_display(), by_partner.get(p.pk), today, partner=p)
        for p in ExternalPartner.objects.filter(municipality=municipality)
    ]
    words = query.lower().split()
    return [r for r in rows if all(w in _haystack(r) for w in words)]


def _row(
    name: str,
    kind: str,
    entry: DirectoryEntry | None,
    today: dt.date,
    unit: Unit | None = None,
    partner: ExternalPartner | None = None,
) -> DirectoryRow:
    stale = entry is not None and rules.is_stale(entry.last_verified, today)
    return DirectoryRow(name, kind, unit, partner, entry, stale)


def _haystack(row: DirectoryRow) -> str:
    e = row.entry
    parts = [row.name, row.kind]
    if e:
        parts += [e.purpose, e.services, e.target_groups, e.low_threshold, e.contact_person]
    return " ".join(parts).lower()


def public_rows(
    *, municipality: Municipality | int, today: dt.date, query: str = ""
) -> list[DirectoryRow]:
    return [
        r
        for r in directory_rows(municipality=municipality, today=today, query=query)
        if r.entry is not None
    ]


def stale_entries_owned_by(*, user: User, today: dt.date) -> list[DirectoryEntry]:
    limit = rules.months_before(today, rules.STALE_AFTER_MONTHS)
    return list(
        DirectoryEntry.objects.filter(owner=user, last_verified__lte=limit).select_related(
            "unit", "partner"
        )
    )


def mark_editable(*, rows: list[DirectoryRow], user: User) -> None:
    """Owners, members of the unit and the municipality's managers maintain an entry."""
    memberships = memberships_of(user=user)
    manager = rules.can_manage({m.role for m in memberships})
    unit_ids = {m.unit_id for m in memberships}
    for row in rows:
        row.can_edit = (
            manager
            or (row.entry is not None and row.entry.owner_id == user.pk)
            or (row.unit is not None and row.unit.pk in unit_ids)
        )


def save_entry(*, entry: DirectoryEntry, today: dt.date) -> DirectoryEntry:
    """Store a directory entry; saving it is a check of it, so whoever saves
    vouches that it is current today."""
    entry.last_verified = today
    entry.save()
    return entry


def verify_entry(*, entry: DirectoryEntry, today: dt.date) -> None:
    entry.last_verified = today
    entry.save(update_fields=["last_verified"])


# --- Cooperation routines


def shared_unit_pairs(
    *, municipality: Municipality | int, today: dt.date
) -> dict[tuple[int, int], int]:
    """Pairs of units that both give an active service to the same persons, with
    the number of persons shared: one query, whatever the number of persons."""
    rows = (
        Service.objects.filter(
            Service.active_on(today),
            Service.active_on(today, "person__services__"),
            unit__municipality=municipality,
            unit_id__lt=F("person__services__unit_id"),
        )
        .values_list("unit_id", "person__services__unit_id")
        .annotate(shared=Count("person_id", distinct=True))
        .order_by()
    )
    return {(a, b): n for a, b, n in rows}


def covered_unit_pairs(*, municipality: Municipality | int) -> set[tuple[int, int]]:
    through = CooperationRoutine.units.through
    rows = through.objects.filter(
        cooperationroutine__municipality=municipality,
        unit_id__lt=F("cooperationroutine__units__id"),
    ).values_list("unit_id", "cooperationroutine__units__id")
    return set(rows)


def routine_overview(*, municipality: Municipality | int, today: dt.date) -> dict[str, Any]:
    """Routines, those past review, and unit pairs that share persons without one."""
    gaps = rules.routine_gaps(
        shared_unit_pairs(municipality=municipality, today=today),
        covered_unit_pairs(municipality=municipality),
    )
    # The other unit of a pair may be a host municipality's (vertskommune):
    # persons served across the border need a routine too, so look units up by id.
    units = Unit.objects.in_bulk({unit_id for pair, _n in gaps for unit_id in pair})
    routines = list(
        CooperationRoutine.objects.filter(municipality=municipality)
        .select_related("owner")
        .prefetch_related("units")
    )
    return {
        "routines": routines,
        "overdue": [r for r in routines if rules.review_overdue(r.review_due, today)],
        "gaps": [(units[a], units[b], n) for (a, b), n in gaps],
    }


@transaction.atomic
def save_routine(*, routine: CooperationRoutine, units: Iterable[Unit]) -> CooperationRoutine:
    """Store a routine with its parties (the units it binds)."""
    routine.save()
    routine.units.set(units)
    return routine


# --- The agreement with the health trust and strategic forums (no person data)


def save_agreement(*, agreement: CooperationAgreement) -> CooperationAgreement:
    agreement.save()
    return agreement


def save_sub_agreement(*, sub_agreement: SubAgreement) -> SubAgreement:
    sub_agreement.save()
    return sub_agreement


@transaction.atomic
def save_forum(
    *, forum: Forum, units: Iterable[Unit], partners: Iterable[ExternalPartner]
) -> Forum:
    forum.save()
    forum.units.set(units)
    forum.partners.set(partners)
    return forum


def record_forum_meeting(*, meeting: ForumMeeting) -> ForumMeeting:
    meeting.save()
    return meeting


def record_forum_decision(*, decision: ForumDecision) -> ForumDecision:
    """A new decision, or the follow-up of one (status and what was done)."""
    decision.save()
    return decision


# --- Responsibility groups


def consented_partners(
    *, person: Person, partner_ids: Iterable[int], moment: dt.datetime
) -> set[int]:
    """Those of ``partner_ids`` a consent valid at ``moment`` names for cooperation
    about the person (hpl § 22, sosialtjenesteloven § 44: external parties only
    within consent). One query, whatever the number of partners."""
    return set(
        ConsentScope.objects.filter(
            valid_q(moment=moment, prefix="consent__"),
            consent__person=person,
            partner_id__in=list(partner_ids),
            category=Category.COOPERATION,
        ).values_list("partner_id", flat=True)
    )


def partner_consent_valid(
    *, person: Person, partner: ExternalPartner | None, moment: dt.datetime
) -> bool:
    return partner is not None and partner.pk in consented_partners(
        person=person, partner_ids=[partner.pk], moment=moment
    )


@transaction.atomic
def create_group(*, person: Person, user: User, today: dt.date) -> ResponsibilityGroup:
    group, created = ResponsibilityGroup.objects.get_or_create(
        person=person, defaults={"created_on": today}
    )
    staff = getattr(user, "staff", None)
    if created and staff is not None:
        membership = staff.memberships.select_related("unit").first()
        GroupMember.objects.create(
            group=group,
            kind=GroupMember.Kind.STAFF,
            user=user,
            unit=membership.unit if membership else None,
            name=user.get_full_name() or user.get_username(),
            role=_("Koordinator") if _is_coordinator(user, person) else "",
            phone=staff.phone,
            email=user.email,
        )
    return group


def _is_coordinator(user: User, person: Person) -> bool:
    return CoordinatorAssignment.objects.filter(
        person=person, coordinator=user, ended_on__isnull=True
    ).exists()


def add_member(*, group: ResponsibilityGroup, member: GroupMember, moment: dt.datetime) -> None:
    """Store a member; an external partner only within the person's consent."""
    member.group = group
    if member.kind == GroupMember.Kind.PARTNER and not partner_consent_valid(
        person=group.person, partner=member.partner, moment=moment
    ):
        raise ValidationError(
            _(
                "%(partner)s kan ikke være med i ansvarsgruppen: personen har ikke et gyldig "
                "samtykke som omfatter %(partner)s og samarbeidsmøter. Registrer samtykket først."
            )
            % {"partner": member.partner}
        )
    member.save()


def remove_member(*, member: GroupMember, today: dt.date) -> None:
    """The member leaves the group today; refused while they own open action items."""
    open_items = member.action_items.filter(status__in=OPEN_ITEM).count()
    if not rules.may_leave_group(open_items):
        raise ValidationError(
            _(
                "%(name)s har åpne oppfølgingspunkter. Lukk dem eller gi dem en annen ansvarlig først."
            )
            % {"name": member.name}
        )
    member.left_on = today
    member.save(update_fields=["left_on"])


def set_frequency(*, group: ResponsibilityGroup, weeks: int) -> None:
    """How often the group agrees to meet; missed meetings are counted from it."""
    group.frequency_weeks = weeks
    group.save(update_fields=["frequency_weeks"])


def plan_meeting(
    *,
    group: ResponsibilityGroup,
    starts_at: dt.datetime,
    duration_minutes: int,
    place: str,
    agenda: str,
    status: str,
) -> Meeting:
    return Meeting.objects.create(
        group=group,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        place=place,
        agenda=agenda,
        status=status,
    )


def group_page(*, group: ResponsibilityGroup, now: dt.datetime) -> dict[str, Any]:
    today = timezone.localdate(now)
    everyone = list(group.members.select_related("user", "unit", "partner"))
    members = [m for m in everyone if m.left_on is None]
    meetings = list(group.meetings.order_by("-starts_at"))
    held = [timezone.localdate(m.starts_at) for m in meetings if m.status == Meeting.Status.HELD]
    partner_ids = {
        m.partner_id
        for m in members
        if m.kind == GroupMember.Kind.PARTNER and m.partner_id is not None
    }
    consented = consented_partners(person=group.person, partner_ids=partner_ids, moment=now)
    return {
        "group": group,
        "members": [
            (m, m.kind != GroupMember.Kind.PARTNER or m.partner_id in consented) for m in members
        ],
        "former_members": [m for m in everyone if m.left_on is not None],
        "meetings": meetings,
        "open_items": list(
            group.action_items.filter(status__in=OPEN_ITEM).select_related("owner", "raised_in")
        ),
        "missed": rules.missed_meetings(held, group.created_on, today, group.frequency_weeks),
        "next_due": rules.next_due(held, group.created_on, group.frequency_weeks),
    }


def carried_items(*, meeting: Meeting) -> QuerySet[ActionItem]:
    """Action items from earlier meetings still open when this one starts: they
    are on its agenda until closed (forskrift § 21: the coordinator follows up)."""
    return (
        ActionItem.objects.filter(
            group_id=meeting.group_id, raised_in__starts_at__lt=meeting.starts_at
        )
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=meeting.starts_at))
        .select_related("owner", "raised_in")
    )


@transaction.atomic
def record_minutes(*, meeting: Meeting, minutes: str, attendees: Iterable[GroupMember]) -> None:
    meeting.minutes = minutes
    meeting.status = Meeting.Status.HELD
    meeting.save(update_fields=["minutes", "status"])
    meeting.attendees.set(attendees)


def add_action_item(*, meeting: Meeting, item: ActionItem) -> ActionItem:
    item.group_id = meeting.group_id
    item.raised_in = meeting
    item.save()
    return item


def set_item_status(
    *, item: ActionItem, status: str, meeting: Meeting | None, now: dt.datetime
) -> None:
    item.status = status
    if status == ActionItem.Status.CLOSED:
        # Closed at a meeting: it still belongs on that meeting's agenda.
        item.closed_at = meeting.starts_at if meeting else now
    else:
        item.closed_at = None
    item.save(update_fields=["status", "closed_at"])


# --- Calendar


def meeting_event(*, meeting: Meeting, url: str) -> rules.CalendarEvent:
    # The event leaves the access gate (calendar servers, phones, forwarded
    # invitations), so it carries no name or health information, only a
    # reference that leads back through the gate (hpl § 21, GDPR art. 9).
    reference = f"AG-{meeting.group_id}-{meeting.pk}"
    return rules.CalendarEvent(
        uid=f"helhet-ansvarsgruppe-{meeting.pk}@helhet",
        starts_at=meeting.starts_at,
        ends_at=meeting.starts_at + dt.timedelta(minutes=meeting.duration_minutes),
        summary=_("Ansvarsgruppemøte %(ref)s") % {"ref": reference},
        description=_("Referanse %(ref)s. Saksliste og deltakere i Helhet: %(url)s")
        % {"ref": reference, "url": url},
        location=meeting.place,
        cancelled=meeting.status == Meeting.Status.CANCELLED,
    )


def feed_event(*, meeting: Meeting, url: str) -> rules.CalendarEvent:
    """The meeting as the login-less calendar feed shows it: the time and a
    neutral title only. The place is free text (often the person's home
    address) and the group reference ties a person's meetings together, so
    both stay behind the login, at ``url`` (hpl § 21, GDPR art. 9)."""
    return rules.CalendarEvent(
        uid=f"helhet-ansvarsgruppe-{meeting.pk}@helhet",
        starts_at=meeting.starts_at,
        ends_at=meeting.starts_at + dt.timedelta(minutes=meeting.duration_minutes),
        summary=_("Ansvarsgruppemøte"),
        description=_("Sted, saksliste og deltakere i Helhet (krever innlogging): %(url)s")
        % {"url": url},
        location="",
        cancelled=meeting.status == Meeting.Status.CANCELLED,
    )


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_feed_token(*, user: User) -> str:
    """A new secret address; the old one stops working. Only the hash is kept."""
    token = secrets.token_urlsafe(32)
    CalendarFeed.objects.update_or_create(user=user, defaults={"token_hash": _token_hash(token)})
    return token


def feed_user(*, token: str) -> User | None:
    feed = (
        CalendarFeed.objects.filter(token_hash=_token_hash(token))
        .select_related("user__staff")
        .first()
    )
    if feed is None or not feed.user.is_active or getattr(feed.user, "staff", None) is None:
        return None
    return feed.user


def feed_meetings(*, user: User, now: dt.datetime) -> QuerySet[Meeting]:
    groups = GroupMember.objects.filter(user=user, left_on__isnull=True).values("group_id")
    coordinated = CoordinatorAssignment.objects.filter(
        coordinator=user, ended_on__isnull=True
    ).values("person_id")
    return Meeting.objects.filter(
        Q(group_id__in=groups) | Q(group__person_id__in=coordinated),
        group__person__municipality_id=user.staff.municipality_id,
        starts_at__gte=now - dt.timedelta(days=90),
    ).order_by("starts_at")


# --- Messages and attachments


def post_message(
    *, person: Person, user: User, body: str, upload: "UploadedFile[Any] | None" = None
) -> Message:
    """Store a message and its attachment; a refused attachment stores nothing."""
    if upload is not None:
        head = upload.read(16)
        upload.seek(0)
        errors = rules.attachment_errors(upload.name or "", upload.size or 0, head)
        if errors:
            raise ValidationError(errors)
    with transaction.atomic():
        message = Message.objects.create(
            person=person,
            author=user,
            author_name=user.get_full_name() or user.get_username(),
            body=body,
        )
        if upload is not None:
            _store_attachment(message, upload, head)
    return message


def _store_attachment(message: Message, upload: "UploadedFile[Any]", head: bytes) -> Attachment:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    attachment = Attachment(
        message=message,
        original_name=(upload.name or "")[-200:],
        content_type=rules.sniff_type(head) or "",
        size=upload.size or 0,
        sha256=digest.hexdigest(),
        stored_name=uuid.uuid4().hex,
    )
    attachment.file.save(attachment.stored_name, upload, save=False)
    attachment.save()
    return attachment


def messages_for(*, person: Person) -> QuerySet[Message]:
    return Message.objects.filter(person=person).prefetch_related("attachments")


# --- Who is around this person


# ("user", pk), ("unit", pk), ("partner", pk) or ("name", the name written)
ContactKey = tuple[str, int | str]


@dataclass
class Contact:
    order: int
    name: str
    roles: list[str] = field(default_factory=list)
    organisation: str = ""
    contact_person: str = ""
    phone: str = ""
    email: str = ""
    in_directory: bool = True


def around_person(*, person: Person, service_units: Iterable[int] | None = None) -> list[Contact]:
    """Everyone involved with the person, with contact details from the directory.

    A fixed number of queries, so the person page does not slow down with a
    large group. ``service_units`` limits the units listed by their decisions
    to those whose services the viewer may see (a unit's services are health
    information, see ``people.services.visible_services``)."""
    today = timezone.localdate()
    found: dict[ContactKey, Contact] = {}
    unit_ids: set[int] = set()
    partner_ids: set[int] = set()

    def add(key: ContactKey, order: int, name: str, role: str, **details: Any) -> None:
        contact = found.setdefault(key, Contact(order=order, name=name, **details))
        contact.order = min(contact.order, order)
        if role and role not in contact.roles:
            contact.roles.append(role)

    def add_staff(user: User, role: str, unit: Unit | None, order: int = 1) -> None:
        staff = getattr(user, "staff", None)
        add(
            ("user", user.pk),
            order,
            user.get_full_name() or user.get_username(),
            role,
            organisation=str(unit or ""),
            phone=staff.phone if staff else "",
            email=user.email,
        )

    for a in CoordinatorAssignment.objects.filter(
        person=person, ended_on__isnull=True, coordinator__isnull=False
    ).select_related("coordinator__staff", "unit"):
        if a.coordinator is not None:
            add_staff(a.coordinator, _("Koordinator"), a.unit, order=0)

    for m in GroupMember.objects.filter(group__person=person, left_on__isnull=True).select_related(
        "user__staff", "unit", "partner"
    ):
        _add_participant(add, add_staff, m, _("Ansvarsgruppe"), partner_ids)

    for p in Participant.objects.filter(
        plan__person=person, plan__status__in=OPEN_STATUSES
    ).select_related("user__staff", "unit", "partner"):
        _add_participant(add, add_staff, p, _("Deltaker i individuell plan"), partner_ids)

    services = Service.objects.filter(
        Service.active_on(today), person=person, basis=Service.Basis.DECISION
    ).select_related("unit")
    if service_units is not None:
        services = services.filter(unit_id__in=service_units)
    for s in services:
        add(("unit", s.unit_id), 4, s.unit.name, _("Vedtak: %(s)s") % {"s": s.name})
        unit_ids.add(s.unit_id)

    for measure in Measure.objects.filter(
        plan__person=person, plan__status__in=OPEN_STATUSES, responsible_partner__isnull=False
    ).select_related("responsible_partner"):
        partner = measure.responsible_partner
        assert partner is not None  # filtered above
        add(("partner", partner.pk), 5, partner.name, _("Tiltak"))
        partner_ids.add(partner.pk)

    _fill_from_directory(found, unit_ids, partner_ids)
    return sorted(found.values(), key=lambda c: (c.order, c.name))


def _add_participant(
    add: Callable[..., None],
    add_staff: Callable[..., None],
    p: GroupMember | Participant,
    role: str,
    partner_ids: set[int],
) -> None:
    """A group member or plan participant; both have kind/user/unit/partner/name."""
    if p.user_id:
        add_staff(p.user, role, p.unit)
    elif p.partner is not None:
        add(("partner", p.partner.pk), 5, p.partner.name, role)
        partner_ids.add(p.partner.pk)
        if p.name and p.name != p.partner.name:
            add(("name", p.name), 3, p.name, role, organisation=p.partner.name)
    else:
        add(("name", p.name), 2, p.name, role, phone=getattr(p, "phone", ""))


def _fill_from_directory(
    found: dict[ContactKey, Contact], unit_ids: set[int], partner_ids: set[int]
) -> None:
    entries = DirectoryEntry.objects.filter(
        Q(unit_id__in=unit_ids) | Q(partner_id__in=partner_ids)
    ).select_related("unit", "partner")
    by_key: dict[ContactKey, DirectoryEntry] = {
        ("unit", e.unit_id) if e.unit_id else ("partner", e.partner_id or 0): e for e in entries
    }
    for key, contact in found.items():
        if key[0] not in ("unit", "partner"):
            continue
        entry = by_key.get(key)
        if entry is None:
            contact.in_directory = False
            continue
        contact.contact_person = entry.contact_person
        contact.phone = entry.phone
        contact.email = entry.email
