"""Intake's database work: registering, deciding, starting, escalating."""

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from helhet.access import gate
from helhet.access.models import Action
from helhet.coordination.models import CoordinatorAssignment, LocalRoutine, naming_routine
from helhet.core.replica import reporting
from helhet.exchange import outbox
from helhet.exchange.models import EventType
from helhet.intake import access, rules
from helhet.intake.models import Appeal, Application, Decision, InvestigationNote
from helhet.intake.models import SocialAssistanceFacts as SocialFacts
from helhet.organisation import picklists
from helhet.organisation.models import Role, StaffMember, Unit
from helhet.people import identity
from helhet.people.models import Person, Service
from helhet.people.services import guessed_service_type

# --- Registering --------------------------------------------------------------


def find_or_create_person(
    *, municipality_id: int, national_id: str, given_name: str, family_name: str
) -> Person:
    """The person with this number in the municipality, or a new one.

    Exact number only, never a search: a caseworker learns that a person exists
    only by being handed their application.
    """
    national_id = identity.clean_national_id(national_id)
    person = Person.objects.filter(municipality_id=municipality_id, national_id=national_id).first()
    if person is not None:
        return person
    if not identity.carries_birth_date(national_id):
        raise ValidationError(
            {
                "national_id": _(
                    "Et FH-nummer har ingen fødselsdato eller kjønn. Registrer personen "
                    "under «Personer» først."
                )
            }
        )
    if not (given_name.strip() and family_name.strip()):
        raise ValidationError(
            {
                "given_name": _(
                    "Personen er ikke registrert i kommunen. Fyll ut fornavn og etternavn."
                )
            }
        )
    return Person.objects.create(
        municipality_id=municipality_id,
        national_id=national_id,
        given_name=given_name.strip(),
        family_name=family_name.strip(),
    )


@transaction.atomic
def register_application(*, user: User, person: Person, **fields: Any) -> Application:
    application = Application(person=person, registered_by=user, **fields)
    if application.channel == Application.Channel.ORAL:
        application.written_down_by = user
    application.save()
    if application.kind == Application.Kind.FINANCIAL:
        SocialFacts.objects.create(application=application)
    # The gate decides on the new application as subject (the unit it is
    # addressed to), so a person's block of the user holds here too.
    decision = gate.check(
        user,
        person,
        Action.EDIT,
        category=access.category_for(application),
        what="registrert søknad",
        owner_unit=application.unit_id,
        subject=application,
    )
    if not decision.granted:
        raise PermissionDenied(
            _("Du har ikke tilgang til denne saken: %(reason)s") % {"reason": decision.detail}
        )
    return application


def add_note(
    *, application: Application, user: User, kind: str, noted_on: dt.date, text: str
) -> InvestigationNote:
    if noted_on < application.received_on:
        raise ValidationError({"noted_on": _("Notatet kan ikke være fra før søknaden kom inn.")})
    note = InvestigationNote.objects.create(
        application=application, kind=kind, noted_on=noted_on, text=text, author=user
    )
    if application.status == Application.Status.RECEIVED:
        application.status = Application.Status.INVESTIGATING
        application.save(update_fields=["status"])
    return note


def mark_acknowledged(*, application: Application, day: dt.date) -> None:
    if day < application.received_on:
        raise ValidationError(_("Kvitteringen kan ikke være sendt før søknaden kom inn."))
    application.acknowledged_on = day
    application.save(update_fields=["acknowledged_on"])


def record_preliminary_answer(
    *, application: Application, day: dt.date, reason: str, expected_by: dt.date
) -> None:
    if day < application.received_on:
        raise ValidationError({"sent_on": _("Svaret kan ikke være sendt før søknaden kom inn.")})
    if expected_by <= day:
        raise ValidationError(
            {"expected_by": _("Forventet svardato må være etter datoen svaret sendes.")}
        )
    application.preliminary_sent_on = day
    application.preliminary_reason = reason
    application.expected_answer_by = expected_by
    application.save(
        update_fields=["preliminary_sent_on", "preliminary_reason", "expected_answer_by"]
    )


# --- Deciding -----------------------------------------------------------------


