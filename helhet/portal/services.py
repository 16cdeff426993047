"""The portal's reading and writing. Every write records who acted and for
whom (``PortalAction``); plan changes go through ``plans.services.change_plan``
so they enter the plan's version history as the person's own words."""

import datetime as dt
import logging
from collections import defaultdict
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from helhet.access import services as access_services
from helhet.access.models import AccessBlock, AccessLogEntry, EmergencyAccess
from helhet.consent import rules as consent_rules
from helhet.consent import services as consent_services
from helhet.consent.models import Consent
from helhet.consent.services import Scope
from helhet.cooperation.models import Meeting, Message
from helhet.cooperation.services import around_person, messages_for, post_message
from helhet.coordination.models import CoordinatorAssignment
from helhet.organisation.models import Unit
from helhet.people.models import Person
from helhet.plans import rules as plan_rules
from helhet.plans import services as plan_services
from helhet.plans.models import Goal, IndividualPlan, Participant, PlanVersion
from helhet.portal import rules
from helhet.portal.access import Acting
from helhet.portal.models import (
    EmergencyNotice,
    FeedbackAnswer,
    FeedbackGiven,
    GoalComment,
    NoticePreference,
    PortalAction,
    Representation,
    StaffAct,
)

logger = logging.getLogger(__name__)


class PortalRefused(Exception):
    """A change the portal does not allow; the message is for the user."""


def record(*, acting: Acting, kind: str, detail: str = "", accepted: bool = True) -> PortalAction:
    return PortalAction.objects.create(
        person=acting.person,
        actor=acting.user,
        representation=acting.representation,
        kind=kind,
        detail=detail[:300],
        accepted=accepted,
    )


def _acting_for(acting: Acting) -> str | None:
    return acting.person.full_name if acting.on_behalf else None


# --- my plan ----------------------------------------------------------------------


def current_plan(*, person: Person) -> IndividualPlan | None:
    """The open plan, else the most recent one."""
    plans = person.plans.order_by("-offered_on", "-pk")
    return plans.open().first() or plans.first()


def next_meeting(*, person: Person) -> Meeting | None:
    return (
        Meeting.objects.filter(
            group__person=person, status=Meeting.Status.PLANNED, starts_at__gte=timezone.now()
        )
        .order_by("starts_at")
        .first()
    )


def plan_view(*, person: Person) -> dict[str, Any]:
    plan = current_plan(person=person)
    context: dict[str, Any] = {
        "plan": plan,
        "next_meeting": next_meeting(person=person),
        "contacts": around_person(person=person),
    }
    if plan is None:
        context["coordinator"] = (
            CoordinatorAssignment.objects.filter(
                person=person, coordinator__isnull=False, ended_on__isnull=True
            )
            .select_related("coordinator__staff", "unit")
            .first()
        )
        return context
    page = plan_services.plan_page(plan_id=plan.pk)
    comments = defaultdict(list)
    for comment in GoalComment.objects.filter(goal__plan=plan):
        comments[comment.goal_id].append(comment)
    context.update(
        {
            "goals": [(g, measures, comments[g.pk]) for g, measures in page["goals"]],
            "coordinator": page["coordinator"],
            "crisis_plan": page["crisis_plan"],
            "participants": [p for p, _covered in page["participants"]],
            "editable": plan_rules.is_open(plan.status),
        }
    )
    return context


def save_goal(
    *,
    acting: Acting,
    plan: IndividualPlan,
    goal: Goal | None,
    version: int,
    fields: dict[str, Any],
) -> IndividualPlan:
    """Write or change a goal in the person's own words, as a new plan version."""
    if plan.person_id != acting.person.pk:
        raise PortalRefused(_("Fant ikke målet."))

    def apply(locked: IndividualPlan) -> str:
        if not plan_rules.is_open(locked.status):
            raise ValidationError(_("Planen er ikke åpen og kan ikke endres."))
        row = goal or Goal(plan=locked, position=locked.goals.count())
        is_new = row.pk is None
        for name, value in fields.items():
            setattr(row, name, value)
        row.full_clean()
        row.save()
        summary = _("Mål lagt til") if is_new else _("Mål endret")
        return rules.on_behalf_summary(summary, _acting_for(acting))

    with transaction.atomic():
        changed = plan_services.change_plan(
            plan_id=plan.pk, user=acting.user, expected_version=version, apply=apply
        )
        record(
            acting=acting,
            kind="mål",
            detail=_("Mål lagret, planversjon %(v)s") % {"v": changed.version},
        )
    return changed


