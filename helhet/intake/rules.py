"""Deadlines and legal rules for intake, as pure functions of dates and facts.

The same functions block a decision that breaks them (services/forms) and
answer the audit criteria later (met / not met / not applicable), so each one
cites its law and says in Norwegian what is wrong.
"""

import calendar
import datetime as dt
import functools
from dataclasses import dataclass
from enum import StrEnum

import holidays
from django.utils.translation import gettext as _

from helhet.audit.results import Result
from helhet.core.legal import REFERENCES, AppealRoute

# Shown as "due" this many days before a deadline, so it can still be met.
WARNING_DAYS = 7
# hol § 3-2 services expected to last longer than this need an individual decision.
DECISION_REQUIRED_AFTER_DAYS = 14
ACTIVITY_CONDITION_UNDER_AGE = 30
ADULT_AGE = 18
CHILD_HEARD_AGE = 17


class State(StrEnum):
    NOT_APPLICABLE = "ikke_aktuelt"
    PENDING = "venter"
    DUE = "forfaller"
    OVERDUE = "forfalt"
    ESCALATED = "eskalert"
    DONE = "utfort"
    LATE = "for_sent"


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day-of-month ``months`` later; the 31st becomes the month's last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# --- fvl § 11a: preliminary answer -----------------------------------------


def preliminary_answer_deadline(received_on: dt.date) -> dt.date:
    """Last day an application may go unanswered without a preliminary answer."""
    return add_months(received_on, 1)


def preliminary_answer_state(
    received_on: dt.date,
    today: dt.date,
    decided_on: dt.date | None = None,
    sent_on: dt.date | None = None,
) -> State:
    """fvl § 11a third paragraph: an application not answered within one month
    needs a preliminary answer (reason and expected date)."""
    deadline = preliminary_answer_deadline(received_on)
    if sent_on is not None:
        return State.DONE if sent_on <= deadline else State.LATE
    if decided_on is not None and decided_on <= deadline:
        return State.NOT_APPLICABLE
    if decided_on is not None:
        return State.LATE
    if today > deadline:
        return State.OVERDUE
    if today >= deadline - dt.timedelta(days=WARNING_DAYS):
        return State.DUE
    return State.PENDING


# --- hol §§ 7-2, 7-3: naming the coordinator ---------------------------------
#
# The law sets no number of days. ``days`` is the municipality's own deadline
# (coordination.models.LocalRoutine), or None where it has set none.


def naming_deadline(assigned_on: dt.date, days: int | None) -> dt.date | None:
    return assigned_on + dt.timedelta(days=days) if days is not None else None


def naming_state(
    assigned_on: dt.date | None, named_on: dt.date | None, today: dt.date, *, days: int | None
) -> State:
    """With a local deadline of N days, day N after the unit got the
    responsibility is the last day and from day N + 1 the case has escalated to
    the head of sector. Without one, an unnamed coordinator is pending: nothing
    is late and nothing escalates by a deadline the municipality never set."""
    if assigned_on is None:
        return State.NOT_APPLICABLE
    deadline = naming_deadline(assigned_on, days)
    if deadline is None:
        return State.DONE if named_on is not None else State.PENDING
    if named_on is not None:
        return State.DONE if named_on <= deadline else State.LATE
    return State.ESCALATED if today > deadline else State.DUE


# --- Appeals: pbrl. §§ 7-2, 7-5; fvl. §§ 28–30; sotjl. § 48 -------------------
#
# The deadline per decision type (weeks, and when it starts) is the table in
# core/legal.py (``appeal_route``); these functions count it.


class Delivery(StrEnum):
    """How the decision letter was delivered to the person."""

    HAND = "personlig"
    POST = "post"
    DIGITAL = "digital"


def deemed_received(
    delivery: str, sent_on: dt.date | None, recorded_received_on: dt.date | None
) -> dt.date | None:
    """The day the letter reached the person, or is taken to have reached them;
    None while nobody knows (the deadline is then not yet running).

    - A day recorded by the caseworker always wins: it is the fact.
    - Handed over in person: it reached the party that day (fvl. § 29 first
      paragraph, "kommet fram til vedkommende part").
    - Digital mailbox: the deadline runs from when the decision was made
      available electronically and notice of it sent (eForvaltningsforskriften
      § 11 second paragraph, with § 8 third paragraph); recording the letter as
      sent digitally records that day.
    - Ordinary post: the law gives no presumption of the day a letter arrives
      (fvl. § 29 counts from when it *reached* the party; pbrl. § 7-5 from when
      the person got or should have got enough knowledge). So nothing is
      assumed: the caseworker records the day it was received, and until then
      the deadline is not running.
    """
    if recorded_received_on is not None:
        return recorded_received_on
    if sent_on is None:
        return None
    if delivery in (Delivery.HAND, Delivery.DIGITAL):
        return sent_on
    return None


@functools.cache
def _norwegian_holidays() -> holidays.HolidayBase:
    # Public holidays (helligdager) and the statutory høytidsdager 1 and 17 May.
    return holidays.country_holidays("NO")


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _norwegian_holidays()


