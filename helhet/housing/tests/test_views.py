"""What the housing officer, the NAV adviser and others see and may do."""

import datetime as dt

from django.urls import reverse

from helhet import testing
from helhet.access.models import AccessLogEntry
from helhet.housing.models import (
    EarmarkNotice,
    EmergencyStay,
    HousingApplication,
    HousingDecision,
    Offer,
)
from helhet.housing.tests.builders import criteria, dwelling, waiting

Status = HousingApplication.Status


def _register(client, world, person, **extra):
    client.force_login(world.users.officer)
    data = {
        "national_id": person.national_id,
        "kind": "utleiebolig",
        "source": "plan",
        "need": "Bor hos venner, må flytte",
        "received_on": "01.06.2026",
        **extra,
    }
    return client.post(reverse("housing:register"), data)


def test_the_housing_office_registers_an_application_and_reads_it(client, world):
    person = testing.person(world.muni)
    response = _register(client, world, person)
    application = HousingApplication.objects.get(person=person)
    assert response.status_code == 302
    page = client.get(reverse("housing:application", args=[application.pk]))
    assert page.status_code == 200
    assert "Bor hos venner" in page.content.decode()
    assert application.channel == "ansatt" and application.source == "plan"


def test_another_unit_is_refused_and_the_refusal_is_logged(client, world):
    person = testing.person(world.muni)
    _register(client, world, person)
    application = HousingApplication.objects.get(person=person)
    client.force_login(world.users.mental)
    response = client.get(reverse("housing:application", args=[application.pk]))
    assert response.status_code == 403
    assert AccessLogEntry.objects.filter(
        person=person, user=world.users.mental, granted=False
    ).exists()


def test_a_person_unknown_to_the_municipality_needs_a_name(client, world):
    response = _register(client, world, testing.person(world.muni), national_id="01017012345")
    assert response.status_code == 400
    assert HousingApplication.objects.count() == 0


def test_no_decision_without_written_allocation_criteria(client, world):
    person = testing.person(world.muni)
    _register(client, world, person)
    application = HousingApplication.objects.get(person=person)
    client.post(
        reverse("housing:assess", args=[application.pk]),
        {"urgency": "hoy", "group": "", "assessment": "Uten bolig om en måned"},
    )
    response = client.post(
        reverse("housing:decide", args=[application.pk]),
        {"outcome": "innvilget", "reasons": "Fyller vilkårene"},
    )
    assert response.status_code == 400
    assert "ingen godkjente tildelingskriterier" in response.content.decode()
    assert not HousingDecision.objects.exists()


def test_the_decision_cites_the_criteria_and_the_appeal_board(client, world):
    version = criteria(world)
    person = testing.person(world.muni)
    _register(client, world, person)
    application = HousingApplication.objects.get(person=person)
    client.post(
        reverse("housing:assess", args=[application.pk]),
        {"urgency": "hoy", "group": "", "assessment": "Uten bolig om en måned"},
    )
    response = client.post(
        reverse("housing:decide", args=[application.pk]),
        {"outcome": "innvilget", "reasons": "Fyller vilkårene i kriteriene punkt 2"},
        follow=True,
    )
    page = response.content.decode()
    decision = HousingDecision.objects.get()
    assert decision.criteria_version == version
    assert "kommunens klagenemnd" in page
    assert "3 uker" in page
    assert "versjon 1" in page
    assert "Plass 1: hastegrad høy" in page


def test_an_earmarked_dwelling_outside_its_group_needs_a_reason_and_tells_the_unit(client, world):
    criteria(world)
    application = waiting(world, group="rus")
    bergtun = dwelling(world, earmarked_for="psykisk_helse")
    client.force_login(world.users.officer)
    url = reverse("housing:offer", args=[application.pk])
    refused = client.post(url, {"dwelling": bergtun.pk})
    assert refused.status_code == 400
    assert "øremerket en annen gruppe" in refused.content.decode()
    assert not Offer.objects.exists()
    client.post(url, {"dwelling": bergtun.pk, "outside_group_reason": "Ingen i målgruppen venter."})
    notice = EarmarkNotice.objects.get()
    assert notice.unit == world.units.mental
    client.force_login(world.users.mental)
    page = client.get(reverse("housing:notices")).content.decode()
    assert "Bergtun 1" in page and "Ingen i målgruppen venter." in page
    assert application.person.family_name not in page


