"""Writes and page data around the person. The gate has already decided."""

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from helhet.access import gate
from helhet.access.models import Action
from helhet.around import rules
from helhet.around.access import CATEGORY, visible
from helhet.around.models import (
    AftercarePlan,
    ChildRelative,
    ChildrenCheck,
    DischargeNotice,
    ExternalService,
    GpMessage,
    NeedAssessment,
    Referral,
    Relative,
    RelativeNeed,
    SomaticFollowUp,
)
from helhet.consent.models import Category, ConsentScope
from helhet.consent.services import valid_q
from helhet.cooperation.models import GroupMember, ResponsibilityGroup
from helhet.coordination.models import CoordinatorAssignment
from helhet.organisation.models import Role, Unit
from helhet.people.models import Person
from helhet.plans.models import CrisisPlan, IndividualPlan

if TYPE_CHECKING:
    from django.forms import ModelForm

M = TypeVar("M", bound=Model)


def _name(user: User) -> str:
    return user.get_full_name() or user.get_username()


def _recorded(form: "ModelForm[M]", *, person: Person, unit: Unit, user: User, new_only: bool) -> M:
    """Save a row the user's unit records about the person, validated in full.
    ``new_only``: an edited row keeps who recorded it and for which unit (the
    unit whose record it is decides who reads it without consent)."""
    row = form.save(commit=False)
    if row.pk is None or not new_only:
        # Every row recorded here has person, unit and registered_by.
        row.person, row.unit, row.registered_by = person, unit, user  # type: ignore[attr-defined]
    row.full_clean()
    row.save()
    return row


def save_external_service(
    *, form: "ModelForm[ExternalService]", person: Person, unit: Unit, user: User
) -> ExternalService:
    return _recorded(form, person=person, unit=unit, user=user, new_only=True)


def record_assessment(
    *, form: "ModelForm[NeedAssessment]", person: Person, unit: Unit, user: User
) -> NeedAssessment:
    row = form.save(commit=False)
    row.person, row.unit = person, unit
    row.assessed_by, row.assessed_by_name = user, _name(user)
    row.full_clean()
    row.save()
    return row


def record_somatic(
    *, form: "ModelForm[SomaticFollowUp]", person: Person, unit: Unit, user: User
) -> SomaticFollowUp:
    return _recorded(form, person=person, unit=unit, user=user, new_only=False)


@transaction.atomic
def save_crisis_plan(*, person: Person, fields: dict[str, Any]) -> CrisisPlan:
    """The person's crisis plan, kept here while the person has no open plan
    (with an open plan it is edited in the plan, as a plan version)."""
    crisis, _created = CrisisPlan.objects.get_or_create(person=person)
    for name, value in fields.items():
        setattr(crisis, name, value)
    crisis.full_clean()
    crisis.save()
    return crisis


def open_plan(*, person: Person) -> IndividualPlan | None:
    return person.plans.open().order_by("-offered_on").first()


def visible_external_services(*, user: User, person: Person) -> list[ExternalService]:
    """The person's outside services whose recording unit the gate opens to
    the user (one logged decision per unit), current ones first."""
    rows = list(person.external_services.select_related("partner", "unit"))
    shown, _hidden = visible(user, person, rows, "tjenester utenfor kommunen")
    today = timezone.localdate()
    return sorted(shown, key=lambda e: (e.valid_to is not None and e.valid_to < today, e.name))


