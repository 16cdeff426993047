"""Each criterion, through its loader and rule: one case that meets it, one
that fails it, and one where it does not apply."""

import datetime as dt

import pytest
import time_machine

from helhet import testing as t
from helhet.audit import criteria, services
from helhet.audit.criteria import BY_ID, CRITERIA
from helhet.audit.results import Result
from helhet.audit.tests import builders as b
from helhet.cooperation.models import CooperationRoutine, DirectoryEntry, ResponsibilityGroup
from helhet.coordination.models import LocalRoutine
from helhet.core.legal import REFERENCES
from helhet.intake.models import Application, Decision
from helhet.mapping.models import Mapping
from helhet.organisation.models import Role, StaffMember, Unit
from helhet.people.models import Service
from helhet.plans.models import IndividualPlan, Participant
from helhet.quality.models import Deviation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2026, 6, 15, 10, tzinfo=dt.UTC), tick=False):
        yield b.TODAY


def tally(muni, criterion_id):
    report = services.build(
        municipality_id=muni.pk,
        start=dt.date(2025, 6, 15),
        end=b.TODAY,
        criteria=[BY_ID[criterion_id]],
    )
    total = report[0].total
    return (total.met, total.not_met, total.not_applicable), report[0]


def evidence(report, result):
    return [o.evidence for o in report.outcomes if o.result == result]


def test_every_criterion_has_a_stable_id_a_legal_basis_and_a_source():
    ids = [c.id for c in CRITERIA]
    assert len(ids) == len(set(ids)) >= 18
    for criterion in CRITERIA:
        assert criterion.legal_basis in REFERENCES
        assert criterion.source and str(criterion.title)


def test_ip_offered_to_persons_with_long_term_coordinated_needs():
    muni = t.municipality()
    a, c = b.units(muni)
    offered, missing, single = (b.person(muni) for _ in range(3))
    for person in (offered, missing):
        t.service(person, a, valid_from=dt.date(2026, 1, 1))
        t.service(person, c, valid_from=dt.date(2026, 1, 1))
    t.service(single, a, valid_from=dt.date(2026, 1, 1))
    b.plan(offered, IndividualPlan.Status.OFFERED)
    counts, report = tally(muni, "ip_offered")
    assert counts == (1, 1, 1)
    assert evidence(report, Result.NOT_MET) == [
        "Ikke vurdert; tjenester fra 2 tjenesteytere over tid, men ingen IP er tilbudt."
    ]


def test_coordinator_offered_also_when_the_plan_is_declined():
    muni = t.municipality()
    a, c = b.units(muni)
    offered, declined, other = (b.person(muni) for _ in range(3))
    for person in (offered,):
        t.service(person, a, valid_from=dt.date(2026, 1, 1))
        t.service(person, c, valid_from=dt.date(2026, 1, 1))
    b.assignment(offered, a)
    t.service(declined, a)
    b.plan(declined, IndividualPlan.Status.DECLINED)
    t.service(other, a)
    counts, report = tally(muni, "coordinator_offered")
    assert counts == (1, 1, 1)
    assert evidence(report, Result.NOT_MET) == [
        "Personen takket nei til IP, men er ikke tilbudt koordinator."
    ]


def test_ip_content_complete_uses_the_plans_own_rule():
    muni = t.municipality()
    (a,) = b.units(muni, 1)
    b.complete_plan(b.person(muni), a)
    b.plan(b.person(muni))  # active and empty
    b.plan(b.person(muni), IndividualPlan.Status.OFFERED)
    counts, report = tally(muni, "ip_content_complete")
    assert counts == (1, 1, 1)
    assert evidence(report, Result.NOT_MET)[0].startswith("Mangler § 19 a, b, c, d, e, f, g, h, i")


def test_revision_date_not_passed():
    muni = t.municipality()
    b.plan(b.person(muni), revision_due=dt.date(2026, 9, 1))
    b.plan(b.person(muni), revision_due=dt.date(2026, 6, 1))
    # A closed plan is history and not evaluated; an offered one is "not applicable".
    b.plan(b.person(muni), IndividualPlan.Status.CLOSED, revision_due=dt.date(2026, 1, 1))
    b.plan(b.person(muni), IndividualPlan.Status.OFFERED)
    counts, report = tally(muni, "ip_revision_kept")
    assert counts == (1, 1, 1)
    assert evidence(report, Result.NOT_MET) == ["Revisjonsdatoen 01.06.2026 er passert."]


