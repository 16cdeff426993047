"""The compliance pages and the sample pages, as each role sees them."""

import datetime as dt

import pytest
from django.urls import reverse

from helhet import testing as t
from helhet.access.models import AccessLogEntry
from helhet.audit import sampling
from helhet.audit.models import AuditSample, ChecklistAnswer
from helhet.audit.tests import builders as b
from helhet.consent.models import Category
from helhet.coordination.models import CoordinatorAssignment
from helhet.organisation.models import Role
from helhet.people.models import Service
from helhet.testing import consent

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """Two persons whose services rest on no decision: one the leader's unit
    serves by decision too (a basis), one the leader has no relation to."""
    muni = t.municipality()
    mine, other = b.units(muni)
    known, unknown = b.person(muni, given_name="Kjent"), b.person(muni, given_name="Ukjent")
    t.service(known, mine)
    t.service(known, other, basis=Service.Basis.OTHER, type_code="praktisk_bistand")
    t.service(unknown, other, basis=Service.Basis.OTHER, type_code="praktisk_bistand")
    leader = t.staff(mine, Role.LEADER)
    auditor = t.staff(t.unit(muni), Role.AUDITOR)
    return muni, known, unknown, leader, auditor


def criterion_page(client, user, criterion="service_on_decision"):
    client.force_login(user)
    return client.get(reverse("audit:criterion", args=[criterion]))


def test_leader_sees_the_report_with_every_criterion(client, world):
    _muni, _known, _unknown, leader, _auditor = world
    client.force_login(leader)
    response = client.get(reverse("audit:compliance"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Tjenester som varer mer enn to uker bygger på vedtak" in text
    assert "helse- og omsorgstjenesteloven § 3-2" in text
    assert reverse("audit:compliance") in text  # the nav link for this role


def test_service_provider_has_no_report(client, world):
    muni = world[0]
    client.force_login(t.staff(t.unit(muni), Role.SERVICE_PROVIDER))
    assert client.get(reverse("audit:compliance")).status_code == 403
    assert client.get(reverse("audit:samples")).status_code == 403


def test_drill_down_names_only_persons_the_gate_allows_and_logs_them(client, world):
    _muni, known, unknown, leader, _auditor = world
    # The evidence is another unit's service (health information): the name is
    # shown only under a consent covering the leader's unit, as the page would.
    consent(known, units=[leader.staff.memberships[0].unit], categories=[Category.HEALTH])
    response = criterion_page(client, leader)
    text = response.content.decode()
    assert known.full_name in text
    assert unknown.full_name not in text
    assert "1 sak til oppfyller ikke kravet" in text
    logged = AccessLogEntry.objects.filter(user=leader, granted=True)
    assert list(logged.values_list("person_id", flat=True)) == [known.pk]


def test_drill_down_hides_a_person_whose_evidence_the_gate_would_not_open(client, world):
    """A relation alone opens basic data, not another unit's health information."""
    _muni, known, unknown, leader, _auditor = world
    text = criterion_page(client, leader).content.decode()
    assert known.full_name not in text and unknown.full_name not in text
    assert "2 saker til oppfyller ikke kravet" in text
    assert (
        not AccessLogEntry.objects.filter(user=leader, granted=True).exclude(person=None).exists()
    )


def test_auditor_sees_counts_but_no_names(client, world):
    _muni, known, unknown, _leader, auditor = world
    text = criterion_page(client, auditor).content.decode()
    assert known.full_name not in text and unknown.full_name not in text
    assert "2 saker til oppfyller ikke kravet" in text
    assert not AccessLogEntry.objects.filter(user=auditor).exists()


def test_auditor_sees_no_staff_names_in_coordinator_training(client, world):
    muni, known, _unknown, leader, auditor = world
    CoordinatorAssignment.objects.create(
        person=known, offered_on=dt.date(2026, 1, 1), coordinator=leader
    )
    assert (
        leader.last_name
        not in criterion_page(client, auditor, "coordinator_trained").content.decode()
    )
    assert (
        leader.last_name in criterion_page(client, leader, "coordinator_trained").content.decode()
    )


def test_unknown_criterion_is_404(client, world):
    assert criterion_page(client, world[3], "finnes_ikke").status_code == 404


def test_bad_filter_shows_a_norwegian_error_and_the_default_period(client, world):
    client.force_login(world[3])
    response = client.get(reverse("audit:compliance"), {"start": "01.05.2026", "end": "01.04.2026"})
    assert response.status_code == 200
    assert "Perioden slutter før den begynner." in response.content.decode()


def test_report_pdf_has_no_names(client, world):
    _muni, known, _unknown, leader, _auditor = world
    client.force_login(leader)
    response = client.get(reverse("audit:compliance_pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_auditor_draws_reviews_and_downloads_a_sample(client, world):
    muni, known, unknown, _leader, auditor = world
    client.force_login(auditor)
    response = client.post(
        reverse("audit:samples"),
        {
            "method": "systematisk",
            "every": "1",
            "offset": "1",
            "start": "01.01.2026",
            "end": "30.06.2026",
        },
    )
    sample = AuditSample.objects.get()
    assert response.status_code == 302 and sample.created_by == auditor
    page = client.get(reverse("audit:sample", args=[sample.pk])).content.decode()
    assert "U-001" in page and "U-002" in page
    for person in (known, unknown):
        assert person.full_name not in page and person.national_id not in page
    assert "2 personer, 100,0 % av populasjonen" in page
    answer = ChecklistAnswer.objects.get(
        item__reference="U-001", item__sample=sample, key="ip_offered"
    )
    url = reverse("audit:sample_item", args=[sample.pk, "U-001"])
    item_page = client.get(url).content.decode()
    assert "2 tjenester fra 2 enheter i kommunen" in item_page  # «Kjent»: the auditors' columns
    data = {
        f"{a.pk}-value": a.prefilled
        for a in ChecklistAnswer.objects.filter(item__reference="U-001", item__sample=sample)
    }
    data[f"{answer.pk}-value"] = "ja"
    refused = client.post(url, data)
    assert refused.status_code == 400
    assert "Skriv en kommentar" in refused.content.decode()
    data[f"{answer.pk}-comment"] = "Planen ligger i papirarkivet"
    assert client.post(url, data).status_code == 302
    answer.refresh_from_db()
    assert answer.value == "ja" and answer.reviewed_by == auditor
    pdf = client.get(reverse("audit:sample_pdf", args=[sample.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_bad_sample_form_saves_nothing(client, world):
    client.force_login(world[4])
    response = client.post(
        reverse("audit:samples"),
        {
            "method": "tilfeldig",
            "size": "50",
            "seed": "1",
            "start": "01.01.2026",
            "end": "30.06.2026",
        },
    )
    assert response.status_code == 200
    assert "er større enn populasjonen" in response.content.decode()
    assert not AuditSample.objects.exists()


def test_another_municipalitys_sample_is_404(client, world):
    muni = world[0]
    sample = sampling.create_sample(
        muni, sampling.Parameters("systematisk", dt.date(2026, 1, 1), dt.date(2026, 6, 30), every=1)
    )
    outsider = t.staff(t.unit(t.municipality()), Role.AUDITOR)
    client.force_login(outsider)
    assert client.get(reverse("audit:sample", args=[sample.pk])).status_code == 404
    assert client.get(reverse("audit:sample_item", args=[sample.pk, "U-001"])).status_code == 404