def person_page(*, user: User, person: Person) -> dict[str, Any]:
    externals, ext_hidden = visible(
        user,
        person,
        list(person.external_services.select_related("partner", "unit")),
        "tjenester utenfor kommunen",
    )
    assessments, ass_hidden = visible(
        user, person, list(person.need_assessments.select_related("unit")), "behovsvurdering"
    )
    somatic, som_hidden = visible(
        user, person, list(person.somatic_follow_ups.select_related("unit")), "somatisk helse"
    )
    referrals, ref_hidden = visible(
        user, person, list(person.referrals.select_related("unit")), "henvisninger"
    )
    notices, dis_hidden = visible(
        user,
        person,
        list(person.discharge_notices.select_related("unit", "aftercare")),
        "utskrivning og ettervern",
    )
    gp_msgs, gp_hidden = visible(
        user, person, list(person.gp_messages.select_related("unit", "gp")), "fastlegemeldinger"
    )
    relative_needs, rel_hidden = visible(
        user,
        person,
        list(RelativeNeed.objects.filter(relative__person=person).select_related("relative")),
        "pårørendes behov",
    )
    checks, chk_hidden = visible(
        user, person, list(person.children_checks.select_related("unit")), "barn som pårørende"
    )
    children, chi_hidden = visible(
        user, person, list(person.child_relatives.select_related("unit")), "barn som pårørende"
    )
    today = timezone.localdate()
    consents = partner_consents(
        person=person, partner_ids={e.partner_id for e in externals if e.partner_id}
    )
    for external in externals:
        covered = consents.get(external.partner_id, set())
        external.consent_plan = Category.PLAN in covered
        external.consent_group = Category.COOPERATION in covered
    minors = [c for c in children if rules.is_minor(c.birth_year, today)]
    _done, children_status = rules.children_followed(
        checks[0].has_minor_children if checks else None,
        [c.assessed_on is not None for c in minors],
    )
    hidden_more = rel_hidden or chk_hidden or chi_hidden
    return {
        "relatives": list(person.relatives.order_by("name")),
        "relative_needs": relative_needs,
        "children_check": checks[0] if checks else None,
        "children": children,
        "children_status": children_status,
        "person": person,
        "external_services": externals,
        "assessments": assessments,
        "latest_assessment": assessments[0] if assessments else None,
        "somatic": somatic,
        "referrals": referrals,
        "discharges": [discharge_row(notice=notice, today=today) for notice in notices],
        "gp_messages": gp_msgs,
        "hidden": ext_hidden
        or ass_hidden
        or som_hidden
        or ref_hidden
        or dis_hidden
        or gp_hidden
        or hidden_more,
        "crisis_plan": CrisisPlan.objects.filter(person=person).first(),
        "open_plan": open_plan(person=person),
        "has_group": ResponsibilityGroup.objects.filter(person=person).exists(),
    }


def save_referral(
    *, form: "ModelForm[Referral]", person: Person, unit: Unit, user: User
) -> Referral:
    return _recorded(form, person=person, unit=unit, user=user, new_only=True)


def save_discharge(
    *, form: "ModelForm[DischargeNotice]", person: Person, unit: Unit, user: User
) -> DischargeNotice:
    return _recorded(form, person=person, unit=unit, user=user, new_only=True)


@transaction.atomic
def save_aftercare(
    *, form: "ModelForm[AftercarePlan]", notice: DischargeNotice, user: User
) -> AftercarePlan:
    """The aftercare plan of a notice; making it is acting on the notice."""
    row = form.save(commit=False)
    if row.pk is None:
        row.notice, row.unit = notice, notice.unit
    row.registered_by = user
    row.full_clean()
    row.save()
    if notice.acted_on is None:
        notice.acted_on = min(row.made_on, timezone.localdate())
        notice.save(update_fields=["acted_on"])
    return row


def _gap_facts(notice: DischargeNotice) -> list[str]:
    plan = getattr(notice, "aftercare", None)
    return rules.aftercare_gaps(
        notice.discharge_on,
        plan.made_on if plan else None,
        plan.housing_ready_on if plan else None,
        plan.follow_up_ready_on if plan else None,
    )


def discharge_row(*, notice: DischargeNotice, today: dt.date) -> dict[str, Any]:
    gaps = [] if notice.cancelled else _gap_facts(notice)
    return {
        "notice": notice,
        "aftercare": getattr(notice, "aftercare", None),
        "gaps": gaps,
        "alert": rules.discharge_alert(notice.discharge_on, notice.cancelled, gaps, today),
    }


def discharge_alert_rows(*, user: User, today: dt.date) -> list[dict[str, Any]]:
    """Announced discharges and releases without housing or follow-up in place,
    for the coordinating unit, the person's coordinator and the unit that
    received the notice. A notice is the receiving unit's health record: its own
    staff see it on their relation to the person; anyone else only where the
    gate opens the person's health data across units (``accessible_persons``,
    the gate's own list rule, on the safe side). One query, whatever the number
    of notices. Not logged here: the caller logs the rows it shows
    (``discharge_alerts``, or the overview with its other list)."""
    staff = getattr(user, "staff", None)
    if staff is None:
        return []
    notices = DischargeNotice.objects.filter(
        person__municipality_id=staff.municipality_id,
        cancelled=False,
        discharge_on__gte=today - dt.timedelta(days=rules.ALERT_AFTER_DAYS),
        discharge_on__lte=today + dt.timedelta(days=rules.ALERT_AHEAD_DAYS),
    )
    own_units = gate.case_unit_ids(user)
    if not gate.has_role(user, Role.COORDINATING_UNIT):
        coordinated = CoordinatorAssignment.objects.filter(
            coordinator=user, ended_on__isnull=True
        ).values("person_id")
        notices = notices.filter(Q(person_id__in=coordinated) | Q(unit_id__in=own_units))
    related = gate.accessible_persons(user, category=gate.BASIC).values("pk")
    across = gate.accessible_persons(user, category=CATEGORY).values("pk")
    notices = notices.filter(
        Q(unit_id__in=own_units, person_id__in=related) | Q(person_id__in=across)
    )
    rows = [
        row
        for row in (
            discharge_row(notice=notice, today=today)
            for notice in notices.select_related("person", "aftercare").order_by(
                "discharge_on", "pk"
            )
        )
        if row["alert"]
    ]
    return rows


