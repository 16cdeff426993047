"""Pure rules of the coordinating unit's work."""


def over_caseload(coordinating_now: int, warn_above: int) -> bool:
    """Naming this candidate once more puts them above the municipality's own
    limit of persons per coordinator (``CoordinatorCaseloadSetting``; not law)."""
    return coordinating_now + 1 > warn_above