def add_comment(*, acting: Acting, goal: Goal, text: str) -> GoalComment:
    with transaction.atomic():
        comment = GoalComment.objects.create(
            goal=goal,
            person=acting.person,
            author=acting.user,
            author_name=acting.actor_name[:200],
            on_behalf=acting.on_behalf,
            text=text,
        )
        record(acting=acting, kind="kommentar", detail=_("Kommentar til mål"))
    return comment


# --- consents ------------------------------------------------------------------------


def consents_of(*, person: Person) -> QuerySet[Consent]:
    return (
        person.consents.prefetch_related("scopes__unit", "scopes__partner")
        .select_related("renews", "registered_by")
        .order_by("-valid_from", "-id")
    )


def give_consent(
    *,
    acting: Acting,
    scopes: set[Scope],
    offered: list[Scope],
    purpose: str,
    valid_to: dt.date,
    covers_plan: bool,
) -> Consent | None:
    """The person's own digital consent (or their proxy's/guardian's): never staff's."""
    today = timezone.localdate()
    rep = acting.representation
    given_by = Consent.GivenBy.PERSON
    if rep is not None:
        given_by = (
            Consent.GivenBy.GUARDIAN
            if rep.kind == Representation.Kind.GUARDIAN
            else Consent.GivenBy.PROXY
        )
    with transaction.atomic():
        consent = consent_services.register(
            person=acting.person,
            actor=acting.user,
            scopes=scopes,
            offered=offered,
            purpose=purpose,
            given_by=given_by,
            giver_name=acting.actor_name[:200] if rep else "",
            given_how=Consent.GivenHow.DIGITAL,
            valid_from=today,
            valid_to=valid_to,
            form_version=consent_rules.CURRENT_FORM_VERSION,
            covers_plan=covers_plan,
        )
        record(acting=acting, kind="samtykke gitt" if consent else "samtykke avslått")
    return consent


def withdraw_consent(*, acting: Acting, consent: Consent) -> Consent:
    if consent.person_id != acting.person.pk:
        raise PortalRefused(_("Fant ikke samtykket."))
    with transaction.atomic():
        withdrawn = consent_services.withdraw(
            consent_id=consent.pk, actor=acting.user, note=_("Trukket tilbake på Min side")
        )
        record(
            acting=acting, kind="samtykke trukket", detail=_("Samtykke %(pk)s") % {"pk": consent.pk}
        )
    return withdrawn


# --- who has seen my data; blocking; notices ---------------------------------------


def access_log(
    *, person: Person, year: str | None = None, cursor: str | None = None
) -> access_services.LogPage:
    """One page of everyone else's reads and changes, newest first (pjl § 18);
    the access app reads the log (bounded by date, one query per page)."""
    return access_services.own_log(person=person, year=year, cursor=cursor)


def block_candidates(*, person: Person) -> list[User]:
    """Staff the person can name: those who have looked at or work with their data."""
    # Those who read the person's data in the last year: a bounded read of the log.
    seen = access_services.viewers_since(person=person)
    coordinators = CoordinatorAssignment.objects.filter(person=person).values("coordinator_id")
    participants = Participant.objects.filter(plan__person=person).values("user_id")
    blocked = AccessBlock.objects.filter(person=person, lifted_at__isnull=True).values(
        "staff_user_id"
    )
    return list(
        get_user_model()
        .objects.filter(
            Q(pk__in=seen) | Q(pk__in=coordinators) | Q(pk__in=participants),
            staff__municipality_id=person.municipality_id,
            is_active=True,
        )
        .exclude(pk__in=blocked)
        .select_related("staff")
        .order_by("last_name", "first_name")
    )


def active_blocks(*, person: Person) -> QuerySet[AccessBlock]:
    return AccessBlock.objects.filter(person=person, lifted_at__isnull=True).select_related(
        "staff_user"
    )


def block(*, acting: Acting, staff_user: User) -> AccessBlock:
    try:
        with transaction.atomic():
            found = AccessBlock.objects.create(
                person=acting.person, staff_user=staff_user, created_by=acting.user
            )
            record(
                acting=acting,
                kind="sperring",
                detail=_("Sperret ansatt %(pk)s") % {"pk": staff_user.pk},
            )
    except IntegrityError as error:
        raise PortalRefused(_("Denne ansatte er allerede sperret.")) from error
    return found


def lift_block(*, acting: Acting, found: AccessBlock) -> None:
    if found.person_id != acting.person.pk or found.lifted_at is not None:
        raise PortalRefused(_("Fant ikke sperringen."))
    with transaction.atomic():
        AccessBlock.objects.filter(pk=found.pk, lifted_at__isnull=True).update(
            lifted_at=timezone.now(), lifted_by=acting.user
        )
        record(
            acting=acting, kind="sperring opphevet", detail=_("Sperring %(pk)s") % {"pk": found.pk}
        )


