"""Self-assessment campaigns: define, answer, assess, feedback letter, aggregate."""

import datetime as dt

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from helhet import testing as t
from helhet.audit import campaigns
from helhet.audit.models import Campaign, Participation
from helhet.organisation.models import Role, Unit

pytestmark = pytest.mark.django_db

QUESTIONS = (
    "Får søkere under 30 år vilkår om aktivitet? | sosialtjenesteloven § 20 a\n"
    "Blir 17-åringer hørt? | barnekonvensjonen art. 12"
)


@pytest.fixture
def world():
    muni = t.municipality()
    nav_a, nav_b = t.unit(muni, Unit.Kind.NAV), t.unit(muni, Unit.Kind.NAV)
    return {
        "muni": muni,
        "units": (nav_a, nav_b),
        "supervisor": t.staff(t.unit(muni), Role.AUDITOR),
        "leader_a": t.staff(nav_a, Role.LEADER),
        "leader_b": t.staff(nav_b, Role.LEADER),
    }


def make(world, **extra) -> Campaign:
    fields = {
        "topic": "Unge 17–23 i NAV",
        "description": "",
        "answer_deadline": dt.date(2026, 9, 1),
        "plan_deadline": dt.date(2026, 10, 1),
        "units": list(world["units"]),
        "questions": QUESTIONS,
        "milestones": "01.08.2026 | Oppstartsmøte",
        **extra,
    }
    return campaigns.create(world["muni"], world["supervisor"], **fields)


def answer(client, user, participation, lovbrudd, **extra):
    client.force_login(user)
    questions = list(participation.campaign.questions.all())
    data = {f"q_{q.pk}": "delvis" for q in questions}
    data |= {f"u_{q.pk}": "Vi leste det som alle vedtak siste år" for q in questions}
    data["lovbrudd"] = "ja" if lovbrudd else "nei"
    if lovbrudd:
        data |= {
            "cause_plan": "Ingen rutine",
            "cause_do": "Vilkår glemt",
            "cause_check": "Ingen kontroll",
            "cause_correct": "Ikke korrigert",
            "measures": "Sjekkliste i vedtaksmalen",
            "responsible": "NAV-leder",
            "measures_deadline": "01.12.2026",
            "monitoring": "Stikkprøver hver måned",
        }
    data |= extra
    return client.post(reverse("audit:participation", args=[participation.pk]), data)


def test_campaign_is_defined_with_questions_milestones_and_units(world):
    campaign = make(world)
    assert [q.legal_basis for q in campaign.questions.all()] == [
        "sosialtjenesteloven § 20 a",
        "barnekonvensjonen art. 12",
    ]
    assert campaign.milestones.get().title == "Oppstartsmøte"
    assert campaign.participations.count() == 2


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"questions": "Uten hjemmel"}, "Linje 1 i spørsmålene må ha formen «tekst | tekst»."),
        ({"milestones": "31.02.2026 | Møte"}, "Ugyldig dato «31.02.2026». Bruk dd.mm.åååå."),
        ({"plan_deadline": dt.date(2026, 8, 1)}, "Fristen for forbedringsplan kan ikke være"),
        ({"units": []}, "Velg minst én enhet som skal delta."),
    ],
)
def test_bad_campaign_is_refused_and_nothing_saved(world, extra, message):
    with pytest.raises(campaigns.Refused, match=message):
        make(world, **extra)
    assert not Campaign.objects.exists()


def test_a_unit_with_lovbrudd_must_give_cause_and_a_four_point_plan(client, world):
    participation = make(world).participations.get(unit=world["units"][0])
    refused = answer(client, world["leader_a"], participation, True, monitoring="")
    assert refused.status_code == 400
    assert "Forbedringsplanen må ha tiltak, ansvarlig, frist" in refused.content.decode()
    participation.refresh_from_db()
    assert participation.submitted_on is None
    assert answer(client, world["leader_a"], participation, True).status_code == 302
    participation.refresh_from_db()
    assert participation.lovbrudd and participation.measures_deadline == dt.date(2026, 12, 1)
    assert participation.answers.filter(value="delvis").count() == 2