def appeal_deadline(route: AppealRoute, received_on: dt.date) -> dt.date:
    """The last day to appeal, counted from the day the letter was received.

    fvl. § 30 applies domstolloven §§ 148–149 to the count (and pbrl. § 7-6
    applies fvl. to appeals under pbrl.): a deadline in weeks ends on the same
    weekday as the day it started (§ 148 second paragraph); if that day is a
    Saturday, Sunday or public holiday, it moves to the next working day
    (§ 149)."""
    last = received_on + dt.timedelta(weeks=route.weeks)
    while not is_working_day(last):
        last += dt.timedelta(days=1)
    return last


class AppealTiming(StrEnum):
    IN_TIME = "i_tide"
    LATE = "for_sent"
    NOT_RUNNING = "frist_loper_ikke"


def appeal_timing(
    route: AppealRoute,
    letter_received_on: dt.date | None,
    appeal_received_on: dt.date,
    appeal_posted_on: dt.date | None = None,
) -> AppealTiming:
    """Whether an appeal came in time.

    fvl. § 30 first paragraph: an appeal is in time when, before the deadline
    ends, it is posted or has reached the body that made the decision (or the
    appeal body) — so the day it was posted counts when known. While the day the
    person received the letter is unknown the deadline is not running, and the
    appeal cannot be called late.
    """
    if letter_received_on is None:
        return AppealTiming.NOT_RUNNING
    made_on = min(appeal_received_on, appeal_posted_on or appeal_received_on)
    deadline = appeal_deadline(route, letter_received_on)
    return AppealTiming.IN_TIME if made_on <= deadline else AppealTiming.LATE


# --- hol § 3-2: decisions and evaluation --------------------------------------


def requires_decision(starts_on: dt.date, expected_end: dt.date | None) -> bool:
    """Services expected to last more than two weeks require an individual
    decision (hol § 3-2, pbrl § 2-7); an open-ended service always does."""
    if expected_end is None:
        return True
    return (expected_end - starts_on).days > DECISION_REQUIRED_AFTER_DAYS


def service_decision_check(basis: str, starts_on: dt.date, expected_end: dt.date | None) -> "Check":
    """Audit criterion: a hol § 3-2 service expected to last more than two weeks
    rests on an individual decision (an audit: support work without vedtak)."""
    if not requires_decision(starts_on, expected_end):
        return _na("hol_3_2_decision", "decision_required")
    return _check(
        "hol_3_2_decision",
        "decision_required",
        basis == "vedtak",
        _("Tjenesten varer mer enn to uker og skal bygge på et enkeltvedtak (hol. § 3-2)."),
    )


def evaluation_state(evaluation_on: dt.date | None, today: dt.date) -> State:
    if evaluation_on is None:
        return State.NOT_APPLICABLE
    if today > evaluation_on:
        return State.OVERDUE
    if today >= evaluation_on - dt.timedelta(days=WARNING_DAYS):
        return State.DUE
    return State.PENDING


# --- Decision content (fvl §§ 24–25) -----------------------------------------


@dataclass(frozen=True)
class DecisionFacts:
    granted: bool
    received_on: dt.date
    decided_on: dt.date
    service_name: str = ""
    scope: str = ""
    has_provider: bool = False
    period_from: dt.date | None = None
    period_to: dt.date | None = None
    evaluation_on: dt.date | None = None
    reasons: str = ""


def decision_errors(f: DecisionFacts) -> dict[str, str]:
    """Field → Norwegian message for a decision that cannot be saved."""
    errors = {}
    if f.decided_on < f.received_on:
        errors["decided_on"] = _(
            "Vedtaksdatoen kan ikke være før søknaden ble mottatt (%(d)s)."
        ) % {"d": f"{f.received_on:%d.%m.%Y}"}
    if f.granted:
        if not f.service_name.strip():
            errors["service_name"] = _("Et innvilget vedtak må si hvilken tjeneste som gis.")
        if not f.scope.strip():
            errors["scope"] = _("Et innvilget vedtak må ha omfang.")
        if not f.has_provider:
            errors["provider"] = _("Et innvilget vedtak må ha en utførende enhet.")
        if f.period_from is None:
            errors["period_from"] = _("Et innvilget vedtak må ha en startdato.")
        elif f.period_to is not None and f.period_to < f.period_from:
            errors["period_to"] = _("Perioden kan ikke slutte før den starter.")
        if f.evaluation_on is None:
            errors["evaluation_on"] = _("Et innvilget vedtak må ha en dato for evaluering.")
        elif f.evaluation_on < f.decided_on:
            errors["evaluation_on"] = _("Evalueringsdatoen kan ikke være før vedtaksdatoen.")
    elif not f.reasons.strip():
        # fvl § 24: reasons may be left out only when an application is granted in full.
        errors["reasons"] = _("Et avslag må begrunnes (forvaltningsloven §§ 24–25).")
    return errors


# --- NAV: sosialtjenesteloven §§ 17, 20a, 29; barnekonvensjonen ---------------