def nav_facts(*, application: Application, granted: bool, decided_on: dt.date) -> rules.NavFacts:
    facts = getattr(application, "social_facts", None) or SocialFacts(application=application)
    return rules.NavFacts(
        age=identity.age_on(application.person.birth_date, decided_on),
        granted=granted,
        decided_on=decided_on,
        guidance_informed=facts.guidance_informed,
        guidance_wish=facts.guidance_wish,
        guidance_given=facts.guidance_given,
        guidance_decided_on=facts.guidance_decided_on,
        activity_condition=bool(facts.activity_condition.strip()),
        weighty_reasons=bool(facts.weighty_reasons.strip()),
        kvp_criteria=facts.kvp_criteria,
        kvp_assessed_on=facts.kvp_assessed_on,
        covers_child_17=facts.covers_child_17,
        child_heard_on=facts.child_heard_on,
        best_interests=bool(facts.best_interests.strip()),
    )


def decision_problems(*, application: Application, decision: Decision) -> dict[str, list[str]]:
    """Everything that stops this decision, by form field ('__all__' for NAV rules)."""
    facts = rules.DecisionFacts(
        granted=decision.outcome == Decision.Outcome.GRANTED,
        received_on=application.received_on,
        decided_on=decision.decided_on,
        service_name=decision.service_name,
        scope=decision.scope,
        has_provider=decision.provider_id is not None,
        period_from=decision.period_from,
        period_to=decision.period_to,
        evaluation_on=decision.evaluation_on,
        reasons=decision.reasons,
    )
    problems = {field: [message] for field, message in rules.decision_errors(facts).items()}
    if application.kind == Application.Kind.FINANCIAL:
        nav = rules.nav_problems(
            nav_facts(
                application=application, granted=facts.granted, decided_on=decision.decided_on
            )
        )
        if nav:
            problems["__all__"] = nav
    return problems


@transaction.atomic
def make_decision(*, application: Application, user: User, **fields: Any) -> Decision:
    if not application.is_open:
        raise ValidationError(_("Søknaden er allerede avgjort eller trukket."))
    decision = Decision(application=application, caseworker=user, **fields)
    if decision.outcome == Decision.Outcome.REFUSED:
        # A refusal gives no service; stray grant fields would mislead the letter.
        decision.provider = None
        decision.period_from = decision.period_to = decision.evaluation_on = None
    problems = decision_problems(application=application, decision=decision)
    if problems:
        raise ValidationError(problems)
    decision.save()
    application.status = Application.Status.DECIDED
    application.save(update_fields=["status"])
    outbox.decision_event(EventType.DECISION_MADE, decision)
    return decision


def sign_decision(*, decision: Decision, user: User, day: dt.date) -> None:
    if decision.is_signed:
        raise ValidationError(_("Vedtaket er allerede signert av leder."))
    if decision.caseworker_id == user.pk:
        raise ValidationError(_("Saksbehandleren kan ikke også signere som leder."))
    decision.approved_by = user
    decision.approved_on = day
    decision.save(update_fields=["approved_by", "approved_on"])


def mark_letter_sent(
    *,
    decision: Decision,
    day: dt.date,
    delivery: str = rules.Delivery.POST,
    received_on: dt.date | None = None,
) -> None:
    """Record how and when the letter went. The appeal deadline counts from the
    day it reached the person (``rules.deemed_received``): handed over or in the
    digital mailbox, that day; by post, the day recorded with
    ``record_letter_received``."""
    if not decision.is_signed:
        raise ValidationError(_("Vedtaket må være signert av leder før brevet sendes."))
    if day < decision.decided_on:
        raise ValidationError({"day": _("Brevet kan ikke være sendt før vedtaksdatoen.")})
    if delivery not in {choice.value for choice in rules.Delivery}:
        raise ValidationError({"delivery": _("Velg hvordan brevet ble levert.")})
    if received_on is not None and received_on < day:
        raise ValidationError(
            {"received_on": _("Brevet kan ikke ha kommet fram før det ble sendt.")}
        )
    decision.letter_sent_on = day
    decision.letter_delivery = delivery
    decision.letter_received_on = received_on
    decision.save(update_fields=["letter_sent_on", "letter_delivery", "letter_received_on"])


def record_letter_received(*, decision: Decision, day: dt.date) -> None:
    """The day the person received the letter (e.g. told by them, or a receipt):
    from it the appeal deadline runs (fvl. § 29; pbrl. § 7-5)."""
    if decision.letter_sent_on is None:
        raise ValidationError(_("Registrer først at vedtaksbrevet er sendt."))
    if day < decision.letter_sent_on:
        raise ValidationError({"day": _("Brevet kan ikke ha kommet fram før det ble sendt.")})
    decision.letter_received_on = day
    decision.save(update_fields=["letter_received_on"])