def discharge_alerts_listed(*, rows: list[dict[str, Any]]) -> gate.Listed:
    """The alerts as a list to log (``gate.log_lists``), for a page that logs all
    its lists in one statement."""
    return gate.Listed(
        [row["notice"].person for row in rows],
        Action.LIST,
        what="varslet utskrivning",
        category=CATEGORY,
    )


def discharge_alerts(*, user: User, today: dt.date) -> list[dict[str, Any]]:
    """``discharge_alert_rows``, every shown row logged."""
    rows = discharge_alert_rows(user=user, today=today)
    if rows:
        gate.log_lists(user, [discharge_alerts_listed(rows=rows)])
    return rows


def gp_choices(*, user: User, person: Person) -> QuerySet[ExternalService]:
    """The person's GPs the user may see: another unit's record of the GP is
    health information too, opened (and logged) by the gate like the page."""
    rows = list(ExternalService.objects.filter(person=person, kind=ExternalService.Kind.GP))
    shown, _hidden = visible(user, person, rows, "fastlege")
    return ExternalService.objects.filter(pk__in=[row.pk for row in shown])


def gp_consented(
    *, person: Person, gp: ExternalService | None, moment: dt.datetime | None = None
) -> bool:
    """Does a valid consent let the GP receive the person's plan (hpl. § 22)?
    The GP is an outside party: only a consent naming the GP's practice, for
    the plan category, lets the plan leave."""
    if gp is None or gp.partner_id is None:
        return False
    return ConsentScope.objects.filter(
        valid_q(moment=moment or timezone.now(), prefix="consent__"),
        consent__person=person,
        partner_id=gp.partner_id,
        category=Category.PLAN,
    ).exists()


def plan_message_initial(*, person: Person) -> dict[str, Any]:
    """What a message to the GP about the plan starts from: the plan's goals and
    measures briefly, its latest change and the coordinator."""
    plan = open_plan(person=person)
    if plan is None:
        return {}
    assignment = (
        CoordinatorAssignment.objects.filter(person=person, ended_on__isnull=True)
        .select_related("coordinator")
        .order_by("-offered_on")
        .first()
    )
    coordinator = ""
    if assignment and assignment.coordinator:
        coordinator = (
            assignment.coordinator.get_full_name() or assignment.coordinator.get_username()
        )
    version = plan.versions.order_by("-number").first()
    goals = "; ".join(g.text for g in plan.goals.all()[:5])
    return {
        "about_plan": True,
        "coordinator": coordinator,
        "what_changed": version.summary if version else "",
        "plan_summary": goals,
    }


def record_gp_message(
    *, form: "ModelForm[GpMessage]", person: Person, unit: Unit, user: User
) -> GpMessage:
    """A message to or from the GP. A message *to* the GP about the plan is
    recorded as sent only when the person's consent covers the GP for the plan."""
    row = form.save(commit=False)
    if (
        row.direction == GpMessage.Direction.TO_GP
        and row.about_plan
        and not gp_consented(person=person, gp=row.gp)
    ):
        raise ValidationError(
            _(
                "Personens samtykke dekker ikke at fastlegen får planen. Registrer samtykket "
                "(med fastlegekontoret som part, kategori individuell plan) først."
            )
        )
    row.person, row.unit, row.registered_by = person, unit, user
    row.full_clean()
    row.save()
    return row


def gp_status(*, person: Person, today: dt.date) -> str:
    """The GP-informed answer for the person page, by the criterion's own rule."""
    plan = person.plans.filter(status=IndividualPlan.Status.ACTIVE).order_by("-offered_on").first()
    if plan is None:
        return ""
    version = plan.versions.order_by("-created_at").values_list("created_at", flat=True).first()
    last = (
        person.gp_messages.filter(direction=GpMessage.Direction.TO_GP, about_plan=True)
        .order_by("-sent_on")
        .values_list("sent_on", flat=True)
        .first()
    )
    _told, why = rules.gp_told_of_plan(
        plan.answered_on or plan.offered_on, version.date() if version else None, last
    )
    return why


