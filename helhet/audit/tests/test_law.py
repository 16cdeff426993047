"""The criteria of docs/law.md «Tjenester og vedtak», «Hvem trenger individuell plan»,
«Samarbeidsavtaler» and «Kartlegging, kriseplan, somatisk helse, NAV § 17»,
each tested from the words of the statute or the report it rests on."""

import datetime as dt

import pytest
import time_machine

from helhet import testing as t
from helhet.around.models import ExternalService, NeedAssessment, SomaticFollowUp
from helhet.audit import rules, services
from helhet.audit.criteria import BY_ID
from helhet.audit.results import Result
from helhet.audit.tests import builders as b
from helhet.cooperation.models import CooperationAgreement, SubAgreement
from helhet.cooperation.rules import REQUIRED_TOPICS
from helhet.core.legal import REFERENCES
from helhet.mapping.models import DomainScore, Mapping
from helhet.organisation.models import Unit
from helhet.people.catalogue import guess_type
from helhet.people.models import Service
from helhet.plans.models import CrisisPlan, IndividualPlan

TODAY = b.TODAY
R = Result


pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2026, 6, 15, 10, tzinfo=dt.UTC), tick=False):
        yield TODAY


def tally(muni, criterion_id):
    report = services.build(
        municipality_id=muni.pk,
        start=dt.date(2025, 6, 15),
        end=TODAY,
        criteria=[BY_ID[criterion_id]],
    )
    total = report[0].total
    return (total.met, total.not_met, total.not_applicable), report[0]


def results(report):
    return {o.person_id: o.result for o in report.outcomes if o.person_id}


# --- «Tjenester og vedtak»: pbrl. § 2-7, hol. § 3-2 første ledd nr. 6 ------------

START = dt.date(2026, 1, 1)


def test_a_health_and_care_service_lasting_more_than_two_weeks_needs_a_decision():
    # pbrl. § 2-7: "forventet å vare lenger enn to uker" — 15 days is longer, 14 is not.
    longer = rules.service_on_decision(
        "Hjemmesykepleie", True, "annet", START, START + dt.timedelta(15)
    )
    two_weeks = rules.service_on_decision(
        "Hjemmesykepleie", True, "annet", START, START + dt.timedelta(14)
    )
    open_ended = rules.service_on_decision("Hjemmesykepleie", True, "annet", START, None)
    decided = rules.service_on_decision("Hjemmesykepleie", True, "vedtak", START, None)
    assert (longer.result, two_weeks.result, open_ended.result, decided.result) == (
        R.NOT_MET,
        R.NOT_APPLICABLE,
        R.NOT_MET,
        R.MET,
    )


def test_low_threshold_offers_and_nav_services_are_never_a_breach_of_the_decision_rule():
    low = rules.service_on_decision(
        "Lavterskeltilbud (uten vedtak)", False, "lavterskel", START, None
    )
    nav = rules.service_on_decision("NAV: økonomisk stønad", False, "annet", START, None)
    assert low.result == nav.result == R.NOT_APPLICABLE
    assert "NAV: økonomisk stønad" in nav.evidence


def test_a_service_without_type_is_judged_as_needing_a_decision_unless_low_threshold():
    assert rules.service_on_decision(None, None, "annet", START, None).result == R.NOT_MET
    assert rules.service_on_decision(None, None, "lavterskel", START, None).result == (
        R.NOT_APPLICABLE
    )


def test_catalogue_types_cite_the_paragraph_and_follow_pbrl_2_7():
    from helhet.people.catalogue import TYPES

    for spec in TYPES:
        assert spec.legal_basis in REFERENCES, spec.code
    needing = {s.code for s in TYPES if s.needs_decision}
    # hol. § 3-2 første ledd nr. 6 a–d, § 3-6 and § 3-8 need a decision …
    assert {"hjemmesykepleie", "praktisk_bistand", "stottekontakt", "avlastning"} <= needing
    assert {"korttidsopphold", "langtidsopphold", "omsorgsstonad", "bpa"} <= needing
    # … low-threshold offers, day activities (nr. 7) and NAV's services do not.
    assert not needing & {
        "lavterskel",
        "frisklivs",
        "dagaktivitet",
        "nav_okonomisk",
        "nav_veiledning",
    }


