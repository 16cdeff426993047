"""The access log cannot be changed or deleted through the application,
the admin, or plain SQL (pasientjournalloven §§ 16–18)."""

import pytest
from django.contrib import admin
from django.db import DatabaseError, connection, transaction
from django.db.models import ForeignKey

from helhet import testing as t
from helhet.access import gate
from helhet.access.models import AccessLogEntry, Action, AppendOnlyError
from helhet.access.purge import purge_allowed, purge_demo_municipality
from helhet.people.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry():
    muni = t.municipality()
    user = t.staff(muni)
    person = t.person(muni)
    gate.check(user, person, Action.VIEW, category=gate.BASIC, what="test")
    return AccessLogEntry.objects.get()


def test_model_refuses_save_and_delete(entry):
    entry.granted = True
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()


def test_queryset_refuses_bulk_update_and_delete(entry):
    with pytest.raises(AppendOnlyError):
        AccessLogEntry.objects.filter(pk=entry.pk).update(granted=True)
    with pytest.raises(AppendOnlyError):
        AccessLogEntry.objects.all().delete()
    assert AccessLogEntry.objects.get(pk=entry.pk).granted is False


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE access_accesslogentry SET granted = %s",
        "DELETE FROM access_accesslogentry WHERE granted = %s OR 1 = 1",
    ],
)
def test_database_trigger_refuses_raw_update_and_delete(entry, sql):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [True])
    assert AccessLogEntry.objects.filter(pk=entry.pk, granted=False).exists()


def test_only_a_demo_municipality_log_can_be_purged(entry):
    with pytest.raises(ValueError):
        purge_demo_municipality(entry.municipality)
    assert AccessLogEntry.objects.count() == 1
    entry.municipality.is_demo = True
    entry.municipality.save()
    assert purge_demo_municipality(entry.municipality) == 1
    assert not AccessLogEntry.objects.exists()


def test_purge_does_not_allow_updates(entry):
    with (
        pytest.raises(DatabaseError),
        transaction.atomic(),
        purge_allowed(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE access_accesslogentry SET granted = %s", [True])


def test_admin_is_read_only(entry, rf):
    model_admin = admin.site._registry[AccessLogEntry]
    request = rf.get("/")
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, entry)
    assert not model_admin.has_delete_permission(request, entry)


def test_admin_cannot_change_person_owned_data(rf):
    """The admin must not become a way around the gate and its log: every
    person-owned model registered there is read-only."""

    def owned_by_person(model):
        return model is Person or any(
            isinstance(f, ForeignKey) and f.related_model is Person for f in model._meta.fields
        )

    request = rf.get("/")
    exposed = [a for m, a in admin.site._registry.items() if owned_by_person(m)]
    assert AccessLogEntry in [a.model for a in exposed]
    writable = [
        a.model.__name__
        for a in exposed
        if a.has_add_permission(request)
        or a.has_change_permission(request)
        or a.has_delete_permission(request)
    ]
    assert writable == []
