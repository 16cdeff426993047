"""The appeal deadline, written from the statutes' own words.

- pbrl. § 7-5: «Klage må fremsettes innen fire uker etter at vedkommende fikk
  eller burde ha fått tilstrekkelig kunnskap til å fremme en klage.»
- fvl. § 29 første ledd: «Fristen for klage er 3 uker fra det tidspunkt
  underretning om vedtaket er kommet fram til vedkommende part.»
- fvl. § 30 with domstolloven § 148 andre ledd (a deadline in weeks ends on the
  same weekday) and § 149 (a last day on a Saturday, Sunday or public holiday
  moves to the next working day); an appeal posted before the deadline ends is
  in time.
- eForvaltningsforskriften § 11 andre ledd: sent digitally, the deadline runs
  from when the decision was made available and notice sent.

Pure functions of dates: nothing here depends on today.
"""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helhet.core import legal
from helhet.core.legal import AppealRoute, DeadlineStart
from helhet.intake import rules
from helhet.intake.models import Application
from helhet.intake.rules import AppealTiming, Delivery

D = dt.date
HEALTH = legal.appeal_route("helse_omsorg")
SOCIAL = legal.appeal_route("okonomisk")


def test_every_kind_of_application_has_a_route_in_the_one_table():
    for kind in Application.Kind.values:
        route = legal.appeal_route(kind)
        assert route.weeks in (3, 4)
        assert route.appeal_law and route.legal_basis and str(route.appeal_body)


@pytest.mark.parametrize("kind", ["helse_omsorg", "ip_koordinator"])
def test_health_and_care_and_coordinator_decisions_give_four_weeks_under_pbrl_7_5(kind):
    route = legal.appeal_route(kind)
    assert route.weeks == 4
    assert route.starts == DeadlineStart.KNOWLEDGE
    assert route.appeal_law == "pasient- og brukerrettighetsloven §§ 7-2 og 7-5"
    assert str(route.appeal_body) == "Statsforvalteren"


@pytest.mark.parametrize("kind", ["okonomisk", "veiledning"])
def test_social_services_give_three_weeks_under_fvl_29_to_the_state_governor(kind):
    route = legal.appeal_route(kind)
    assert route.weeks == 3
    assert route.starts == DeadlineStart.NOTICE_REACHED
    assert "sosialtjenesteloven § 48" in route.appeal_law
    assert "forvaltningsloven § 29" in route.appeal_law


def test_other_decisions_follow_fvl_28_and_29():
    route = legal.appeal_route("annet")
    assert route.weeks == 3
    assert "forvaltningsloven §§ 28 og 29" == route.appeal_law
    assert legal.appeal_route("ukjent_type") == route


def test_a_decision_type_is_registered_once():
    with pytest.raises(ValueError):
        legal.register_appeal_route(HEALTH)


def test_another_issue_adds_its_decision_type_with_one_entry():
    route = AppealRoute(
        "test_bolig",
        "boligsosialloven",
        "forvaltningsloven § 29",
        "X",
        "Y",
        3,
        DeadlineStart.NOTICE_REACHED,
    )
    legal.register_appeal_route(route)
    try:
        assert legal.appeal_route("test_bolig") == route
    finally:
        del legal.APPEAL_ROUTES["test_bolig"]


def test_four_weeks_end_on_the_same_weekday():
    # Received Wednesday 2 April 2025 → Wednesday 30 April 2025.
    assert rules.appeal_deadline(HEALTH, D(2025, 4, 2)) == D(2025, 4, 30)
    assert rules.appeal_deadline(SOCIAL, D(2025, 4, 2)) == D(2025, 4, 23)


def test_a_last_day_on_a_weekend_moves_to_monday():
    # Received Saturday 1 March 2025: three weeks is Saturday 22 March → Monday 24.
    assert rules.appeal_deadline(SOCIAL, D(2025, 3, 1)) == D(2025, 3, 24)