def save_relative_need(
    *, form: "ModelForm[RelativeNeed]", relative: Relative, unit: Unit, user: User
) -> RelativeNeed:
    row = form.save(commit=False)
    if row.pk is None:
        row.relative, row.unit = relative, unit
    row.registered_by = user
    row.full_clean()
    row.save()
    return row


def record_children_check(
    *, form: "ModelForm[ChildrenCheck]", person: Person, unit: Unit, user: User
) -> ChildrenCheck:
    return _recorded(form, person=person, unit=unit, user=user, new_only=False)


def save_child(
    *, form: "ModelForm[ChildRelative]", person: Person, unit: Unit, user: User
) -> ChildRelative:
    return _recorded(form, person=person, unit=unit, user=user, new_only=True)


# --- Outside services in the plan and the responsibility group ----------------------
#
# An outside service is another party: it takes part in the plan, or sits in the
# responsibility group, only within the person's consent naming its practice or
# office (``ExternalPartner``) for that category (hpl. § 22; forskrift om
# habilitering og rehabilitering, individuell plan og koordinator § 19 h).
# Consent decides what it sees and receives: the plan (category ``plan``), or
# the group's meetings and minutes (``samarbeid``).

JOIN_CATEGORIES = {"plan": Category.PLAN, "gruppe": Category.COOPERATION}


def partner_consents(
    *, person: Person, partner_ids: Iterable[int], moment: dt.datetime | None = None
) -> dict[int, set[str]]:
    """Per partner: the categories a valid consent of the person names it for."""
    found: dict[int, set[str]] = {}
    for partner_id, category in ConsentScope.objects.filter(
        valid_q(moment=moment or timezone.now(), prefix="consent__"),
        consent__person=person,
        partner_id__in=list(partner_ids),
    ).values_list("partner_id", "category"):
        found.setdefault(partner_id, set()).add(category)
    return found


def _join_checks(service: ExternalService, category: str) -> None:
    if service.partner_id is None:
        raise ValidationError(
            _(
                "Knytt tjenesten til en samarbeidspartner i tjenesteoversikten først: "
                "samtykket gis til navngitte samarbeidspartnere."
            )
        )
    if service.valid_to is not None and service.valid_to < timezone.localdate():
        raise ValidationError(_("Tjenesten er avsluttet."))
    covered = partner_consents(person=service.person, partner_ids=[service.partner_id])
    if category not in covered.get(service.partner_id, set()):
        what = _("planen") if category == Category.PLAN else _("ansvarsgruppen")
        raise ValidationError(
            _(
                "%(partner)s kan ikke delta i %(what)s: personens samtykke omfatter ikke "
                "%(partner)s for dette. Registrer samtykket først."
            )
            % {"partner": service.partner, "what": what}
        )


def _member_name(service: ExternalService) -> str:
    return service.contact_person or service.name


def join_plan(*, service: ExternalService, plan: IndividualPlan, user: User) -> IndividualPlan:
    """The outside service as a participant in the person's open plan (a new
    plan version), within the person's consent for the plan."""
    from helhet.plans import services as plan_services
    from helhet.plans.models import Participant

    _join_checks(service, Category.PLAN)
    if plan.participants.filter(partner_id=service.partner_id).exists():
        raise ValidationError(_("%(p)s deltar allerede i planen.") % {"p": service.partner})
    fields = {
        "kind": Participant.Kind.PARTNER,
        "partner": service.partner,
        "name": _member_name(service),
        "contribution": service.get_kind_display(),
    }
    return plan_services.save_participant(
        plan_id=plan.pk, user=user, version=plan.version, participant_id=None, fields=fields
    )


def join_group(
    *, service: ExternalService, group: ResponsibilityGroup, moment: dt.datetime
) -> GroupMember:
    """The outside service as a member of the person's responsibility group,
    within the person's consent for cooperation (checked again by
    ``cooperation.services.add_member``)."""
    from helhet.cooperation import services as cooperation_services

    _join_checks(service, Category.COOPERATION)
    if group.members.filter(partner_id=service.partner_id, left_on__isnull=True).exists():
        raise ValidationError(_("%(p)s er allerede med i ansvarsgruppen.") % {"p": service.partner})
    member = GroupMember(
        kind=GroupMember.Kind.PARTNER,
        partner=service.partner,
        name=_member_name(service),
        role=service.get_kind_display()[:100],
        phone=service.phone,
    )
    cooperation_services.add_member(group=group, member=member, moment=moment)
    return member