@dataclass(frozen=True)
class Check:
    rule: str
    result: Result
    law: str
    message: str = ""


@dataclass(frozen=True)
class NavFacts:
    """Facts of one application for financial assistance, at the decision date."""

    age: int
    granted: bool
    decided_on: dt.date
    guidance_informed: bool = False
    guidance_wish: str = ""
    guidance_given: bool = False
    guidance_decided_on: dt.date | None = None
    activity_condition: bool = False
    weighty_reasons: bool = False
    kvp_criteria: str = ""  # "ja", "nei" or "" (not assessed)
    kvp_assessed_on: dt.date | None = None
    covers_child_17: bool = False
    child_heard_on: dt.date | None = None
    best_interests: bool = False


def _check(rule: str, law: str, ok: bool, message: str) -> Check:
    return Check(rule, Result.MET if ok else Result.NOT_MET, REFERENCES[law], "" if ok else message)


def _na(rule: str, law: str) -> Check:
    return Check(rule, Result.NOT_APPLICABLE, REFERENCES[law])


def guidance_recorded(f: NavFacts) -> Check:
    """§ 17: applicants are informed about and encouraged to seek guidance; the
    information and the applicant's wish are recorded."""
    return _check(
        "nav_guidance_informed",
        "nav_guidance",
        f.guidance_informed and bool(f.guidance_wish),
        _(
            "Registrer at søkeren er informert om og oppfordret til å søke opplysning, råd "
            "og veiledning, og hva søkeren ønsket (sosialtjenesteloven § 17)."
        ),
    )


def guidance_decided(f: NavFacts) -> Check:
    """§ 17: guidance given is an individual service and needs its own decision."""
    if not f.guidance_given:
        return _na("nav_guidance_decided", "nav_guidance")
    return _check(
        "nav_guidance_decided",
        "nav_guidance",
        f.guidance_decided_on is not None,
        _("Det er gitt veiledning etter sosialtjenesteloven § 17 uten vedtak om det."),
    )


def activity_condition_under_30(f: NavFacts) -> Check:
    """§ 20 a second paragraph: recipients under 30 get an activity condition
    unless weighty reasons speak against it; those reasons must be documented."""
    if not f.granted or f.age >= ACTIVITY_CONDITION_UNDER_AGE:
        return _na("nav_activity_condition", "nav_activity_condition")
    return _check(
        "nav_activity_condition",
        "nav_activity_condition",
        f.activity_condition or f.weighty_reasons,
        _(
            "Søkeren er under 30 år: still vilkår om aktivitet, eller dokumenter de "
            "tungtveiende grunnene mot det (sosialtjenesteloven § 20 a)."
        ),
    )


def kvp_assessed_first(f: NavFacts) -> Check:
    """§ 29: a person over 18 who meets the qualification programme's criteria
    is assessed for it before assistance with activity conditions is granted."""
    if not (f.granted and f.activity_condition and f.age >= ADULT_AGE):
        return _na("nav_kvp_assessed", "nav_kvp")
    assessed_in_time = f.kvp_assessed_on is not None and f.kvp_assessed_on <= f.decided_on
    return _check(
        "nav_kvp_assessed",
        "nav_kvp",
        f.kvp_criteria == "nei" or (f.kvp_criteria == "ja" and assessed_in_time),
        _(
            "Før stønad med aktivitetsvilkår innvilges, må det vurderes om søkeren fyller "
            "vilkårene for kvalifiseringsprogrammet, og i så fall vurderes for programmet "
            "(sosialtjenesteloven § 29)."
        ),
    )


def child_heard(f: NavFacts) -> Check:
    """A 17-year-old covered by a parent's application has the right to be heard."""
    if not f.covers_child_17:
        return _na("nav_child_heard", "child_heard")
    return _check(
        "nav_child_heard",
        "child_heard",
        f.child_heard_on is not None and f.child_heard_on <= f.decided_on,
        _(
            "17-åringen som omfattes av søknaden må bli hørt før vedtaket fattes "
            "(barnekonvensjonen art. 12, Grunnloven § 104)."
        ),
    )


def child_best_interests(f: NavFacts) -> Check:
    """The child's best interests are assessed and weighed in the decision."""
    if not f.covers_child_17:
        return _na("nav_child_best_interests", "child_best_interests")
    return _check(
        "nav_child_best_interests",
        "child_best_interests",
        f.best_interests,
        _(
            "Vurderingen av barnets beste for 17-åringen må skrives inn i saken "
            "(barnekonvensjonen art. 3, Grunnloven § 104)."
        ),
    )


NAV_RULES = (
    guidance_recorded,
    guidance_decided,
    activity_condition_under_30,
    kvp_assessed_first,
    child_heard,
    child_best_interests,
)


def nav_checks(f: NavFacts) -> list[Check]:
    return [rule(f) for rule in NAV_RULES]


def nav_problems(f: NavFacts) -> list[str]:
    """Messages for every NAV rule a decision would break; empty if none."""
    return [c.message for c in nav_checks(f) if c.result == Result.NOT_MET]