def test_offering_past_someone_ahead_on_the_list_needs_a_reason(client, world):
    criteria(world)
    waiting(world, urgency="akutt")
    later = waiting(world, urgency="lav")
    flat = dwelling(world)
    client.force_login(world.users.officer)
    response = client.post(reverse("housing:offer", args=[later.pk]), {"dwelling": flat.pk})
    assert response.status_code == 400
    assert "hoppes over" in response.content.decode()
    client.post(
        reverse("housing:offer", args=[later.pk]),
        {"dwelling": flat.pk, "skip_reason": "Søkeren foran trenger bolig uten trapper."},
    )
    assert Offer.objects.get().position == 2


def test_a_second_refusal_loses_the_place_when_the_criteria_allow_one(client, world):
    criteria(world, refusals_kept=1)
    application = waiting(world)
    client.force_login(world.users.officer)
    for number, address in enumerate(["Sjøli 1", "Sjøli 2"], start=1):
        flat = dwelling(world, address=address)
        client.post(reverse("housing:offer", args=[application.pk]), {"dwelling": flat.pk})
        offer = Offer.objects.get(dwelling=flat)
        client.post(
            reverse("housing:answer", args=[offer.pk]),
            {"answer": "avslatt", "answered_on": "02.06.2026", "refusal_reason": "beliggenhet"},
        )
        application.refresh_from_db()
        if number == 1:
            assert application.status == Status.WAITING
    assert application.status == Status.LAPSED
    assert "faller bort" in application.status_reason


def test_a_refusal_without_a_reason_changes_nothing(client, world):
    criteria(world)
    application = waiting(world)
    flat = dwelling(world)
    client.force_login(world.users.officer)
    client.post(reverse("housing:offer", args=[application.pk]), {"dwelling": flat.pk})
    offer = Offer.objects.get()
    response = client.post(
        reverse("housing:answer", args=[offer.pk]),
        {"answer": "avslatt", "answered_on": "02.06.2026"},
    )
    assert response.status_code == 400
    offer.refresh_from_db()
    assert offer.answer == ""


def test_accepting_starts_the_contract_and_lets_the_dwelling(client, world):
    criteria(world)
    application = waiting(world)
    flat = dwelling(world)
    client.force_login(world.users.officer)
    client.post(reverse("housing:offer", args=[application.pk]), {"dwelling": flat.pk})
    offer = Offer.objects.get()
    client.post(
        reverse("housing:answer", args=[offer.pk]),
        {"answer": "akseptert", "answered_on": "02.06.2026", "contract_start": "15.06.2026"},
    )
    flat.refresh_from_db()
    application.refresh_from_db()
    assert flat.state == "utleid"
    assert application.status == Status.HOUSED


def test_a_hotel_stay_past_the_limit_alerts_the_nav_office(client, world):
    client.force_login(world.users.nav)
    person = testing.person(world.muni)
    response = client.post(
        reverse("housing:stay_new"),
        {
            "national_id": person.national_id,
            "place": "hotell",
            "place_name": "Grensehotellet",
            "reason": "Kastet ut av utleier",
            "decided_on": "01.04.2026",
            "started_on": "01.04.2026",
        },
    )
    stay = EmergencyStay.objects.get()
    assert response.status_code == 302
    overview = client.get(reverse("housing:index")).content.decode()
    assert "Grensehotellet" in overview
    assert "over kommunens grense på 21 dager" in overview
    assert "Ikke fulgt opp mot varig bolig" in overview
    page = client.get(reverse("housing:stay", args=[stay.pk])).content.decode()
    assert "Hotell eller camping" in page
    assert "Statsforvalteren" in page


