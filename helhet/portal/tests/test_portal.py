"""Min side: the person's plan, goals, consents, access log, blocks and notices."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse

from helhet.access import gate
from helhet.access.models import AccessBlock, AccessLogEntry
from helhet.consent.models import Consent
from helhet.plans.models import CrisisPlan, PlanVersion
from helhet.portal.models import EmergencyNotice, GoalComment, PortalAction
from helhet.portal.tests.builders import world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return world()


def test_a_person_login_lands_in_the_portal(client, w):
    client.force_login(w.user)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")
    page = client.get(reverse("portal:home"))
    assert w.person.full_name in page.content.decode()
    assert 'href="/personer/"' not in page.content.decode()  # no staff links


def test_staff_home_stays_the_staff_home(client, w):
    client.force_login(w.coordinator)
    assert client.get(reverse("home")).status_code == 200


def test_my_plan_shows_goals_coordinator_and_contact(client, w):
    client.force_login(w.user)
    page = client.get(reverse("portal:plan")).content.decode()
    assert w.goal.text in page
    assert w.coordinator.get_full_name() in page
    assert "Psykisk helse og rus" in page
    entry = AccessLogEntry.objects.filter(person=w.person).first()
    assert entry.basis == gate.SELF and entry.granted


def test_my_plan_shows_my_crisis_plan_in_my_own_words(client, w):
    CrisisPlan.objects.create(
        person=w.person,
        warning_signs="Sover lite",
        what_helps="Tur med hunden",
        what_does_not_help="Mange spørsmål på en gang",
        contacts=[{"name": "Legevakt", "role": "", "phone": "116 117", "when": "natt"}],
        admission="Frivillig innleggelse etter avtale",
        own_words="Jeg vil bli spurt først",
    )
    client.force_login(w.user)
    page = client.get(reverse("portal:plan")).content.decode()
    for text in (
        "Hvem jeg kontakter kveld og natt",
        'href="tel:116117"',
        "Mange spørsmål på en gang",
        "Frivillig innleggelse etter avtale",
        "Med mine egne ord",
        "Jeg vil bli spurt først",
    ):
        assert text in page
    # What the crisis plan lacks is for staff to follow up, not shown to the person.
    assert "Kriseplanen mangler" not in page


def test_the_person_edits_a_goal_as_a_new_plan_version(client, w):
    client.force_login(w.user)
    response = client.post(
        reverse("portal:goal_edit", args=[w.goal.pk]),
        {
            "version": w.plan.version,
            "text": "Jeg vil bo i egen leilighet innen sommeren.",
            "status": "aktiv",
        },
    )
    assert response.status_code == 302
    w.goal.refresh_from_db()
    assert w.goal.text == "Jeg vil bo i egen leilighet innen sommeren."
    version = PlanVersion.objects.filter(plan=w.plan).order_by("-number").first()
    assert version.author == w.user
    assert "av personen selv" in version.summary
    assert any(c["field"] == "text" for c in version.changes)
    action = PortalAction.objects.get(person=w.person, kind="mål")
    assert action.actor == w.user and action.representation is None


def test_a_stale_goal_edit_is_refused(client, w):
    client.force_login(w.user)
    url = reverse("portal:goal_edit", args=[w.goal.pk])
    client.post(url, {"version": w.plan.version, "text": "Første", "status": "aktiv"})
    response = client.post(url, {"version": w.plan.version, "text": "Andre", "status": "aktiv"})
    assert response.status_code == 409
    assert "endret av en annen" in response.content.decode()
    w.goal.refresh_from_db()
    assert w.goal.text == "Første"


def test_an_over_long_goal_is_refused_and_nothing_changes(client, w):
    client.force_login(w.user)
    versions = PlanVersion.objects.filter(plan=w.plan).count()
    response = client.post(
        reverse("portal:goal_edit", args=[w.goal.pk]),
        {"version": w.plan.version, "text": "x" * 1001, "status": "aktiv"},
    )
    assert response.status_code == 400
    assert "høyst 1000 tegn" in response.content.decode()
    w.goal.refresh_from_db()
    assert w.goal.text == "Jeg vil bo i egen leilighet."
    assert PlanVersion.objects.filter(plan=w.plan).count() == versions
    assert PortalAction.objects.filter(person=w.person, accepted=False).exists()


def test_script_in_a_goal_is_shown_as_text(client, w):
    client.force_login(w.user)
    client.post(
        reverse("portal:goal_new"),
        {"version": w.plan.version, "text": "<script>alert(1)</script>", "status": "aktiv"},
    )
    page = client.get(reverse("portal:plan")).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_another_persons_goal_is_404_logged_and_unchanged(client, w):
    other = world("ola", born=dt.date(1985, 3, 3))
    client.force_login(w.user)
    response = client.post(
        reverse("portal:goal_edit", args=[other.goal.pk]),
        {"version": other.plan.version, "text": "Kapret", "status": "aktiv"},
    )
    assert response.status_code == 404
    other.goal.refresh_from_db()
    assert other.goal.text != "Kapret"
    refused = AccessLogEntry.objects.filter(person=other.person, user=w.user, granted=False)
    assert refused.exists()
    response = client.post(reverse("portal:goal_comment", args=[other.goal.pk]), {"text": "hei"})
    assert response.status_code == 404
    assert not GoalComment.objects.exists()


def test_a_comment_on_a_goal_is_the_persons_own(client, w):
    client.force_login(w.user)
    client.post(reverse("portal:goal_comment", args=[w.goal.pk]), {"text": "Det går bedre nå."})
    comment = GoalComment.objects.get()
    assert comment.author == w.user and not comment.on_behalf
    assert "Det går bedre nå." in client.get(reverse("portal:plan")).content.decode()


def test_giving_a_consent_makes_the_person_the_giver(client, w):
    client.force_login(w.user)
    response = client.post(
        reverse("portal:consent_new"),
        {
            "purpose": "Samarbeid om boligen",
            "valid_to": "01.06.2027",
            "scope": [f"u:{w.mental.pk}:helse"],
        },
    )
    assert response.status_code == 302
    consent = Consent.objects.filter(person=w.person).order_by("-pk").first()
    assert consent.purpose == "Samarbeid om boligen"
    assert consent.given_how == Consent.GivenHow.DIGITAL
    assert consent.given_by == Consent.GivenBy.PERSON
    assert consent.registered_by == w.user
    assert [(s.unit_id, s.category) for s in consent.scopes.all()] == [(w.mental.pk, "helse")]


def test_a_consent_without_any_box_is_refused(client, w):
    client.force_login(w.user)
    before = Consent.objects.count()
    response = client.post(
        reverse("portal:consent_new"), {"purpose": "Noe", "valid_to": "01.06.2027"}
    )
    assert response.status_code == 400
    assert "minst én" in response.content.decode()
    assert Consent.objects.count() == before


def test_withdrawal_takes_effect_at_once(client, w):
    client.force_login(w.nurse)
    assert client.get(reverse("plans:detail", args=[w.plan.pk])).status_code == 200
    client.force_login(w.user)
    response = client.post(reverse("portal:consent_withdraw", args=[w.consent.pk]))
    assert response.status_code == 302
    w.consent.refresh_from_db()
    assert w.consent.withdrawn_at is not None
    client.force_login(w.nurse)
    assert client.get(reverse("plans:detail", args=[w.plan.pk])).status_code == 403
    client.force_login(w.user)
    page = client.get(reverse("portal:access_log")).content.decode()
    assert "Stoppet" in page
    assert w.nurse.get_full_name() in page


def test_a_blocked_coordinator_is_refused_and_the_log_says_why(client, w):
    client.force_login(w.user)
    response = client.post(reverse("portal:block_new"), {"staff_user": w.coordinator.pk})
    assert response.status_code == 302
    assert AccessBlock.objects.filter(person=w.person, staff_user=w.coordinator).exists()
    client.force_login(w.coordinator)
    assert client.get(reverse("plans:detail", args=[w.plan.pk])).status_code == 403
    assert w.person not in gate.accessible_persons(w.coordinator)
    entry = AccessLogEntry.objects.filter(person=w.person, user=w.coordinator).first()
    assert not entry.granted and entry.basis_detail == "Sperret av personen"
    client.force_login(w.user)
    page = client.get(reverse("portal:access_log")).content.decode()
    assert "Sperret av personen" in page


def test_a_blocked_member_gets_through_only_by_emergency_access_flagged(client, w):
    AccessBlock.objects.create(person=w.person, staff_user=w.coordinator, created_by=w.user)
    gate.grant_emergency(
        w.coordinator, w.person, reason="Akutt innleggelse, trenger kriseplanen nå"
    )
    client.force_login(w.coordinator)
    assert client.get(reverse("plans:detail", args=[w.plan.pk])).status_code == 200
    entry = AccessLogEntry.objects.filter(person=w.person, user=w.coordinator).first()
    assert entry.emergency and entry.flagged
    assert "sperret" in entry.basis_detail


def test_lifting_a_block_restores_access(client, w):
    found = AccessBlock.objects.create(person=w.person, staff_user=w.coordinator, created_by=w.user)
    client.force_login(w.user)
    client.post(reverse("portal:block_lift", args=[found.pk]))
    client.force_login(w.coordinator)
    assert client.get(reverse("plans:detail", args=[w.plan.pk])).status_code == 200


def test_only_listed_staff_can_be_blocked(client, w):
    from helhet import testing as t

    stranger = t.staff(t.municipality(), username="fremmed")
    client.force_login(w.user)
    client.post(reverse("portal:block_new"), {"staff_user": stranger.pk})
    assert not AccessBlock.objects.exists()


def test_emergency_access_sends_the_asked_for_notice(client, w):
    client.force_login(w.user)
    client.post(reverse("portal:notice"), {"emergency": "on", "email": "kari@example.org"})
    gate.grant_emergency(w.nurse, w.person, reason="Akutt innleggelse, trenger kriseplanen nå")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["kari@example.org"]
    assert "Det er brukt nødtilgang til opplysningene dine" in message.body
    for secret in (w.person.full_name, w.person.national_id, w.nurse.get_full_name()):
        assert secret not in message.body + message.subject
    assert EmergencyNotice.objects.filter(person=w.person, delivered=True).count() == 1


def test_no_notice_without_the_preference(w):
    gate.grant_emergency(w.nurse, w.person, reason="Akutt innleggelse, trenger kriseplanen nå")
    assert mail.outbox == []


def test_notice_needs_an_address(client, w):
    client.force_login(w.user)
    client.post(reverse("portal:notice"), {"emergency": "on", "email": ""})
    assert not hasattr(w.person, "notice_preference") or not w.person.notice_preference.emergency


def test_the_plan_pdf_is_the_persons_own(client, w):
    client.force_login(w.user)
    response = client.get(reverse("portal:plan_pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    entry = AccessLogEntry.objects.filter(person=w.person, action="utskrift").get()
    assert entry.basis == gate.SELF


def test_the_person_posts_a_message_to_the_group(client, w):
    client.force_login(w.user)
    response = client.post(reverse("portal:messages"), {"body": "Kan vi flytte møtet?"})
    assert response.status_code == 302
    page = client.get(reverse("portal:messages")).content.decode()
    assert "Kan vi flytte møtet?" in page


def test_staff_without_a_person_cannot_use_the_portal(client, w):
    client.force_login(w.coordinator)
    assert client.get(reverse("portal:plan")).status_code == 403