def test_existing_services_get_the_type_their_name_basis_and_unit_point_to():
    assert guess_type("hjemmetjeneste", "vedtak", "Praktisk bistand") == "praktisk_bistand"
    assert guess_type("psykisk_rus", "lavterskel", "Oppfølging") == "lavterskel"
    assert guess_type("nav", "vedtak", "Økonomisk stønad") == "nav_okonomisk"
    assert guess_type("bolig", "vedtak", "Kommunal bolig") == "bolig"
    assert guess_type("annet", "vedtak", "Noe annet") == "annen_helse_omsorg"


def test_service_criterion_leaves_low_threshold_and_nav_out_and_flags_home_nursing():
    muni = t.municipality()
    (mental,) = b.units(muni, 1)
    nav = t.unit(muni, Unit.Kind.NAV)
    drop_in = t.service(
        b.person(muni), mental, basis=Service.Basis.LOW_THRESHOLD, type_code="lavterskel"
    )
    money = t.service(b.person(muni), nav, basis=Service.Basis.OTHER, type_code="nav_okonomisk")
    nursing = t.service(
        b.person(muni), mental, basis=Service.Basis.OTHER, type_code="hjemmesykepleie"
    )
    counts, report = tally(muni, "service_on_decision")
    assert counts == (0, 1, 2)
    found = results(report)
    assert found[nursing.person_id] == R.NOT_MET
    assert found[drop_in.person_id] == found[money.person_id] == R.NOT_APPLICABLE


# --- «Hvem trenger individuell plan»: hol. § 7-1, pbrl. § 2-5 ---------------------


def _assess(person, unit, needs, day=dt.date(2026, 3, 1)):
    return NeedAssessment.objects.create(
        person=person,
        needs_coordinated=needs,
        assessed_on=day,
        assessed_by_name="Kari Koordinator",
        unit=unit,
    )


def test_the_assessment_decides_who_needs_an_ip_not_the_number_of_units():
    muni = t.municipality()
    a, c = b.units(muni)
    one_unit_but_assessed = b.person(muni)
    t.service(one_unit_but_assessed, a, valid_from=dt.date(2026, 1, 1))
    _assess(one_unit_but_assessed, a, True)
    two_units_assessed_no = b.person(muni)
    for unit in (a, c):
        t.service(two_units_assessed_no, unit, valid_from=dt.date(2025, 1, 1))
    _assess(two_units_assessed_no, a, False)
    counts, report = tally(muni, "ip_offered")
    assert counts == (0, 1, 1)
    assert results(report)[one_unit_but_assessed.pk] == R.NOT_MET
    assert "Vurdert 01.03.2026" in next(
        o.evidence for o in report.outcomes if o.result == R.NOT_MET
    )


def test_services_outside_the_municipality_count_for_persons_not_yet_assessed():
    # "langvarige og koordinerte tjenester": the GP and DPS count as providers too.
    muni = t.municipality()
    (a,) = b.units(muni, 1)
    person = b.person(muni)
    t.service(person, a, valid_from=dt.date(2026, 5, 1))
    ExternalService.objects.create(
        person=person,
        kind=ExternalService.Kind.DPS,
        name="DPS Fjordvik",
        valid_from=dt.date(2025, 9, 1),
        unit=a,
    )
    alone = b.person(muni)
    t.service(alone, a, valid_from=dt.date(2025, 1, 1))
    counts, report = tally(muni, "ip_offered")
    assert counts == (0, 1, 1)
    assert results(report)[person.pk] == R.NOT_MET
    assert results(report)[alone.pk] == R.NOT_APPLICABLE


def test_the_latest_assessment_counts():
    need = rules.need_for((True, dt.date(2026, 1, 1)), [], TODAY)
    assert need.needs and need.assessed
    proxy = rules.need_for(None, [rules.ServiceSpan(1, dt.date(2026, 1, 1), None)], TODAY)
    assert not proxy.needs and not proxy.assessed


def test_coordinator_offered_uses_the_assessment_too():
    need = rules.Need(True, dt.date(2026, 2, 1))
    assert rules.coordinator_offered(need, None, None).result == R.NOT_MET
    assert rules.coordinator_offered(rules.Need(False, dt.date(2026, 2, 1)), None, None).result == (
        R.NOT_APPLICABLE
    )


def test_the_ip_criteria_say_on_their_page_that_the_proxy_is_ours():
    for criterion_id in ("ip_offered", "coordinator_offered"):
        criterion = BY_ID[criterion_id]
        assert criterion.legal_basis in REFERENCES
        assert "anslag" in str(criterion.population).lower()
    assert "§ 7-1" in BY_ID["ip_offered"].legal_text


# --- «Samarbeidsavtaler»: hol. §§ 6-1, 6-2; § 3-4 for the own units ------------------


