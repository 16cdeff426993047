"""Self-assessment campaigns (egenvurdering; a state governor's supervision, docs/compliance.md).

The supervisor — the state governor across the municipalities it supervises,
or a municipality's own auditor — defines the questions and invites units
(NAV offices, health and care units) of several municipalities; each unit
answers yes / no / partly for itself only and says how it understood each
question (an audit: yes/no answers alone could not be compared), declares
whether it found a lovbrudd, describes the cause along the quality circle
(planlegge, utføre, kontrollere, korrigere) and submits an improvement plan
with measures, responsible, deadline and how management will follow up. The
supervisor assesses the plan against exactly those four points.

A cause is needed in at least one phase of the circle, not in all four: a
failure may lie only in how the work is checked (the supervision report: «manglende
systematisk kvalitetsarbeid»), and a unit must not invent causes to submit.
"""

import datetime as dt
from collections import Counter

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from helhet.audit.models import (
    Campaign,
    CampaignAnswer,
    CampaignQuestion,
    Milestone,
    Participation,
    SupervisoryAuthority,
)
from helhet.organisation.models import Role, Unit
from helhet.organisation.services import memberships_of

RESPONDER_ROLES = {Role.LEADER, Role.QUALITY}
CAUSE_FIELDS = ("cause_plan", "cause_do", "cause_check", "cause_correct")
# The quality circle's phases as the state governor names them (the supervision report).
PHASES = (
    ("cause_plan", _lazy("planlegge")),
    ("cause_do", _lazy("utføre")),
    ("cause_check", _lazy("kontrollere")),
    ("cause_correct", _lazy("korrigere")),
)
PLAN_FIELDS = ("measures", "responsible", "measures_deadline", "monitoring")
PLAN_CHECKS = (
    "plan_measures_ok",
    "plan_responsible_ok",
    "plan_deadline_ok",
    "plan_monitoring_ok",
)


class Refused(ValueError):
    """Input the campaign cannot take; the message is Norwegian."""


def parse_lines(text: str, what: str) -> list[tuple[str, str]]:
    """ "text | second part" per line (a question and its legal basis, or a
    date and a milestone); both parts required."""
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        first, bar, second = line.partition("|")
        if not bar or not first.strip() or not second.strip():
            raise Refused(
                _("Linje %(n)s i %(what)s må ha formen «tekst | tekst».")
                % {"n": number, "what": what}
            )
        rows.append((first.strip(), second.strip()))
    return rows


def invitable_units(municipality=None, authority: SupervisoryAuthority | None = None):
    """The units a supervisor may invite: every unit of the municipalities the
    authority supervises, or of the auditor's own municipality."""
    if authority is not None:
        return Unit.objects.filter(municipality__authorities=authority).select_related(
            "municipality"
        )
    return Unit.objects.filter(municipality=municipality).select_related("municipality")


def create(
    municipality,
    user,
    *,
    authority: SupervisoryAuthority | None = None,
    topic,
    description,
    answer_deadline,
    plan_deadline,
    units,
    questions: str,
    milestones: str,
) -> Campaign:
    if plan_deadline < answer_deadline:
        raise Refused(_("Fristen for forbedringsplan kan ikke være før fristen for egenvurdering."))
    question_rows = parse_lines(questions, _("spørsmålene"))
    if not question_rows:
        raise Refused(_("Skriv minst ett spørsmål med hjemmel."))
    milestone_rows = []
    for day, title in parse_lines(milestones, _("milepælene")):
        try:
            milestone_rows.append((dt.datetime.strptime(day, "%d.%m.%Y").date(), title))
        except ValueError as error:
            raise Refused(_("Ugyldig dato «%(d)s». Bruk dd.mm.åååå.") % {"d": day}) from error
    if not units:
        raise Refused(_("Velg minst én enhet som skal delta."))
    if authority is not None:
        municipality = None
    allowed = set(invitable_units(municipality, authority).values_list("pk", flat=True))
    outside = [unit.name for unit in units if unit.pk not in allowed]
    if outside:
        raise Refused(
            _("Disse enhetene er utenfor det tilsynet omfatter: %(units)s.")
            % {"units": ", ".join(outside)}
        )
    with transaction.atomic():
        campaign = Campaign.objects.create(
            municipality=municipality,
            authority=authority,
            topic=topic,
            description=description,
            answer_deadline=answer_deadline,
            plan_deadline=plan_deadline,
            created_by=user,
        )
        CampaignQuestion.objects.bulk_create(
            CampaignQuestion(campaign=campaign, number=n, text=text, legal_basis=basis)
            for n, (text, basis) in enumerate(question_rows, start=1)
        )
        Milestone.objects.bulk_create(
            Milestone(campaign=campaign, due_on=day, title=title) for day, title in milestone_rows
        )
        Participation.objects.bulk_create(
            Participation(campaign=campaign, unit=unit) for unit in units
        )
    return campaign