def test_a_plan_without_a_revision_date_is_counted_under_19_g_not_twice():
    muni = t.municipality()
    b.plan(b.person(muni), revision_due=None)
    counts, report = tally(muni, "ip_revision_kept")
    assert counts == (0, 0, 1)
    assert "§ 19 g" in evidence(report, Result.NOT_APPLICABLE)[0]
    counts, _report = tally(muni, "ip_content_complete")
    assert counts == (0, 1, 0)


def test_decision_letters_state_the_appeal_deadline_of_their_type():
    muni = t.municipality()
    (desk,) = b.units(muni, 1)
    b.decision(b.application(b.person(muni), desk), letter_sent_on=dt.date(2026, 3, 21))
    nav = t.unit(muni, Unit.Kind.NAV)
    b.decision(
        b.application(b.person(muni), nav, kind=Application.Kind.GUIDANCE),
        letter_sent_on=dt.date(2026, 3, 21),
    )
    counts, report = tally(muni, "decision_reasons_appeal")
    assert counts == (2, 0, 0)
    said = sorted(evidence(report, Result.MET))
    assert any("4 uker, pasient- og brukerrettighetsloven §§ 7-2 og 7-5" in e for e in said)
    assert any("3 uker, sosialtjenesteloven § 48; forvaltningsloven § 29" in e for e in said)


def test_consent_covers_each_participant():
    muni = t.municipality()
    a, c = b.units(muni)
    covered, uncovered, relatives_only = (b.person(muni) for _ in range(3))
    for person, unit in ((covered, a), (uncovered, c)):
        found = b.plan(person)
        Participant.objects.create(plan=found, kind=Participant.Kind.STAFF, unit=unit, name="X")
    b.consent(covered, units=[a])
    b.consent(uncovered, units=[a])
    found = b.plan(relatives_only)
    Participant.objects.create(plan=found, kind=Participant.Kind.RELATIVE, name="Mor")
    counts, report = tally(muni, "ip_consent_participants")
    assert counts == (1, 1, 1)
    assert evidence(report, Result.NOT_MET) == [f"Samtykket dekker ikke: {c.name}."]


def test_coordinator_named_within_the_municipalitys_own_deadline():
    muni = t.municipality()
    LocalRoutine.objects.create(
        municipality=muni,
        kind=LocalRoutine.Kind.COORDINATOR_NAMING,
        days=14,
        name="Kommunens rutine for koordinator",
    )
    (a,) = b.units(muni, 1)
    coordinator = t.staff(a)
    b.assignment(
        b.person(muni),
        a,
        coordinator,
        assigned_on=dt.date(2026, 5, 1),
        named_on=dt.date(2026, 5, 10),
    )
    b.assignment(b.person(muni), a, assigned_on=dt.date(2026, 5, 1))
    b.assignment(b.person(muni), a, assigned_on=dt.date(2026, 6, 10))
    counts, report = tally(muni, "coordinator_named_14_days")
    assert counts == (1, 1, 1)
    assert evidence(report, Result.NOT_MET) == [
        "Ikke oppnevnt; fristen 15.05.2026 etter Kommunens rutine for koordinator er ute."
    ]


def test_without_its_own_routine_no_local_deadline_is_judged_and_the_page_says_so():
    # hol. §§ 7-2 and 7-3 set no number of days; another municipality's routine
    # (here Nes's) is never used.
    nes, muni = t.municipality(name="Nes"), t.municipality()
    LocalRoutine.objects.create(
        municipality=nes, kind=LocalRoutine.Kind.COORDINATOR_NAMING, days=14, name="Nes' rutine"
    )
    (a,) = b.units(muni, 1)
    b.assignment(b.person(muni), a, assigned_on=dt.date(2026, 1, 5))
    counts, report = tally(muni, "coordinator_named_14_days")
    assert counts == (0, 0, 1)
    (said,) = evidence(report, Result.NOT_APPLICABLE)
    assert "Kommunen har ikke satt en egen frist" in said
    assert "Nes" not in said


