"""Offering an individual plan from the person page: one open plan per person."""

from django.utils import timezone

from helhet.plans.models import IndividualPlan


def test_offer_creates_an_offered_plan_with_a_first_version(client, story):
    IndividualPlan.objects.filter(pk=story.plan.pk).update(status=IndividualPlan.Status.CLOSED)
    client.force_login(story.coordinator)
    today = timezone.localdate()
    response = client.post(f"/planer/tilby/{story.person.pk}/", {"offered_on": today.isoformat()})
    assert response.status_code == 302
    plan = IndividualPlan.objects.get(person=story.person, status=IndividualPlan.Status.OFFERED)
    assert response["Location"] == f"/planer/{plan.pk}/"
    assert plan.offered_on == today
    assert plan.versions.get().number == 1


def test_second_open_plan_is_refused(coordinator_client, story):
    today = timezone.localdate().isoformat()
    response = coordinator_client.post(f"/planer/tilby/{story.person.pk}/", {"offered_on": today})
    assert response.status_code == 200
    assert "Personen har allerede en åpen plan." in response.content.decode()
    assert story.person.plans.count() == 1


def test_offer_form_needs_a_date_not_in_the_future(coordinator_client, story):
    response = coordinator_client.post(
        f"/planer/tilby/{story.person.pk}/", {"offered_on": "2999-01-01"}
    )
    assert "Datoen kan ikke være fram i tid." in response.content.decode()
    assert coordinator_client.get("/planer/tilby/999999/").status_code == 404


def test_person_page_filter_hides_the_offer_while_a_plan_is_open(story):
    from django.template import Context, Template

    template = Template("{% load plans_tags %}{% if plans|may_offer_plan %}tilby{% endif %}")
    plans = story.person.plans.all()
    assert template.render(Context({"plans": plans})) == ""
    IndividualPlan.objects.filter(pk=story.plan.pk).update(status=IndividualPlan.Status.CLOSED)
    assert template.render(Context({"plans": story.person.plans.all()})) == "tilby"
