"""Who may read a background job: pure functions from plain facts.

A compliance report is the municipality's figures, counts only, and one job
computes it for everyone who asks for the same period the same day (asking
again joins the running job). So a compliance job is readable with the access
the report itself needs — staff of the job's municipality who see the
compliance report (docs/compliance.md) — or a colleague who joined it could not
follow it. An export holds what the gate let its requester see, so only the
requester may read it.
"""

from helhet.background.models import Job


def may_read_job(
    *,
    kind: str,
    requested_by_id: int | None,
    municipality_id: int,
    user_id: int,
    user_municipality_id: int | None,
    sees_report: bool,
) -> bool:
    if kind == Job.Kind.COMPLIANCE:
        return sees_report and user_municipality_id == municipality_id
    return requested_by_id is not None and requested_by_id == user_id