@transaction.atomic
def confirm_start(*, decision: Decision, user: User, started_on: dt.date) -> Service:
    """The providing unit confirms the start; the decision becomes the person's
    service with basis «vedtak», the unit's lawful relation in the gate."""
    if not (decision.is_granted and decision.is_signed):
        raise ValidationError(_("Bare et signert, innvilget vedtak kan startes."))
    if decision.application.kind == Application.Kind.COORDINATION:
        raise ValidationError(_("Koordinator følges opp gjennom koordinatoransvaret."))
    if decision.started_on is not None:
        raise ValidationError(_("Oppstart er allerede bekreftet."))
    if started_on < decision.decided_on:
        raise ValidationError({"started_on": _("Tjenesten kan ikke starte før vedtaksdatoen.")})
    if decision.period_to and started_on > decision.period_to:
        raise ValidationError({"started_on": _("Startdatoen er etter at vedtaksperioden slutter.")})
    provider = decision.provider
    if provider is None:
        # A granted decision always names its provider (rules.decision_errors).
        raise ValidationError(_("Vedtaket mangler utførende enhet."))
    service = Service.objects.create(
        person=decision.application.person,
        unit=provider,
        name=decision.service_name,
        type=guessed_service_type(
            unit_kind=provider.kind,
            basis=Service.Basis.DECISION,
            name=decision.service_name,
        ),
        basis=Service.Basis.DECISION,
        decision_reference=decision.reference,
        valid_from=started_on,
        valid_to=decision.period_to,
    )
    decision.started_on = started_on
    decision.started_confirmed_by = user
    decision.service = service
    decision.save(update_fields=["started_on", "started_confirmed_by", "service"])
    outbox.decision_event(EventType.DECISION_STARTED, decision)
    return service


def register_appeal(
    *,
    decision: Decision,
    user: User,
    received_on: dt.date,
    grounds: str,
    posted_on: dt.date | None = None,
) -> Appeal:
    if received_on < decision.decided_on:
        raise ValidationError(
            {"received_on": _("En klage kan ikke være mottatt før vedtaket ble fattet.")}
        )
    if posted_on is not None and not decision.decided_on <= posted_on <= received_on:
        raise ValidationError(
            {
                "posted_on": _(
                    "Postlagt-datoen må være etter vedtaket og ikke etter at klagen kom inn."
                )
            }
        )
    return Appeal.objects.create(
        decision=decision,
        received_on=received_on,
        posted_on=posted_on,
        grounds=grounds,
        registered_by=user,
    )


def set_appeal_status(*, appeal: Appeal, status: str, day: dt.date) -> None:
    if day < appeal.received_on:
        raise ValidationError(_("Statusdatoen kan ikke være før klagen kom inn."))
    appeal.status = status
    appeal.status_changed_on = day
    appeal.save(update_fields=["status", "status_changed_on"])


# --- Coordinator responsibility (hol §§ 7-2, 7-3) ------------------------------


@transaction.atomic
def assign_coordinator_unit(
    *, decision: Decision, unit: Unit, wishes: str, assigned_on: dt.date
) -> CoordinatorAssignment:
    application = decision.application
    if application.kind != Application.Kind.COORDINATION or not decision.is_granted:
        raise ValidationError(
            _("Koordinatoransvar tildeles etter et innvilget vedtak om koordinator.")
        )
    if not decision.is_signed:
        raise ValidationError(_("Vedtaket må være signert av leder først."))
    if decision.coordinator_assignment_id:
        raise ValidationError(_("Koordinatoransvaret er allerede tildelt."))
    if unit.municipality_id != application.person.municipality_id:
        raise ValidationError({"unit": _("Enheten må høre til kommunen.")})
    if assigned_on < decision.decided_on:
        raise ValidationError({"assigned_on": _("Ansvaret kan ikke tildeles før vedtaket.")})
    assignment = CoordinatorAssignment.objects.create(
        person=application.person,
        offered_on=decision.decided_on,
        response=CoordinatorAssignment.Response.ACCEPTED,
        unit=unit,
        assigned_on=assigned_on,
        person_wishes=wishes,
    )
    decision.coordinator_assignment = assignment
    decision.save(update_fields=["coordinator_assignment"])
    return assignment


