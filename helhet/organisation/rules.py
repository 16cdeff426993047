"""Who confirms a membership (separation of duties).

A membership (a staff member's role in a unit) takes effect only when a head
confirms it, and nobody confirms their own: the system administrator who
registers memberships must not be able to give himself, or anyone, a role
alone — so neither the member nor whoever registered the membership confirms it (Normen: access is granted by the one responsible for the service, not
by the one who runs the system; GDPR art. 32: only those who need it).

Who is the head:

* the unit's leader — anyone with a confirmed ``leder`` membership in the same
  unit, other than the member;
* if the unit has no such leader, a head of sector (``kommunalsjef``, a
  confirmed membership in any unit of the same municipality), other than the
  member. A head of sector's own membership is thus confirmed by another head
  of sector, or by the leader of their unit where it has one.

A unit with a leader is the leader's business alone: the head of sector does
not step in over the leader's head. An installation where nobody can confirm
yet (a new municipality) is started with ``helhet confirm-membership``, run by
operations on the server and written to the administration log.
"""

from dataclasses import dataclass

LEADER = "leder"
SECTOR_HEAD = "kommunalsjef"


@dataclass(frozen=True)
class Held:
    """A confirmed membership someone holds: (user, unit, municipality, role)."""

    user_id: int
    unit_id: int
    municipality_id: int
    role: str


@dataclass(frozen=True)
class Pending:
    user_id: int
    unit_id: int
    municipality_id: int
    # Who registered it (an administrator); None when unknown.
    registered_by: int | None = None


def unit_has_leader(pending: Pending, held: list[Held]) -> bool:
    return any(
        h.role == LEADER and h.unit_id == pending.unit_id and h.user_id != pending.user_id
        for h in held
    )


def may_confirm(confirmer_id: int, pending: Pending, held: list[Held]) -> bool:
    """``held``: the confirmed memberships in the pending membership's municipality."""
    if confirmer_id in {pending.user_id, pending.registered_by}:
        return False
    mine = [h for h in held if h.user_id == confirmer_id]
    if unit_has_leader(pending, held):
        return any(h.role == LEADER and h.unit_id == pending.unit_id for h in mine)
    return any(h.role == SECTOR_HEAD and h.municipality_id == pending.municipality_id for h in mine)


def nobody_may_confirm(pending: Pending, held: list[Held]) -> bool:
    """True when no one in the municipality could confirm (start-up)."""
    candidates = {h.user_id for h in held} - {pending.user_id}
    return not any(may_confirm(c, pending, held) for c in candidates)