def set_notice(*, acting: Acting, email: str, emergency: bool) -> NoticePreference:
    with transaction.atomic():
        preference, _created = NoticePreference.objects.update_or_create(
            person=acting.person, defaults={"email": email, "emergency": emergency}
        )
        record(
            acting=acting,
            kind="varsling",
            detail=_("Varsling ved nødtilgang: %(on)s") % {"on": emergency},
        )
    return preference


NOTICE_TEXT = "Det er brukt nødtilgang til opplysningene dine"


def notify_emergency(*, grant: EmergencyAccess) -> None:
    """The gate's hook: tell the person that emergency access was used, if they
    asked. Nothing about the person or the staff member goes in the e-mail —
    it may be read by others; the details are on Min side."""
    preference = NoticePreference.objects.filter(person_id=grant.person_id, emergency=True).first()
    if preference is None or not preference.email:
        return
    try:
        send_mail(
            _("Varsel fra Helhet"),
            _("%(text)s. Logg inn på Min side for å se hvem og hvorfor.") % {"text": NOTICE_TEXT},
            None,
            [preference.email],
        )
        delivered = True
    except OSError:
        # A mail server that is down must not stop emergency help.
        logger.warning("Emergency notice could not be sent (grant %s)", grant.pk)
        delivered = False
    EmergencyNotice.objects.create(
        person_id=grant.person_id, emergency_access=grant, delivered=delivered
    )


# --- proxies and guardians ------------------------------------------------------------


def representations_of(*, person: Person) -> QuerySet[Representation]:
    return person.representations.select_related("representative").order_by("-created_at")


def give_representation(
    *,
    acting_user: User,
    person: Person,
    representative: User,
    kind: str,
    rights: set[str],
    valid_from: dt.date,
    valid_to: dt.date,
    reference: str = "",
) -> Representation:
    # Proxies and guardians are never staff accounts: no one widens their own
    # access through Min side (docs/consent.md). The answer is the one an
    # unknown username gets, so it does not tell who is staff.
    if rules.is_staff_account(representative) or not representative.is_active:
        raise PortalRefused(str(rules.NOT_A_REPRESENTATIVE))
    if representative.pk == acting_user.pk and kind == Representation.Kind.PROXY:
        raise PortalRefused(_("Du kan ikke gi fullmakt til deg selv."))
    if (
        getattr(representative, "person", None) is not None
        and representative.person.pk == person.pk
    ):
        raise PortalRefused(_("Personen kan ikke være sin egen representant."))
    error = rules.period_error(valid_from, valid_to)
    if error:
        raise PortalRefused(error)
    return Representation.objects.create(
        person=person,
        representative=representative,
        kind=kind,
        read_plan="read_plan" in rights,
        edit_goals="edit_goals" in rights,
        consents="consents" in rights,
        messages="messages" in rights,
        valid_from=valid_from,
        valid_to=valid_to,
        given_by=acting_user,
        reference=reference[:100],
    )


def register_guardian(
    *, actor: User, person: Person, log_entry: AccessLogEntry, link: str, **fields: Any
) -> Representation:
    """A guardian registered by staff from the guardianship decision, with its
    reference and scope. Privileged (docs/consent.md): the view has asked the
    gate (Action.REGISTER_GUARDIAN: the coordinating unit or a unit head);
    ``log_entry`` is its flagged row; the person is told."""
    from helhet.portal import notices

    if not fields.get("reference", "").strip():
        raise PortalRefused(_("Skriv referansen til vedtaket om vergemål."))
    with transaction.atomic():
        found = give_representation(
            acting_user=actor, person=person, kind=Representation.Kind.GUARDIAN, **fields
        )
        notices.record_act(
            kind=StaffAct.Kind.GUARDIAN,
            person=person,
            actor=actor,
            log_entry=log_entry,
            link=link,
            representation=found,
        )
    return found


def give_proxy(*, acting: Acting, **fields: Any) -> Representation:
    if acting.on_behalf:
        raise PortalRefused(_("Bare personen selv kan gi fullmakt."))
    with transaction.atomic():
        found = give_representation(
            acting_user=acting.user, person=acting.person, kind=Representation.Kind.PROXY, **fields
        )
        record(acting=acting, kind="fullmakt gitt", detail=_("Fullmakt %(pk)s") % {"pk": found.pk})
    return found