def is_municipal_staff(*, user: User, municipality_id: int) -> bool:
    staff = getattr(user, "staff", None)
    return staff is not None and staff.municipality_id == municipality_id


def name_coordinator(
    *, assignment: CoordinatorAssignment, by: User, coordinator: User | None, named_on: dt.date
) -> None:
    """hol § 7-2: the coordinator is an employee of the municipality."""
    if coordinator is None or not is_municipal_staff(
        user=coordinator, municipality_id=assignment.person.municipality_id
    ):
        raise ValidationError({"coordinator": _("Koordinatoren må være ansatt i kommunen.")})
    if assignment.coordinator_id:
        raise ValidationError(_("Koordinator er allerede oppnevnt."))
    if assignment.assigned_on and named_on < assignment.assigned_on:
        raise ValidationError(
            {"named_on": _("Koordinatoren kan ikke oppnevnes før enheten fikk ansvaret.")}
        )
    days = naming_days(municipality_id=assignment.person.municipality_id)
    state = rules.naming_state(assignment.assigned_on, None, named_on, days=days)
    if state == rules.State.ESCALATED and assignment.escalated_on is None:
        # Escalated: the unit got the request on a day and a deadline applies.
        assert assignment.assigned_on is not None
        deadline = rules.naming_deadline(assignment.assigned_on, days)
        assert deadline is not None
        assignment.escalated_on = deadline + dt.timedelta(1)
    assignment.coordinator = coordinator
    assignment.named_by = by
    assignment.named_on = named_on
    assignment.save(update_fields=["coordinator", "named_by", "named_on", "escalated_on"])


def mark_coordinator_letter_sent(*, assignment: CoordinatorAssignment, day: dt.date) -> None:
    if assignment.coordinator_id is None:
        raise ValidationError(_("Brevet kan sendes når koordinatoren er oppnevnt."))
    if assignment.named_on is not None and day < assignment.named_on:
        raise ValidationError(_("Brevet kan ikke være sendt før koordinatoren ble oppnevnt."))
    assignment.letter_sent_on = day
    assignment.save(update_fields=["letter_sent_on"])


def naming_days(*, municipality_id: int) -> int | None:
    """The municipality's own deadline for naming a coordinator; None if it set none."""
    routine = naming_routine(municipality_id)
    return routine.days if routine else None


def record_escalations(*, today: dt.date) -> int:
    """Stamp the escalation date on requests past the naming deadline of their
    municipality's own routine; a municipality without one escalates nothing."""
    escalated = 0
    for routine in LocalRoutine.objects.filter(kind=LocalRoutine.Kind.COORDINATOR_NAMING):
        escalated += CoordinatorAssignment.objects.filter(
            person__municipality_id=routine.municipality_id,
            unit__isnull=False,
            coordinator__isnull=True,
            ended_on__isnull=True,
            escalated_on__isnull=True,
            assigned_on__lt=today - dt.timedelta(days=routine.days),
        ).update(escalated_on=today)
    return escalated


def coordinator_candidates(*, municipality_id: int) -> QuerySet[User]:
    """Staff of the municipality in case roles of service units (a coordinator
    works with the person, hol. § 7-2), with their coordinator training date and
    how many persons each already coordinates (``coordinating``), counted in SQL."""
    return picklists.case_staff(municipality_id).annotate(
        coordinating=Count(
            "coordinator_assignments",
            filter=Q(coordinator_assignments__ended_on__isnull=True),
            distinct=True,
        )
    )


# --- Work list ----------------------------------------------------------------


@dataclass(frozen=True)
class WorkItem:
    key: str
    kind: str
    task: str
    person: Person
    deadline: dt.date | None
    url: str


KIND_ORDER: dict[str, int] = {rules.State.ESCALATED: 0, rules.State.OVERDUE: 1, rules.State.DUE: 2}
DUE = rules.State.DUE
OVERDUE = rules.State.OVERDUE
ESCALATED = rules.State.ESCALATED