def authorities_of(user) -> list[SupervisoryAuthority]:
    if not user.is_authenticated:
        return []
    return list(user.supervisory_authorities.all())


def supervises(user, campaign: Campaign, roles: set) -> bool:
    """The campaign's supervisor: a member of its authority, or (a municipal
    campaign) an auditor of its municipality. ``roles`` are the user's roles."""
    if campaign.authority_id is not None:
        return campaign.authority_id in {a.pk for a in authorities_of(user)}
    staff = getattr(user, "staff", None)
    return (
        staff is not None
        and staff.municipality_id == campaign.municipality_id
        and Role.AUDITOR in roles
    )


def responder_units(user) -> set[int]:
    return {m.unit_id for m in memberships_of(user=user) if m.role in RESPONDER_ROLES}


def submission_errors(values: dict, answers: dict[int, tuple[str, str]], question_ids) -> list:
    """Why a unit's answer cannot be submitted (empty list: it can)."""
    errors = []
    missing = [q for q in question_ids if not answers.get(q, ("", ""))[0]]
    if missing:
        errors.append(_("Svar ja, nei eller delvis på alle spørsmålene."))
    if values.get("lovbrudd") is None:
        errors.append(_("Oppgi om enheten har funnet lovbrudd."))
    if values.get("lovbrudd"):
        if not any(str(values.get(name) or "").strip() for name in CAUSE_FIELDS):
            errors.append(
                _(
                    "Beskriv årsaken til lovbruddet i minst én fase av kvalitetssirkelen: "
                    "planlegge, utføre, kontrollere eller korrigere."
                )
            )
        if not all(values.get(name) for name in PLAN_FIELDS):
            errors.append(
                _(
                    "Forbedringsplanen må ha tiltak, ansvarlig, frist og hvordan ledelsen "
                    "følger opp."
                )
            )
    return errors


def submit(participation: Participation, user, values: dict, answers, today: dt.date) -> None:
    questions = list(participation.campaign.questions.values_list("pk", flat=True))
    errors = submission_errors(values, answers, questions)
    if errors:
        raise Refused(" ".join(errors))
    with transaction.atomic():
        participation.lovbrudd = values["lovbrudd"]
        participation.measures_deadline = values.get("measures_deadline")
        for name in (*CAUSE_FIELDS, "measures", "responsible", "monitoring"):
            setattr(participation, name, (values.get(name) or "").strip())
        participation.submitted_on = today
        participation.submitted_by = user
        participation.save()
        participation.answers.all().delete()
        CampaignAnswer.objects.bulk_create(
            CampaignAnswer(
                participation=participation,
                question_id=q,
                value=answers[q][0],
                understanding=answers[q][1].strip(),
            )
            for q in questions
        )


def assess(participation: Participation, checks: dict[str, bool], text: str, today) -> None:
    if participation.submitted_on is None:
        raise Refused(_("Enheten har ikke sendt inn egenvurderingen ennå."))
    for name in PLAN_CHECKS:
        setattr(participation, name, bool(checks.get(name)))
    participation.assessment = text.strip()
    participation.assessed_on = today
    participation.save()


def plan_approved(p: Participation) -> bool:
    return all(getattr(p, name) for name in PLAN_CHECKS)


def state(p: Participation, campaign: Campaign, today: dt.date) -> str:
    if p.feedback_sent_on:
        return _("Tilbakemelding sendt")
    if p.assessed_on:
        return _("Vurdert")
    if p.submitted_on:
        return _("Sendt inn")
    if today > campaign.answer_deadline:
        return _("Frist passert")
    return _("Venter på svar")


def aggregate(campaign: Campaign) -> dict:
    """ "16 av 28 fant lovbrudd": of the units that answered, how many found a
    lovbrudd; answers per question; and per phase of the quality circle, how
    many of those with a lovbrudd placed a cause there."""
    participations = list(campaign.participations.select_related("unit__municipality"))
    submitted = [p for p in participations if p.submitted_on]
    answers = Counter(
        CampaignAnswer.objects.filter(participation__campaign=campaign).values_list(
            "question_id", "value"
        )
    )
    return {
        "units": len(participations),
        "submitted": len(submitted),
        "lovbrudd": sum(1 for p in submitted if p.lovbrudd),
        "questions": [
            (q, answers[q.pk, "ja"], answers[q.pk, "delvis"], answers[q.pk, "nei"])
            for q in campaign.questions.all()
        ],
        "causes": [
            (p.unit, [getattr(p, name) for name in CAUSE_FIELDS]) for p in submitted if p.lovbrudd
        ],
        "phases": [
            (label, sum(1 for p in submitted if p.lovbrudd and getattr(p, name).strip()))
            for name, label in PHASES
        ],
        "municipalities": len({p.unit.municipality_id for p in participations}),
        "approved_plans": sum(1 for p in submitted if p.assessed_on and plan_approved(p)),
    }
