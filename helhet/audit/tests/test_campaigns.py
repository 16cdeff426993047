"""Self-assessment campaigns: define, answer, assess, feedback letter, aggregate."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from playwright.sync_api import expect

from helhet import testing as t
from helhet.audit import campaigns
from helhet.audit.models import Campaign, Participation, SupervisoryAuthority
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
    assert "1 av 2 fant lovbrudd" in page
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
    expect(page.get_by_text("0 av 1 fant lovbrudd")).to_be_visible()
    expect(page.get_by_role("cell", name="Sendt inn")).to_be_visible()


# --- the state governor's campaign across municipalities ------------------------


@pytest.fixture
def governor():
    """Statsforvalteren with three municipalities and a NAV office in each."""
    munis = [t.municipality(name=name) for name in ("Elverum", "Hamar", "Lom")]
    navs = [t.unit(m, Unit.Kind.NAV, name=f"NAV {m.name}") for m in munis]
    authority = SupervisoryAuthority.objects.create(name="Statsforvalteren i Innlandet")
    authority.municipalities.set(munis)
    # The governor's staff are users, not staff of any municipality.
    inspector = get_user_model().objects.create_user("inspektor", password=t.PASSWORD)
    authority.members.add(inspector)
    leaders = [t.staff(nav, Role.LEADER) for nav in navs]
    return {
        "authority": authority,
        "munis": munis,
        "navs": navs,
        "inspector": inspector,
        "leaders": leaders,
    }


def make_across(g, **extra) -> Campaign:
    fields = {
        "topic": "Sosiale tjenester til unge 17–23",
        "description": "",
        "answer_deadline": dt.date(2026, 5, 20),
        "plan_deadline": dt.date(2026, 6, 30),
        "units": list(g["navs"]),
        "questions": QUESTIONS,
        "milestones": "",
        **extra,
    }
    return campaigns.create(None, g["inspector"], authority=g["authority"], **fields)


def test_the_governor_invites_nav_offices_of_several_municipalities(client, governor):
    client.force_login(governor["inspector"])
    form = client.get(reverse("audit:campaign_new")).content.decode()
    for muni, nav in zip(governor["munis"], governor["navs"], strict=True):
        assert f"{muni.name} – {nav.name}" in form
    response = client.post(
        reverse("audit:campaign_new"),
        {
            "topic": "Unge i NAV",
            "answer_deadline": "20.05.2026",
            "plan_deadline": "30.06.2026",
            "units": [nav.pk for nav in governor["navs"]],
            "questions": QUESTIONS,
        },
    )
    assert response.status_code == 302
    campaign = Campaign.objects.get()
    assert campaign.authority == governor["authority"] and campaign.municipality is None
    assert {p.unit.municipality for p in campaign.participations.all()} == set(governor["munis"])


def test_the_governors_staff_start_on_the_campaigns(client, governor):
    client.force_login(governor["inspector"])
    assert client.get("/")["Location"] == reverse("audit:campaigns")
    assert client.get(reverse("audit:campaigns")).status_code == 200


def test_a_unit_outside_the_governors_municipalities_cannot_be_invited(governor):
    stranger = t.unit(t.municipality(name="Trondheim"), Unit.Kind.NAV, name="NAV Trondheim")
    with pytest.raises(campaigns.Refused, match="utenfor det tilsynet omfatter: NAV Trondheim"):
        make_across(governor, units=[*governor["navs"], stranger])
    assert not Campaign.objects.exists()


def test_each_unit_sees_only_its_own_answer_and_another_units_url_is_refused(client, governor):
    campaign = make_across(governor)
    own, other, third = (campaign.participations.get(unit=nav) for nav in governor["navs"])
    assert answer(client, governor["leaders"][1], other, True).status_code == 302
    # The attacker: leader of NAV Elverum tries NAV Hamar's answer, its
    # assessment, its letter and the campaign's aggregate, by URL.
    client.force_login(governor["leaders"][0])
    for url in (
        reverse("audit:participation", args=[other.pk]),
        reverse("audit:campaign", args=[campaign.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 404
        assert "Ingen rutine" not in response.content.decode()
    assert client.post(reverse("audit:participation", args=[third.pk]), {}).status_code == 404
    assert client.post(reverse("audit:assess", args=[other.pk]), {}).status_code == 404
    assert client.post(reverse("audit:feedback_letter", args=[other.pk])).status_code == 404
    other.refresh_from_db()
    assert other.assessed_on is None and other.feedback_sent_on is None
    listing = client.get(reverse("audit:campaigns")).content.decode()
    assert "NAV Elverum" in listing and "NAV Hamar" not in listing
    assert client.get(reverse("audit:participation", args=[own.pk])).status_code == 200
    # A municipality's own auditor does not supervise the governor's campaign:
    # refused (403: the unit is of the auditor's own municipality).
    client.force_login(t.staff(t.unit(governor["munis"][1]), Role.AUDITOR))
    assert client.get(reverse("audit:participation", args=[other.pk])).status_code == 403
    assert client.get(reverse("audit:campaign", args=[campaign.pk])).status_code == 404


def test_a_cause_in_one_phase_is_enough_none_is_refused(client, governor):
    campaign = make_across(governor)
    first, second, _third = (campaign.participations.get(unit=nav) for nav in governor["navs"])
    no_cause = {"cause_plan": "", "cause_do": "", "cause_check": "", "cause_correct": ""}
    refused = answer(client, governor["leaders"][0], first, True, **no_cause)
    assert refused.status_code == 400
    assert "Beskriv årsaken til lovbruddet i minst én fase av kvalitetssirkelen" in (
        refused.content.decode()
    )
    first.refresh_from_db()
    assert first.submitted_on is None
    only_check = {**no_cause, "cause_check": "Ingen kontroll av vedtakene"}
    assert answer(client, governor["leaders"][0], first, True, **only_check).status_code == 302
    first.refresh_from_db()
    assert first.lovbrudd and first.cause_check and not first.cause_plan


def test_aggregate_says_n_of_m_found_lovbrudd_and_counts_causes_by_phase(client, governor):
    campaign = make_across(governor)
    first, second, third = (campaign.participations.get(unit=nav) for nav in governor["navs"])
    empty = {"cause_plan": "", "cause_do": "", "cause_check": "", "cause_correct": ""}
    answer(
        client, governor["leaders"][0], first, True, **{**empty, "cause_check": "Ingen kontroll"}
    )
    answer(client, governor["leaders"][1], second, True)  # all four phases
    answer(client, governor["leaders"][2], third, False)
    summary = campaigns.aggregate(campaign)
    assert (summary["lovbrudd"], summary["submitted"], summary["municipalities"]) == (2, 3, 3)
    assert [(str(phase), n) for phase, n in summary["phases"]] == [
        ("planlegge", 1),
        ("utføre", 1),
        ("kontrollere", 2),
        ("korrigere", 1),
    ]
    client.force_login(governor["inspector"])
    page = client.get(reverse("audit:campaign", args=[campaign.pk])).content.decode()
    assert "2 av 3 fant lovbrudd." in page
    assert "Statsforvalteren i Innlandet fører tilsynet. Enheter i 3 kommuner er invitert." in page


def test_each_unit_gets_its_own_feedback_letter(client, governor):
    campaign = make_across(governor)
    letters = []
    for leader, nav in zip(governor["leaders"], governor["navs"], strict=True):
        participation = campaign.participations.get(unit=nav)
        answer(client, leader, participation, False)
        client.force_login(governor["inspector"])
        assert (
            client.post(
                reverse("audit:assess", args=[participation.pk]),
                {"assessment": f"Vurdering av {nav.name}"},
            ).status_code
            == 302
        )
        letter = client.post(reverse("audit:feedback_letter", args=[participation.pk]))
        assert letter["Content-Type"] == "application/pdf"
        letters.append(letter.content)
    assert all(content.startswith(b"%PDF") for content in letters)
    assert len(set(letters)) == 3
    assert campaign.participations.filter(feedback_sent_on__isnull=False).count() == 3


def test_feedback_letter_names_the_unit_its_municipality_and_the_governor(client, governor):
    import io

    from pypdf import PdfReader

    campaign = make_across(governor)
    participation = campaign.participations.get(unit=governor["navs"][2])
    answer(client, governor["leaders"][2], participation, False)
    client.force_login(governor["inspector"])
    client.post(reverse("audit:assess", args=[participation.pk]), {"assessment": "Vurdert"})
    letter = client.post(reverse("audit:feedback_letter", args=[participation.pk]))
    reader = PdfReader(io.BytesIO(letter.content))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    # The common letter layout: the governor as sender at the top.
    assert text.startswith("Statsforvalteren i Innlandet")
    assert "Til NAV Lom, Lom." in text
    assert reader.metadata.author == "Statsforvalteren i Innlandet"
    assert "/StructTreeRoot" in reader.trailer["/Root"]