def test_the_housing_office_cannot_follow_up_nav_stays(client, world):
    person = testing.person(world.muni)
    stay = EmergencyStay.objects.create(
        person=person,
        unit=world.units.nav,
        place="akuttbolig",
        place_name="Akuttbolig 1",
        reason="Brann",
        decided_on=dt.date(2026, 5, 1),
        started_on=dt.date(2026, 5, 1),
        registered_by=world.users.nav,
    )
    client.force_login(world.users.officer)
    response = client.post(reverse("housing:stay", args=[stay.pk]), {"follow_up": "x"})
    assert response.status_code == 403
    stay.refresh_from_db()
    assert stay.follow_up == ""


def test_the_person_applies_on_min_side(client, world):
    from django.contrib.auth import get_user_model

    person = testing.person(world.muni)
    user = get_user_model().objects.create_user(username="innbygger", password="x")
    person.user = user
    person.save()
    client.force_login(user)
    response = client.post(
        reverse("housing:apply"), {"kind": "ungdomsbolig", "need": "Jeg bor på sofaen hos en venn"}
    )
    assert response.status_code == 302
    application = HousingApplication.objects.get(person=person)
    assert application.channel == "min_side"
    assert application.unit == world.units.housing
    client.force_login(world.users.officer)
    page = client.get(reverse("housing:waiting_list")).content.decode()
    assert str(person) in page


def test_statistics_hide_small_numbers(client, world):
    criteria(world)
    waiting(world)
    client.force_login(world.users.officer)
    page = client.get(reverse("housing:statistics")).content.decode()
    assert "færre enn 5 – vises ikke" in page
    assert "&lt;5" in page


def test_the_mental_health_service_sends_an_application_in_one_step_for_its_own_person(
    client, world
):
    served = testing.person(world.muni)
    testing.service(served, world.units.mental)
    stranger = testing.person(world.muni)
    client.force_login(world.users.mental)
    url = reverse("housing:register")
    form = client.get(url, {"person": served.pk, "fra": "kartlegging"}).content.decode()
    assert served.national_id in form
    refused = client.get(url, {"person": stranger.pk, "fra": "kartlegging"})
    assert refused.status_code == 403
    assert AccessLogEntry.objects.filter(person=stranger, granted=False).exists()
    data = {
        "kind": "utleiebolig",
        "source": "kartlegging",
        "need": "Boligbehov i kartleggingen",
        "received_on": "01.06.2026",
    }
    client.post(url, {**data, "national_id": stranger.national_id})
    assert not HousingApplication.objects.filter(person=stranger).exists()
    client.post(url, {**data, "national_id": served.national_id})
    application = HousingApplication.objects.get(person=served)
    assert application.unit == world.units.housing
    assert application.registered_by == world.users.mental


def test_staff_outside_case_work_cannot_register(client, world):
    from helhet.organisation.models import Role

    auditor = testing.staff(world.units.mental, Role.AUDITOR, "revisor")
    client.force_login(auditor)
    assert client.get(reverse("housing:register")).status_code == 403


def test_the_housing_office_does_not_see_navs_emergency_stays_without_consent(client, world):
    person = testing.person(world.muni)
    _register(client, world, person)
    EmergencyStay.objects.create(
        person=person,
        unit=world.units.nav,
        place="hotell",
        place_name="Grensehotellet",
        reason="Uten bolig",
        decided_on=dt.date(2026, 5, 1),
        started_on=dt.date(2026, 5, 1),
        registered_by=world.users.nav,
    )
    client.force_login(world.users.officer)
    assert "Grensehotellet" not in client.get(reverse("housing:stays")).content.decode()
    client.force_login(world.users.nav)
    assert "Grensehotellet" in client.get(reverse("housing:stays")).content.decode()


def test_nav_does_not_see_the_housing_waiting_list_names_without_consent(client, world):
    criteria(world)
    application = waiting(world)
    testing.service(application.person, world.units.nav)
    client.force_login(world.users.nav)
    page = client.get(reverse("housing:waiting_list")).content.decode()
    assert "Plass 1" in page
    assert application.person.family_name not in page


