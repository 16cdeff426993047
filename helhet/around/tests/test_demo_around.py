"""The demo has discharges, aftercare and GP messages with the spread the
audits found, and keeps the rule that the plan reaches the GP only within consent."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from helhet.around import services as around
from helhet.around.models import (
    AftercarePlan,
    DischargeNotice,
    ExternalService,
    GpMessage,
    Referral,
    RelativeNeed,
)
from helhet.around.services import partner_consents
from helhet.audit import services as audit
from helhet.audit.criteria import BY_ID
from helhet.cooperation.models import GroupMember
from helhet.demo.tests.test_demo import make_demo
from helhet.organisation.models import Municipality

pytestmark = pytest.mark.django_db


@time_machine.travel(dt.datetime(2026, 6, 15, 10, tzinfo=dt.UTC), tick=False)
def test_the_demo_shows_aftercare_and_the_gp_informed_met_and_not_met():
    make_demo(persons=300)
    muni = Municipality.objects.get(is_demo=True)
    today = timezone.localdate()
    assert Referral.objects.exists()
    assert DischargeNotice.objects.filter(discharge_on__gt=today).exists()
    assert AftercarePlan.objects.filter(housing_ready_on__isnull=True).exists()
    reports = {
        r.criterion.id: r
        for r in audit.build(
            municipality_id=muni.pk,
            start=today - dt.timedelta(days=365),
            end=today,
            criteria=[
                BY_ID["discharge_aftercare"],
                BY_ID["gp_informed_of_plan"],
                BY_ID["children_as_relatives"],
                BY_ID["relatives_own_needs"],
            ],
        )
    }
    for criterion_id, report in reports.items():
        assert report.total.met > 0, criterion_id
        assert report.total.not_met > 0, criterion_id
    for need in RelativeNeed.objects.filter(kind="informasjon", followed_up_on__isnull=False):
        assert need.person_consented, need.pk
    for message in GpMessage.objects.filter(direction="til", about_plan=True):
        assert around.gp_consented(person=message.person, gp=message.gp), message.pk

    # Outside services sit in responsibility groups only within consent.
    members = GroupMember.objects.filter(
        kind="ekstern", role=ExternalService.Kind.DPS.label, group__person__municipality=muni
    )
    assert members.exists()
    for member in members.select_related("group"):
        covered = partner_consents(person=member.group.person, partner_ids=[member.partner_id])
        assert "samarbeid" in covered.get(member.partner_id, set()), member.pk
    assert ExternalService.objects.filter(kind="oppfolgingstjenesten").exists()