def test_routines_between_own_units_cite_3_4_and_the_quality_regulation_not_6_1():
    text = BY_ID["cooperation_routine"].legal_text
    assert "§ 3-4" in text and "ledelse og kvalitetsforbedring" in text
    assert "6-1" not in text


def _agreement(muni, topics=REQUIRED_TOPICS, revision=dt.date(2027, 1, 1)):
    agreement = CooperationAgreement.objects.create(
        municipality=muni,
        title="Samarbeidsavtale",
        health_trust="Helse Fjord HF",
        signed_on=dt.date(2024, 1, 1),
        owner="Kommunalsjef",
        revision_due=dt.date(2027, 6, 1),
    )
    SubAgreement.objects.create(
        agreement=agreement,
        title="Tjenesteavtale",
        topics=list(topics),
        owner="Kommunalsjef",
        approved_on=dt.date(2024, 1, 1),
        revision_due=revision,
    )
    return agreement


def test_no_registered_agreement_is_no_data_never_a_guessed_breach():
    muni = t.municipality()
    counts, report = tally(muni, "cooperation_agreement")
    assert counts == (0, 0, 1)
    assert report.outcomes[0].evidence.startswith("Ingen data:")


def test_an_ended_agreement_leaves_none_in_force():
    muni = t.municipality()
    agreement = _agreement(muni)
    agreement.ended_on = dt.date(2026, 1, 1)
    agreement.save()
    assert tally(muni, "cooperation_agreement")[0] == (0, 0, 1)


def test_an_agreement_covering_every_6_2_topic_and_kept_up_to_date_is_met():
    muni = t.municipality()
    _agreement(muni)
    assert tally(muni, "cooperation_agreement")[0] == (1, 0, 0)


def test_a_missing_rop_sub_agreement_and_a_passed_revision_date_are_named():
    muni = t.municipality()
    topics = [topic for topic in REQUIRED_TOPICS if topic != "psykisk_helse_rus"]
    _agreement(muni, topics, revision=dt.date(2026, 1, 1))
    counts, report = tally(muni, "cooperation_agreement")
    assert counts == (0, 1, 0)
    assert "psykiske lidelser og rusproblemer" in report.outcomes[0].evidence
    assert "Tjenesteavtale" in report.outcomes[0].evidence


# --- «Kartlegging, kriseplan, somatisk helse, NAV § 17» ----------------------------


def _mapping(person, unit, day=dt.date(2026, 2, 1), risk=False, **levels):
    mapping = Mapping.objects.create(
        person=person,
        unit=unit,
        mapped_on=day,
        mapped_by_name="Kari",
        person_present=True,
        cares_for_children=Mapping.Children.NO,
        crisis_risk=risk,
    )
    for domain, level in levels.items():
        DomainScore.objects.create(mapping=mapping, domain=domain, level=level)
    return mapping


def test_persons_assessed_as_needing_long_term_services_are_mapped_also_without_an_ip():
    muni = t.municipality()
    (a,) = b.units(muni, 1)
    person = b.person(muni)
    _assess(person, a, True)
    counts, report = tally(muni, "needs_mapping")
    assert counts == (0, 1, 0)
    assert "vurdert å ha behov" in report.outcomes[0].evidence
    _mapping(person, a)
    assert tally(muni, "needs_mapping")[0] == (1, 0, 0)


def test_a_risk_shown_in_the_mapping_needs_a_crisis_plan_of_the_person():
    muni = t.municipality()
    (a,) = b.units(muni, 1)
    at_risk, no_risk = b.person(muni), b.person(muni)
    _mapping(at_risk, a, risk=True)
    _mapping(no_risk, a)
    counts, report = tally(muni, "crisis_plan")
    assert counts == (0, 1, 1)
    assert "Kartleggingen viser risiko" in report.outcomes[0].evidence or any(
        "Kartleggingen viser risiko" in o.evidence for o in report.outcomes
    )
    # The crisis plan belongs to the person: no IP is needed for it.
    CrisisPlan.objects.create(
        person=at_risk,
        warning_signs="Slutter å svare på telefon",
        what_helps="Besøk av kjent ansatt",
        contacts=[
            {"name": "Psykisk helse", "role": "", "phone": "99 99 99 99", "when": "dag"},
            {"name": "Legevakt", "role": "", "phone": "116117", "when": "natt"},
        ],
    )
    assert tally(muni, "crisis_plan")[0] == (1, 0, 1)