def test_only_the_units_own_leaders_answer(client, world):
    participation = make(world).participations.get(unit=world["units"][0])
    assert answer(client, world["leader_b"], participation, False).status_code == 403
    client.force_login(t.staff(world["units"][0], Role.SERVICE_PROVIDER))
    assert client.get(reverse("audit:campaigns")).status_code == 403


def test_supervisor_assesses_sends_feedback_and_sees_the_aggregate(client, world):
    campaign = make(world)
    a, b = (campaign.participations.get(unit=u) for u in world["units"])
    answer(client, world["leader_a"], a, True)
    answer(client, world["leader_b"], b, False)
    client.force_login(world["supervisor"])
    client.post(
        reverse("audit:assess", args=[a.pk]),
        {
            "plan_measures_ok": "on",
            "plan_responsible_ok": "on",
            "plan_deadline_ok": "on",
            "assessment": "Oppfølgingen må beskrives.",
        },
    )
    a.refresh_from_db()
    assert a.assessed_on and not campaigns.plan_approved(a)
    letter = client.post(reverse("audit:feedback_letter", args=[a.pk]))
    assert letter["Content-Type"] == "application/pdf" and letter.content.startswith(b"%PDF")
    a.refresh_from_db()
    assert a.feedback_sent_on is not None
    page = client.get(reverse("audit:campaign", args=[campaign.pk])).content.decode()
    assert "1 av 2 enheter som har svart, fant lovbrudd" in page
    assert "Ingen rutine" in page
    summary = campaigns.aggregate(campaign)
    assert [(yes, partly, no) for _q, yes, partly, no in summary["questions"]] == [
        (0, 2, 0),
        (0, 2, 0),
    ]


def test_leaders_cannot_define_or_assess(client, world):
    participation = make(world).participations.first()
    client.force_login(world["leader_a"])
    assert client.get(reverse("audit:campaign_new")).status_code == 403
    assert client.post(reverse("audit:assess", args=[participation.pk])).status_code == 403


def test_another_municipality_sees_nothing(client, world):
    participation = make(world).participations.first()
    client.force_login(t.staff(t.unit(t.municipality()), Role.AUDITOR))
    assert client.get(reverse("audit:participation", args=[participation.pk])).status_code == 404
    assert Participation.objects.count() == 2


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_unit_answers_and_the_supervisor_sees_the_aggregate(page):
    world_ = {
        "muni": (muni := t.municipality()),
        "units": (t.unit(muni, Unit.Kind.NAV, name="NAV Fjordvik"),),
        "supervisor": t.staff(t.unit(muni), Role.AUDITOR),
    }
    leader = t.staff(world_["units"][0], Role.LEADER)
    make(world_)
    t.browser_login(page, leader.username, t.PASSWORD)
    page.goto(reverse("audit:campaigns"))
    page.get_by_role("link", name="Unge 17–23 i NAV").click()
    for radio in page.get_by_label("Ja", exact=True).all()[:2]:
        radio.check()
    page.get_by_label("Slik forsto vi spørsmål 1").fill("Alle vedtak om stønad i 2025")
    page.get_by_label("Nei", exact=True).last.check()
    page.get_by_role("button", name="Send egenvurderingen").click()
    expect(page.get_by_text("Egenvurderingen er sendt til tilsynet.")).to_be_visible()

    page.get_by_role("button", name="Logg ut").click()
    t.browser_login(page, world_["supervisor"].username, t.PASSWORD)
    page.goto(reverse("audit:campaigns"))
    page.get_by_role("link", name="Unge 17–23 i NAV").click()
    expect(page.get_by_text("0 av 1 enheter som har svart, fant lovbrudd")).to_be_visible()
    expect(page.get_by_role("cell", name="Sendt inn")).to_be_visible()