def _application_items(receiving: set[int], today: dt.date) -> Iterator[WorkItem]:
    open_apps = Application.objects.filter(
        unit_id__in=receiving,
        status__in=[Application.Status.RECEIVED, Application.Status.INVESTIGATING],
    ).select_related("person")
    for app in open_apps:
        url = reverse("intake:application", args=[app.pk])
        if app.acknowledged_on is None:
            yield WorkItem(
                f"soknad:{app.pk}:kvittering", DUE, _("Send kvittering"), app.person, None, url
            )
        state = rules.preliminary_answer_state(
            app.received_on, today, sent_on=app.preliminary_sent_on
        )
        if state in (DUE, OVERDUE):
            yield WorkItem(
                f"soknad:{app.pk}:forelopig",
                state,
                _("Foreløpig svar (fvl. § 11a)"),
                app.person,
                rules.preliminary_answer_deadline(app.received_on),
                url,
            )


def _decision_items(
    user: User, receiving: set[int], heads: set[int], member_units: set[int], today: dt.date
) -> Iterator[WorkItem]:
    decisions = Decision.objects.filter(
        application__unit_id__in=receiving | heads | member_units
    ).select_related("application__person")
    for d in decisions.filter(approved_by__isnull=True, application__unit_id__in=heads).exclude(
        caseworker=user
    ):
        yield WorkItem(
            f"vedtak:{d.pk}:signer",
            DUE,
            _("Signer vedtak som leder"),
            d.application.person,
            None,
            reverse("intake:decision", args=[d.pk]),
        )
    signed = decisions.filter(approved_by__isnull=False)
    for d in signed.filter(letter_sent_on__isnull=True, application__unit_id__in=receiving):
        yield WorkItem(
            f"vedtak:{d.pk}:brev",
            DUE,
            _("Send vedtaksbrev"),
            d.application.person,
            None,
            reverse("intake:decision", args=[d.pk]),
        )
    unstarted = (
        Decision.objects.filter(
            approved_by__isnull=False,
            outcome=Decision.Outcome.GRANTED,
            started_on__isnull=True,
        )
        .exclude(application__kind=Application.Kind.COORDINATION)
        .select_related("application__person")
    )
    for d in unstarted.filter(provider_id__in=member_units):
        yield WorkItem(
            f"vedtak:{d.pk}:oppstart",
            OVERDUE if d.period_from is not None and d.period_from < today else DUE,
            _("Bekreft oppstart av tjenesten"),
            d.application.person,
            d.period_from,
            reverse("intake:decision", args=[d.pk]),
        )
    for d in unstarted.filter(application__unit_id__in=receiving).exclude(
        provider_id__in=member_units
    ):
        yield WorkItem(
            f"vedtak:{d.pk}:ikke-startet",
            OVERDUE if d.period_from is not None and d.period_from < today else DUE,
            _("Vedtak ikke startet hos utførende enhet"),
            d.application.person,
            d.period_from,
            reverse("intake:decision", args=[d.pk]),
        )
    appeals = Appeal.objects.filter(
        status=Appeal.Status.RECEIVED, decision__application__unit_id__in=receiving
    ).select_related("decision__application__person")
    for a in appeals:
        deadline = rules.preliminary_answer_deadline(a.received_on)
        yield WorkItem(
            f"klage:{a.pk}:behandle",
            OVERDUE if today > deadline else DUE,
            _("Behandle klage"),
            a.decision.application.person,
            deadline,
            reverse("intake:decision", args=[a.decision_id]),
        )


def _assignment_items(
    user: User, heads: set[int], municipality_id: int, today: dt.date
) -> Iterator[WorkItem]:
    open_requests = CoordinatorAssignment.objects.filter(
        person__municipality_id=municipality_id,
        unit__isnull=False,
        assigned_on__isnull=False,
        ended_on__isnull=True,
    ).select_related("person")
    is_ke = access.has_role(user, Role.COORDINATING_UNIT)
    is_sector_head = access.has_role(user, Role.SECTOR_HEAD)
    routine = naming_routine(municipality_id)
    days = routine.days if routine else None
    task = (
        _("Oppnevn koordinator (innen %(days)s dager, %(routine)s)")
        % {"days": routine.days, "routine": routine.name}
        if routine
        else _("Oppnevn koordinator")
    )
    for a in open_requests.filter(coordinator__isnull=True):
        state = rules.naming_state(a.assigned_on, None, today, days=days)
        if a.unit_id in heads or is_ke or (is_sector_head and state == ESCALATED):
            yield WorkItem(
                f"koordinator:{a.pk}:oppnevn",
                DUE if state == rules.State.PENDING else state,
                task,
                a.person,
                rules.naming_deadline(a.assigned_on, days) if a.assigned_on else None,
                reverse("intake:request", args=[a.pk]),
            )
    if is_ke:
        unsent = open_requests.filter(
            coordinator__isnull=False, letter_sent_on__isnull=True, intake_decision__isnull=False
        )
        for a in unsent:
            yield WorkItem(
                f"koordinator:{a.pk}:brev",
                DUE,
                _("Send brev om koordinator til personen"),
                a.person,
                None,
                reverse("intake:request", args=[a.pk]),
            )