def test_coordinators_trained():
    muni = t.municipality()
    (a,) = b.units(muni, 1)
    trained, untrained = t.staff(a), t.staff(a)
    t.staff(a)  # not a coordinator
    StaffMember.objects.filter(user=trained).update(coordinator_trained_on=dt.date(2026, 2, 1))
    b.assignment(b.person(muni), a, trained, named_on=dt.date(2026, 2, 2))
    b.assignment(b.person(muni), a, untrained, named_on=dt.date(2026, 2, 2))
    counts, report = tally(muni, "coordinator_trained")
    assert counts == (1, 1, 1)
    assert evidence(report, Result.NOT_MET) == [
        "Koordinator for 1 personer uten registrert opplæring."
    ]


def test_preliminary_answer_within_one_month():
    muni = t.municipality()
    (desk,) = b.units(muni, 1)
    b.application(b.person(muni), desk, preliminary_sent_on=dt.date(2026, 3, 25))
    b.application(b.person(muni), desk)  # still open, no preliminary answer
    b.decision(b.application(b.person(muni), desk), decided=dt.date(2026, 3, 10))
    counts, report = tally(muni, "preliminary_answer")
    assert counts == (1, 1, 1)
    assert evidence(report, Result.NOT_MET) == [
        "Ikke avgjort innen 01.04.2026 og ikke sendt foreløpig svar."
    ]


def test_decisions_have_reasons_and_appeal_information():
    muni = t.municipality()
    (desk,) = b.units(muni, 1)
    b.decision(
        b.application(b.person(muni), desk),
        Decision.Outcome.REFUSED,
        reasons="Behovet dekkes av andre tjenester",
        letter_sent_on=dt.date(2026, 3, 21),
    )
    b.decision(
        b.application(b.person(muni), desk),
        Decision.Outcome.REFUSED,
        letter_sent_on=dt.date(2026, 3, 21),
    )
    b.decision(b.application(b.person(muni), desk), decided=dt.date(2026, 6, 14))
    counts, report = tally(muni, "decision_reasons_appeal")
    assert counts == (1, 1, 1)
    assert evidence(report, Result.NOT_MET) == ["Avslaget er ikke begrunnet."]


def test_granted_decisions_are_started_by_the_provider():
    muni = t.municipality()
    desk, provider = b.units(muni)
    for started in (dt.date(2026, 4, 3), None):
        b.decision(
            b.application(b.person(muni), desk),
            provider=provider,
            period_from=dt.date(2026, 4, 1),
            started_on=started,
        )
    b.decision(b.application(b.person(muni), desk), Decision.Outcome.REFUSED, reasons="Nei")
    counts, report = tally(muni, "decision_started")
    assert counts == (1, 1, 1)
    assert evidence(report, Result.NOT_MET) == [
        "Innvilget fra 01.04.2026, men utførende enhet har ikke bekreftet oppstart."
    ]


def test_a_granted_coordinator_decision_is_never_a_service_left_unstarted():
    # hol. §§ 7-1–7-2: a coordinator/IP decision is carried out by naming a
    # coordinator, not by a providing unit confirming a start; only service
    # grants count in «Innvilget vedtak er satt i gang».
    muni = t.municipality()
    desk, provider = b.units(muni)
    b.decision(
        b.application(b.person(muni), desk, kind=Application.Kind.COORDINATION),
        provider=provider,
        period_from=dt.date(2026, 4, 1),
    )
    b.decision(
        b.application(b.person(muni), desk),
        provider=provider,
        period_from=dt.date(2026, 4, 1),
    )
    counts, report = tally(muni, "decision_started")
    assert counts == (0, 1, 1)
    (coordinator_case,) = evidence(report, Result.NOT_APPLICABLE)
    assert "koordinator" in coordinator_case


def test_services_lasting_more_than_two_weeks_rest_on_a_decision():
    muni = t.municipality()
    (a,) = b.units(muni, 1)
    t.service(b.person(muni), a, type_code="hjemmesykepleie")
    t.service(b.person(muni), a, basis=Service.Basis.OTHER, type_code="hjemmesykepleie")
    t.service(
        b.person(muni),
        a,
        basis=Service.Basis.OTHER,
        type_code="hjemmesykepleie",
        valid_from=dt.date(2026, 6, 1),
        valid_to=dt.date(2026, 6, 7),
    )
    counts, _report = tally(muni, "service_on_decision")
    assert counts == (1, 1, 1)