def revoke(*, acting: Acting, representation: Representation) -> None:
    if representation.person_id != acting.person.pk or representation.revoked_at is not None:
        raise PortalRefused(_("Fant ikke fullmakten."))
    if acting.on_behalf or representation.kind != Representation.Kind.PROXY:
        raise PortalRefused(_("Bare personen selv kan trekke tilbake en fullmakt."))
    with transaction.atomic():
        Representation.objects.filter(pk=representation.pk).update(revoked_at=timezone.now())
        record(
            acting=acting,
            kind="fullmakt trukket",
            detail=_("Fullmakt %(pk)s") % {"pk": representation.pk},
        )


# --- messages -------------------------------------------------------------------------


def messages(*, person: Person) -> QuerySet[Message]:
    return messages_for(person=person)[:100]


def send_message(*, acting: Acting, body: str) -> Message:
    with transaction.atomic():
        message = post_message(person=acting.person, user=acting.user, body=body)
        record(acting=acting, kind="melding", detail=_("Melding %(pk)s") % {"pk": message.pk})
    return message


# --- feedback ("Gjør hjelpen ting bedre?") ------------------------------------------


def _coordinating_unit(person: Person) -> Unit | None:
    assignment = (
        CoordinatorAssignment.objects.filter(person=person, unit__isnull=False)
        .order_by("ended_on", "-assigned_on", "-pk")
        .first()
    )
    return assignment.unit if assignment else None


def pending_feedback(*, person: Person, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """Held meetings and plan evaluations (a new revision date set) in the
    last 90 days that the person has not answered about."""
    now = now or timezone.now()
    unit = _coordinating_unit(person)
    if unit is None:
        return []
    since = now - rules.FEEDBACK_WINDOW
    answered = set(FeedbackGiven.objects.filter(person=person).values_list("occasion", flat=True))
    found = []
    for meeting in Meeting.objects.filter(
        group__person=person, status=Meeting.Status.HELD, starts_at__gte=since, starts_at__lte=now
    ).order_by("-starts_at"):
        key = rules.occasion_key(FeedbackAnswer.Occasion.MEETING, meeting.pk)
        if key not in answered:
            found.append(
                {
                    "key": key,
                    "kind": FeedbackAnswer.Occasion.MEETING,
                    "label": _("Møtet %(d)s")
                    % {"d": timezone.localtime(meeting.starts_at).strftime("%d.%m.%Y")},
                    "unit": unit,
                }
            )
    for version in PlanVersion.objects.filter(
        plan__person=person, created_at__gte=since, created_at__lte=now
    ).order_by("-created_at"):
        if not any(c.get("field") == "revision_due" for c in version.changes):
            continue
        key = rules.occasion_key(FeedbackAnswer.Occasion.EVALUATION, version.pk)
        if key not in answered:
            found.append(
                {
                    "key": key,
                    "kind": FeedbackAnswer.Occasion.EVALUATION,
                    "label": _("Evalueringen av planen %(d)s")
                    % {"d": timezone.localtime(version.created_at).strftime("%d.%m.%Y")},
                    "unit": unit,
                }
            )
    return found


def answer_feedback(*, acting: Acting, occasion: dict[str, Any], score: int, text: str) -> None:
    """Store the answer without any link to the person; remember only that
    they answered, so the question is not asked twice."""
    try:
        with transaction.atomic():
            FeedbackGiven.objects.create(person=acting.person, occasion=occasion["key"])
            FeedbackAnswer.objects.create(
                municipality_id=acting.person.municipality_id,
                unit=occasion["unit"],
                occasion=occasion["kind"],
                month=rules.month_of(timezone.localdate()),
                score=score,
                text=text,
            )
            record(acting=acting, kind="tilbakemelding")
    except IntegrityError as error:
        raise PortalRefused(_("Du har allerede svart på dette.")) from error


def feedback_overview(*, municipality_id: int) -> list[dict[str, Any]]:
    """Per unit: answers counted, mean and spread — "<5" for small cells."""
    scores, texts, units = defaultdict(list), defaultdict(list), {}
    for answer in FeedbackAnswer.objects.filter(municipality_id=municipality_id).select_related(
        "unit"
    ):
        units[answer.unit_id] = answer.unit
        scores[answer.unit_id].append(answer.score)
        if answer.text.strip():
            texts[answer.unit_id].append(answer.text.strip())
    rows = []
    for unit_id, unit in sorted(units.items(), key=lambda item: item[1].name):
        row = {"unit": unit, **rules.aggregate(scores[unit_id])}
        # Free text only where the cell is large enough, in no particular order of time.
        row["texts"] = [] if row["suppressed"] else sorted(texts[unit_id])
        rows.append(row)
    return rows