def work_items(*, user: User, today: dt.date) -> list[WorkItem]:
    """What is due, overdue or escalated for this user, most urgent first."""
    municipality_id = access.municipality_id(user)
    if municipality_id is None:
        return []
    receiving = access.unit_ids(user, access.RECEIVING_ROLES)
    heads = access.unit_ids(user, {Role.LEADER})
    member_units = access.unit_ids(user)
    found: dict[str, WorkItem] = {}
    for item in (
        *_application_items(receiving, today),
        *_decision_items(user, receiving, heads, member_units, today),
        *_assignment_items(user, heads, municipality_id, today),
    ):
        found.setdefault(item.key, item)
    hidden = set(gate.blocked_person_ids(user))
    return sorted(
        (item for item in found.values() if item.person.pk not in hidden),
        key=lambda i: (KIND_ORDER[i.kind], i.deadline or dt.date.max, i.key),
    )


def count_by_kind(*, items: Iterable[WorkItem]) -> dict[str, int]:
    counts: dict[str, int] = {DUE: 0, OVERDUE: 0, ESCALATED: 0}
    for item in items:
        counts[item.kind] += 1
    return counts


# --- Case list and statistics ---------------------------------------------------


def case_list(*, user: User, status: str = "") -> QuerySet[Application]:
    queryset = (
        Application.objects.filter(unit_id__in=access.unit_ids(user, access.UNIT_CASE_ROLES))
        # A person who blocked the user is not on their lists (the gate's rule 4).
        .exclude(person_id__in=gate.blocked_person_ids(user))
        .select_related("person", "unit")
        .order_by("-received_on", "-id")
    )
    if status:
        queryset = queryset.filter(status=status)
    return queryset


@dataclass(frozen=True)
class MonthStats:
    month: dt.date
    decisions: int
    refusals: int
    mean_days: float | None
    median_days: float | None
    late_without_preliminary: int

    @property
    def refusal_rate(self) -> float | None:
        return 100 * self.refusals / self.decisions if self.decisions else None


@reporting()
def monthly_statistics(*, municipality_id: int, since: dt.date) -> list[MonthStats]:
    """Processing time (received → decided) and refusal rate per month of decision."""
    rows = Decision.objects.filter(
        application__person__municipality_id=municipality_id, decided_on__gte=since
    ).values_list(
        "decided_on", "outcome", "application__received_on", "application__preliminary_sent_on"
    )
    by_month = defaultdict(list)
    for decided_on, outcome, received_on, preliminary in rows:
        by_month[decided_on.replace(day=1)].append((decided_on, outcome, received_on, preliminary))
    result = []
    for month in sorted(by_month, reverse=True):
        entries = by_month[month]
        days = [(d - r).days for d, _o, r, _p in entries]
        late = sum(
            1
            for d, _o, r, p in entries
            if rules.preliminary_answer_state(r, d, decided_on=d, sent_on=p) == rules.State.LATE
        )
        result.append(
            MonthStats(
                month=month,
                decisions=len(entries),
                refusals=sum(1 for _d, o, _r, _p in entries if o == Decision.Outcome.REFUSED),
                mean_days=statistics.fmean(days),
                median_days=statistics.median(days),
                late_without_preliminary=late,
            )
        )
    return result


def coordinator_overview(*, municipality_id: int) -> QuerySet[StaffMember]:
    """Every staff member with their open coordinator tasks and training date (hol § 7-3:
    KE trains coordinators and keeps the overview)."""
    return (
        StaffMember.objects.filter(municipality_id=municipality_id)
        .select_related("user")
        .annotate(
            active=Count(
                "user__coordinator_assignments",
                filter=Q(user__coordinator_assignments__ended_on__isnull=True),
            )
        )
        .order_by("-active", "user__last_name", "user__first_name")
    )
