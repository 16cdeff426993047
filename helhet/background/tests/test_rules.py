"""Who may read a background job (``rules.may_read_job``)."""

import pytest

from helhet.background.rules import may_read_job

ASKER, OTHER, HERE, THERE = 1, 2, 10, 20


@pytest.mark.parametrize(
    ("kind", "user", "user_municipality", "sees_report", "expected"),
    [
        # The report's figures: for whoever may see the report in its municipality.
        ("compliance", ASKER, HERE, True, True),
        ("compliance", OTHER, HERE, True, True),
        ("compliance", OTHER, HERE, False, False),
        ("compliance", OTHER, THERE, True, False),
        ("compliance", ASKER, HERE, False, False),  # the asker lost the role since
        ("compliance", OTHER, None, False, False),
        # An export: what the gate let its requester see, for them alone.
        ("overview_export", ASKER, HERE, True, True),
        ("overview_export", OTHER, HERE, True, False),
    ],
)
def test_who_may_read_a_job(kind, user, user_municipality, sees_report, expected):
    assert (
        may_read_job(
            kind=kind,
            requested_by_id=ASKER,
            municipality_id=HERE,
            user_id=user,
            user_municipality_id=user_municipality,
            sees_report=sees_report,
        )
        is expected
    )


def test_an_export_whose_requester_was_deleted_is_nobodys():
    assert not may_read_job(
        kind="overview_export",
        requested_by_id=None,
        municipality_id=HERE,
        user_id=ASKER,
        user_municipality_id=HERE,
        sees_report=True,
    )