def test_refusal_reasons_are_hidden_when_the_total_would_give_away_a_small_one(client, world):
    from helhet.housing.statistics import report

    criteria(world, refusals_kept=5)
    flats = [dwelling(world, address=f"Elvegata {n}") for n in range(12)]
    for n in range(6):
        application = waiting(world)
        Offer.objects.create(
            application=application,
            dwelling=flats[n],
            offered_on=dt.date(2026, 3, 1),
            offered_by=world.users.officer,
            position=1,
            answer="avslatt",
            answered_on=dt.date(2026, 3, 5),
            refusal_reason="beliggenhet" if n < 5 else "husleie",
            kept_place=True,
        )
    shown = report(world.muni.pk, world.today)
    cells = {c.label: c.shown for c in shown["refused_cells"]}
    # 6 in all and 5 for the location would give away the single refusal for
    # the rent (6 - 5), so the 5 is hidden too (mapping.suppression).
    assert cells["Avslått i alt"] == "6"
    assert cells["Beliggenhet"] == ":"
    assert cells["Husleien"] in ("<5", ":")
    assert "5" not in [v for k, v in cells.items() if k != "Avslått i alt"]
    assert shown["refused_share"] == "100 %"
    client.force_login(world.users.officer)
    assert "Beliggenhet" in client.get(reverse("housing:statistics")).content.decode()


def test_a_preliminary_answer_is_registered_and_a_late_case_without_one_is_not_met(client, world):
    from helhet.audit import services as audit
    from helhet.audit.criteria import BY_ID
    from helhet.audit.results import Result

    person = testing.person(world.muni)
    _register(client, world, person, received_on="01.04.2026")
    late = HousingApplication.objects.get(person=person)
    answered = testing.person(world.muni)
    _register(client, world, answered, received_on="01.04.2026")
    application = HousingApplication.objects.get(person=answered)
    bad = client.post(
        reverse("housing:preliminary", args=[application.pk]),
        {"sent_on": "01.03.2026", "reason": "Venter på legeopplysninger"},
    )
    assert bad.status_code == 400
    client.post(
        reverse("housing:preliminary", args=[application.pk]),
        {"sent_on": "20.04.2026", "reason": "Venter på legeopplysninger"},
    )
    report = audit.build(
        municipality_id=world.muni.pk,
        start=dt.date(2026, 1, 1),
        end=world.today,
        criteria=[BY_ID["housing_preliminary_answer"]],
    )[0]
    found = {o.person_id: o.result for o in report.outcomes}
    assert found == {late.person_id: Result.NOT_MET, answered.pk: Result.MET}


def test_the_waiting_list_shows_and_logs_exactly_the_rows_the_gate_opens(client, world):
    from helhet.consent.models import Category

    criteria(world)
    consented, other, blocked = waiting(world), waiting(world), waiting(world)
    for application in (consented, other, blocked):
        testing.service(application.person, world.units.nav)
    testing.consent(consented.person, units=[world.units.nav], categories=[Category.SOCIAL])
    testing.consent(blocked.person, units=[world.units.nav], categories=[Category.SOCIAL])
    from helhet.access.models import AccessBlock

    AccessBlock.objects.create(person=blocked.person, staff_user=world.users.nav)
    client.force_login(world.users.nav)
    page = client.get(reverse("housing:waiting_list")).content.decode()
    assert consented.person.family_name in page
    assert other.person.family_name not in page
    assert blocked.person.family_name not in page
    logged = AccessLogEntry.objects.filter(user=world.users.nav, what="venteliste for bolig")
    assert list(logged.values_list("person_id", flat=True)) == [consented.person_id]
    client.force_login(world.users.officer)
    client.get(reverse("housing:waiting_list"))
    logged = AccessLogEntry.objects.filter(user=world.users.officer, what="venteliste for bolig")
    assert sorted(logged.values_list("person_id", flat=True)) == sorted(
        a.person_id for a in (consented, other, blocked)
    )