def test_a_crisis_plan_whose_night_contact_has_no_phone_is_not_met_and_says_so():
    muni = t.municipality()
    person = b.person(muni)
    b.plan(person, crisis_risk=True)
    CrisisPlan.objects.create(
        person=person,
        warning_signs="Slutter å svare på telefon",
        what_helps="Besøk av kjent ansatt",
        contacts=[
            {"name": "Kari", "role": "koordinator", "phone": "99 99 99 99", "when": "dag"},
            {"name": "Legevakt", "role": "", "phone": "", "when": "natt"},
        ],
    )
    counts, report = tally(muni, "crisis_plan")
    assert counts == (0, 1, 0)
    evidence = report.outcomes[0].evidence
    assert "kveld og natt, med telefonnummer" in evidence and "dagtid" not in evidence
    # A contact reachable at all hours covers the night as well.
    CrisisPlan.objects.filter(person=person).update(
        contacts=[{"name": "Kari", "role": "", "phone": "99 99 99 99", "when": "alltid"}]
    )
    assert tally(muni, "crisis_plan")[0] == (1, 0, 0)


def test_a_risk_in_the_plan_with_an_incomplete_crisis_plan_is_not_met():
    muni = t.municipality()
    person = b.person(muni)
    b.plan(person, crisis_risk=True)
    CrisisPlan.objects.create(person=person, warning_signs="Søvnløshet")
    counts, report = tally(muni, "crisis_plan")
    assert counts == (0, 1, 0)
    assert "mangler" in report.outcomes[0].evidence


def test_crisis_plan_rule_from_the_guideline_words():
    assert rules.crisis_plan("", False, ()).result == R.NOT_APPLICABLE
    assert rules.crisis_plan("Planen", False, ()).result == R.NOT_MET
    incomplete = rules.crisis_plan("Planen", True, ("varselsignaler",))
    assert incomplete.result == R.NOT_MET and "varselsignaler" in incomplete.evidence
    assert rules.crisis_plan("Planen", True, ()).result == R.MET


def test_somatic_health_is_followed_and_the_gp_informed_for_rop_persons():
    long_ago = TODAY - dt.timedelta(days=400)
    recent = TODAY - dt.timedelta(days=30)
    assert rules.somatic_followed(False, None, False, None, TODAY).result == R.NOT_APPLICABLE
    assert rules.somatic_followed(True, long_ago, False, long_ago, TODAY).result == R.NOT_MET
    assert rules.somatic_followed(True, recent, False, None, TODAY).result == R.NOT_MET
    assert rules.somatic_followed(True, recent, False, long_ago, TODAY).result == R.NOT_MET
    assert rules.somatic_followed(True, recent, False, recent, TODAY).result == R.MET
    assert rules.somatic_followed(True, recent, True, None, TODAY).result == R.MET


def test_rop_means_both_substance_and_mental_problems_in_the_latest_mapping():
    assert rules.is_rop({"rus": 2, "psykisk": 3})
    assert not rules.is_rop({"rus": 3, "psykisk": 1})
    assert not rules.is_rop({"rus": 0, "psykisk": 3})  # «ikke kjent» is not a problem


def test_somatic_criterion_reads_mapping_and_follow_ups():
    muni = t.municipality()
    (a,) = b.units(muni, 1)
    followed, neglected, other = b.person(muni), b.person(muni), b.person(muni)
    for person in (followed, neglected):
        _mapping(person, a, rus=3, psykisk=2)
    _mapping(other, a, rus=1, psykisk=3)
    for kind, day in (
        (SomaticFollowUp.Kind.CHECK, dt.date(2026, 3, 1)),
        (SomaticFollowUp.Kind.GP_INFORMED, dt.date(2026, 3, 2)),
    ):
        SomaticFollowUp.objects.create(
            person=followed, kind=kind, done_on=day, done_by="Sykepleier", unit=a
        )
    counts, report = tally(muni, "somatic_health")
    assert counts == (1, 1, 1)
    assert results(report)[neglected.pk] == R.NOT_MET


