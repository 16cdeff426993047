"""What an audit criterion finds for one person, case or unit.

The one definition of the three outcomes. The rules of the apps that answer
criteria (intake's NAV checks, housing, around the person, ...) return them,
and ``audit.rules``, ``audit.criteria`` and ``audit.services`` count them. It
imports nothing from Helhet, so any app's rules use it without depending on the
audit app's criteria, and the audit app does not need those apps for it.
"""

from enum import StrEnum


class Result(StrEnum):
    MET = "oppfylt"
    NOT_MET = "ikke_oppfylt"
    NOT_APPLICABLE = "ikke_aktuelt"