@pytest.fixture
def nav(db):
    muni = t.municipality()
    return muni, t.unit(muni, Unit.Kind.NAV)


def test_nav_guidance_information_is_recorded(nav):
    muni, office = nav
    b.nav_case(muni, office, guidance_informed=True, guidance_wish="onsker")
    b.nav_case(muni, office)
    b.nav_case(muni, office, kind=Application.Kind.GUIDANCE)
    counts, _report = tally(muni, "nav_guidance_informed")
    assert counts == (1, 1, 1)


def test_nav_activity_condition_under_30(nav):
    muni, office = nav
    b.nav_case(muni, office, age=25, activity_condition="Arbeidstrening tre dager i uka")
    b.nav_case(muni, office, age=25)
    b.nav_case(muni, office, age=40)
    counts, report = tally(muni, "nav_activity_condition")
    assert counts == (1, 1, 1)
    assert "§ 20 a" in evidence(report, Result.NOT_MET)[0]


def test_nav_qualification_programme_assessed_before_conditions(nav):
    muni, office = nav
    b.nav_case(muni, office, age=20, activity_condition="Kurs", kvp_criteria="nei")
    b.nav_case(muni, office, age=20, activity_condition="Kurs")
    b.nav_case(muni, office, age=20)
    counts, _report = tally(muni, "nav_kvp_assessed")
    assert counts == (1, 1, 1)


def test_nav_17_year_olds_heard(nav):
    muni, office = nav
    b.nav_case(
        muni,
        office,
        age=45,
        covers_child_17=True,
        child_heard_on=dt.date(2026, 3, 15),
        best_interests="Barnet ønsker å bo hjemme; vektlagt",
    )
    b.nav_case(muni, office, age=45, covers_child_17=True)
    b.nav_case(muni, office, age=45)
    counts, _report = tally(muni, "nav_child_heard")
    assert counts == (1, 1, 1)


def test_cooperation_routine_between_units_that_share_persons():
    muni = t.municipality()
    a, c, d = b.units(muni, 3)
    shared_ab, shared_ac = b.person(muni), b.person(muni)
    for person, units in ((shared_ab, (a, c)), (shared_ac, (a, d))):
        for unit in units:
            t.service(person, unit)
    routine = CooperationRoutine.objects.create(
        municipality=muni,
        title="Rutine",
        content="Slik samarbeider vi",
        owner=t.staff(a),
        approved_by="Kommunalsjef",
        approved_on=dt.date(2026, 1, 1),
        version="1",
        review_due=dt.date(2027, 1, 1),
    )
    routine.units.set([a, c])
    counts, report = tally(muni, "cooperation_routine")
    assert counts == (1, 1, 1)
    failing = [o.subject for o in report.outcomes if o.result == Result.NOT_MET]
    assert failing == [f"{a.name} – {d.name}"]


def test_directory_verified_within_12_months():
    muni = t.municipality()
    fresh, stale, _none = b.units(muni, 3)
    for unit, day in ((fresh, dt.date(2026, 2, 1)), (stale, dt.date(2025, 5, 1))):
        DirectoryEntry.objects.create(
            municipality=muni,
            unit=unit,
            purpose="Hjelp",
            services="Samtaler",
            target_groups="Voksne",
            contact_person="Kari",
            phone="12345678",
            last_verified=day,
        )
    counts, report = tally(muni, "directory_verified")
    assert counts == (1, 1, 1)
    assert evidence(report, Result.NOT_MET) == [
        "Sist bekreftet 01.05.2025, mer enn 12 måneder siden."
    ]