def test_a_last_day_on_a_public_holiday_moves_to_the_next_working_day():
    # Received Thursday 20 March 2025 → three weeks is Thursday 10 April, a working day.
    assert rules.appeal_deadline(SOCIAL, D(2025, 3, 20)) == D(2025, 4, 10)
    # Received Thursday 27 March 2025 → three weeks is Maundy Thursday 17 April;
    # Good Friday, Saturday, Easter Sunday and Easter Monday follow → Tuesday 22 April.
    assert rules.appeal_deadline(SOCIAL, D(2025, 3, 27)) == D(2025, 4, 22)
    # Received Saturday 26 April 2025 → three weeks is Saturday 17 May (also
    # Constitution Day, a høytidsdag) → Monday 19 May.
    assert rules.appeal_deadline(SOCIAL, D(2025, 4, 26)) == D(2025, 5, 19)


def test_a_letter_handed_over_reached_the_party_that_day():
    assert rules.deemed_received(Delivery.HAND, D(2025, 3, 3), None) == D(2025, 3, 3)


def test_a_letter_in_the_digital_mailbox_counts_from_the_day_it_was_made_available():
    assert rules.deemed_received(Delivery.DIGITAL, D(2025, 3, 3), None) == D(2025, 3, 3)


def test_a_letter_by_post_is_not_presumed_received_on_any_day():
    assert rules.deemed_received(Delivery.POST, D(2025, 3, 3), None) is None
    assert rules.deemed_received(Delivery.POST, D(2025, 3, 3), D(2025, 3, 6)) == D(2025, 3, 6)


def test_no_letter_sent_means_no_deadline():
    assert rules.deemed_received(Delivery.HAND, None, None) is None


def test_an_appeal_is_in_time_on_the_last_day_and_late_the_day_after():
    received = D(2025, 4, 2)
    last = rules.appeal_deadline(HEALTH, received)
    assert rules.appeal_timing(HEALTH, received, last) == AppealTiming.IN_TIME
    assert rules.appeal_timing(HEALTH, received, last + dt.timedelta(1)) == AppealTiming.LATE


def test_an_appeal_posted_in_time_is_in_time_though_it_arrives_later():
    received = D(2025, 4, 2)
    last = rules.appeal_deadline(SOCIAL, received)
    arrived = last + dt.timedelta(days=3)
    assert rules.appeal_timing(SOCIAL, received, arrived, last) == AppealTiming.IN_TIME
    assert rules.appeal_timing(SOCIAL, received, arrived) == AppealTiming.LATE


def test_an_appeal_is_never_late_while_the_deadline_is_not_running():
    assert rules.appeal_timing(HEALTH, None, D(2030, 1, 1)) == AppealTiming.NOT_RUNNING


days = st.dates(D(2020, 1, 1), D(2035, 12, 31))
routes = st.sampled_from(list(legal.APPEAL_ROUTES.values()))


@given(routes, days)
def test_the_deadline_is_never_before_reception_and_lasts_the_full_weeks(route, received):
    last = rules.appeal_deadline(route, received)
    assert last >= received + dt.timedelta(weeks=route.weeks)
    # Moved only past days that are not working days (at most Easter's run).
    assert (last - received - dt.timedelta(weeks=route.weeks)).days <= 5
    assert rules.is_working_day(last)


@given(days)
def test_four_weeks_for_health_and_care_three_for_social_services(received):
    health = rules.appeal_deadline(legal.appeal_route("helse_omsorg"), received)
    social = rules.appeal_deadline(legal.appeal_route("okonomisk"), received)
    assert health >= received + dt.timedelta(weeks=4) > social >= received + dt.timedelta(weeks=3)


@given(st.sampled_from(list(Delivery)), days, st.none() | st.integers(0, 30))
def test_the_day_counted_from_is_never_before_the_letter_was_sent(delivery, sent, later):
    recorded = None if later is None else sent + dt.timedelta(days=later)
    received = rules.deemed_received(delivery, sent, recorded)
    assert received is None or received >= sent