def test_the_latest_mapping_counts_and_its_query_does_not_grow_with_the_mappings():
    """Only the latest mapping on or before the day counts (an earlier one said ROP,
    the latest does not); and the scores are read in one statement whose text does
    not grow with the number of mappings — a long IN list made SQLite take hours at
    50,000 persons."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from helhet.audit.criteria import Scope, _latest_mappings

    muni = t.municipality()
    (a,) = b.units(muni, 1)
    changed = b.person(muni)
    _mapping(changed, a, day=dt.date(2026, 1, 5), rus=3, psykisk=3)
    latest = _mapping(changed, a, day=dt.date(2026, 2, 5), rus=0, psykisk=3)
    _mapping(changed, a, day=TODAY + dt.timedelta(days=10), rus=3, psykisk=3)  # not yet

    def statement() -> tuple[dict, str]:
        scope = Scope(municipality_id=muni.pk, start=dt.date(2025, 6, 15), end=TODAY, today=TODAY)
        with CaptureQueriesContext(connection) as queries:
            found = _latest_mappings(scope)
        (scores,) = [q["sql"] for q in queries.captured_queries if "domainscore" in q["sql"]]
        return found, scores

    found, few = statement()
    assert found[changed.pk]["pk"] == latest.pk
    assert found[changed.pk]["levels"] == {"rus": 0, "psykisk": 3}
    assert not rules.is_rop(found[changed.pk]["levels"])
    for _ in range(20):
        _mapping(b.person(muni), a, rus=2, psykisk=2)
    found, many = statement()
    assert len(found) == 21
    assert len(many) == len(few)


def test_nav_guidance_given_needs_a_section_17_decision():
    # sotjl. § 41 andre ledd: "Avgjørelser om tildeling av sosiale tjenester skal
    # regnes som enkeltvedtak."
    muni = t.municipality()
    office = t.unit(muni, Unit.Kind.NAV)
    b.nav_case(muni, office, guidance_given=True, guidance_decided_on=dt.date(2026, 3, 1))
    b.nav_case(muni, office, guidance_given=True)
    b.nav_case(muni, office)
    counts, report = tally(muni, "nav_guidance_decided")
    assert counts == (1, 1, 1)
    assert "uten vedtak" in next(o.evidence for o in report.outcomes if o.result == R.NOT_MET)


NEW_OR_CHANGED = (
    "ip_offered",
    "coordinator_offered",
    "service_on_decision",
    "cooperation_routine",
    "needs_mapping",
    "crisis_plan",
    "somatic_health",
    "nav_guidance_informed",
    "nav_guidance_decided",
    "cooperation_agreement",
)


@pytest.mark.parametrize("criterion_id", NEW_OR_CHANGED)
def test_each_criterion_states_its_method_for_the_auditor(criterion_id):
    criterion = BY_ID[criterion_id]
    assert criterion.legal_basis in REFERENCES and "§" in criterion.legal_text
    for text in (
        criterion.definition,
        criterion.population,
        criterion.met_when,
        criterion.blind_spots,
    ):
        assert len(str(text)) > 20


def test_the_criterion_page_shows_the_method(client):
    from helhet.organisation.models import Role

    muni = t.municipality()
    leader = t.staff(t.unit(muni), Role.LEADER)
    client.force_login(leader)
    response = client.get("/revisjon/kriterium/ip_offered/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Det dataene ikke viser" in body and "anslaget er vårt" in body


def test_plans_with_a_declined_status_are_not_counted_for_crisis_risk():
    muni = t.municipality()
    person = b.person(muni)
    b.plan(person, IndividualPlan.Status.DECLINED, crisis_risk=True)
    assert tally(muni, "crisis_plan")[0] == (0, 0, 0)


def test_the_demo_report_shows_the_new_criteria_with_data_and_their_breaches_are_real(db):
    from helhet.audit.tests.test_report import make_demo
    from helhet.plans.models import CrisisPlan

    demo = make_demo(60)
    reports = {
        r.criterion.id: r
        for r in services.build(
            municipality_id=demo.pk, start=TODAY - dt.timedelta(days=365), end=TODAY
        )
    }
    for criterion_id in ("crisis_plan", "somatic_health", "cooperation_agreement", "needs_mapping"):
        assert reports[criterion_id].total.met > 0, criterion_id
    assert reports["cooperation_agreement"].total.not_met == 0
    # Every crisis-plan breach is a person whose plan or mapping is marked with a
    # risk and who has no complete crisis plan: nothing else is reported.
    complete = {c.person_id for c in CrisisPlan.objects.all() if c.is_complete}
    for outcome in reports["crisis_plan"].outcomes:
        if outcome.result == R.NOT_MET:
            assert outcome.person_id not in complete
    # The IP criterion never judges an assessed person by the proxy.
    assessed = set(NeedAssessment.objects.values_list("person_id", flat=True))
    for outcome in reports["ip_offered"].outcomes:
        if outcome.person_id in assessed:
            assert "Ikke vurdert" not in outcome.evidence