def test_responsibility_groups_meet_with_minutes():
    muni = t.municipality()
    kept, missed, new = (b.person(muni) for _ in range(3))
    group = ResponsibilityGroup.objects.create(
        person=kept, frequency_weeks=6, created_on=dt.date(2026, 1, 1)
    )
    for day in (
        dt.date(2026, 2, 5),
        dt.date(2026, 3, 15),
        dt.date(2026, 4, 20),
        dt.date(2026, 5, 28),
    ):
        b.held_meeting(group, day)
    ResponsibilityGroup.objects.create(
        person=missed, frequency_weeks=6, created_on=dt.date(2026, 1, 1)
    )
    ResponsibilityGroup.objects.create(
        person=new, frequency_weeks=6, created_on=dt.date(2026, 6, 1)
    )
    counts, report = tally(muni, "group_meetings_minutes")
    assert counts == (1, 1, 1)
    assert evidence(report, Result.NOT_MET) == ["3 avtalte møter ble ikke holdt."]


def test_missing_minutes_fail_the_meeting_criterion():
    muni = t.municipality()
    group = ResponsibilityGroup.objects.create(
        person=b.person(muni), frequency_weeks=26, created_on=dt.date(2026, 1, 1)
    )
    b.held_meeting(group, dt.date(2026, 3, 1), minutes="")
    counts, report = tally(muni, "group_meetings_minutes")
    assert counts == (0, 1, 0)
    assert evidence(report, Result.NOT_MET) == ["1 møter mangler referat."]


def test_deviations_handled_within_deadline():
    muni = t.municipality()
    (a,) = b.units(muni, 1)
    reporter = t.staff(a)
    for deadline, closed in (
        (dt.date(2026, 5, 20), dt.date(2026, 5, 18)),
        (dt.date(2026, 5, 20), None),
        (dt.date(2026, 6, 20), None),
    ):
        Deviation.objects.create(
            municipality=muni,
            unit=a,
            kind="tjeneste",
            severity="middels",
            title="Avvik",
            description="Noe gikk galt",
            occurred_on=dt.date(2026, 5, 5),
            reported_on=dt.date(2026, 5, 6),
            reported_by=reporter,
            deadline=deadline,
            closed_on=closed,
            status="lukket" if closed else "meldt",
        )
    counts, report = tally(muni, "deviations_in_time")
    assert counts == (1, 1, 1)
    assert evidence(report, Result.NOT_MET) == ["Åpen, fristen 20.05.2026 er ute."]


def test_needs_mapped_for_persons_with_an_active_plan():
    muni = t.municipality()
    (a,) = b.units(muni, 1)
    mapped, unmapped = b.person(muni), b.person(muni)
    for person in (mapped, unmapped):
        b.plan(person)
    t.service(b.person(muni), a)  # no plan
    Mapping.objects.create(
        person=mapped,
        unit=a,
        mapped_on=dt.date(2026, 2, 1),
        mapped_by_name="Kari",
        person_present=True,
        cares_for_children=Mapping.Children.NO,
    )
    counts, report = tally(muni, "needs_mapping")
    assert counts == (1, 1, 1)
    assert evidence(report, Result.NOT_MET) == ["Ingen kartlegging registrert (har aktiv plan)."]


def test_a_criterion_without_data_says_so_and_guesses_nothing(monkeypatch):
    muni = t.municipality()
    b.plan(b.person(muni))
    monkeypatch.setattr(criteria, "_mapping_tables_exist", lambda: False)
    counts, report = tally(muni, "needs_mapping")
    assert counts == (0, 0, 1)
    assert report.outcomes[0].evidence.startswith("Ingen data:")


def test_unit_filter_counts_only_cases_involving_the_unit():
    muni = t.municipality()
    a, c = b.units(muni)
    t.service(b.person(muni), a)
    t.service(b.person(muni), c, basis=Service.Basis.OTHER, type_code="praktisk_bistand")
    report = services.build(
        municipality_id=muni.pk,
        start=dt.date(2025, 6, 15),
        end=b.TODAY,
        unit_ids={c.pk},
        criteria=[BY_ID["service_on_decision"]],
    )[0]
    assert (report.total.met, report.total.not_met) == (0, 1)
    assert set(report.per_unit) == {c.pk}


def test_another_municipality_is_never_counted():
    mine, other = t.municipality(), t.municipality()
    (a,) = b.units(other, 1)
    t.service(b.person(other), a, basis=Service.Basis.LOW_THRESHOLD)
    role_unit = t.unit(mine)
    t.staff(role_unit, Role.LEADER)
    counts, _report = tally(mine, "service_on_decision")
    assert counts == (0, 0, 0)
