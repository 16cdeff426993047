"""Which URL keyword arguments point at a person's data.

Every URL that takes the id of something a person owns must reach that
person through the gate. The test ``test_url_walker`` walks *every* URL
pattern in the project and, for each keyword argument, looks here:

* ``PERSON_KWARGS[name]`` — the id belongs to a person: the walker creates a
  sample object, requests the URL as a staff member without any basis, and
  demands 403/404 *and* a refused entry in the access log for that person.
* ``NOT_PERSON_KWARGS[name]`` — declared not person data (with the reason,
  and optionally an ``example`` value the walker puts in the URL), or data
  looked up only ``within`` another kwarg of the same URL that is a person
  kwarg (a goal within its plan).
* neither — the walker fails, so a new URL cannot slip past the gate unnoticed.

(The Django admin is not walked; ``test_admin`` instead checks that it
registers no person-owned model except the read-only access log.)

Other apps register in their ``AppConfig.ready()``::

    from helhet.access.registry import register_person_kwarg

    register_person_kwarg(
        "meeting_id",
        person_of=lambda pk: Meeting.objects.filter(pk=pk)
        .values_list("group__person_id", flat=True)
        .first(),
        sample="helhet.cooperation.testing:sample_meeting",
    )

``person_of(pk)`` returns the owning person's id, or None for an unknown id.
``sample`` is the dotted path ("module:function") of a test builder called as
``sample(person, ids)`` that creates one object belonging to ``person`` and
returns its pk; ``ids`` holds the pks already built for the same URL (e.g.
``{"group_id": 7}`` when building ``meeting_id`` for
``<group_id>/moter/<meeting_id>/``), so nested ids can agree. It is imported
only by the tests.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class PersonKwarg:
    person_of: Callable[[int | str], int | None]
    sample: str


@dataclass(frozen=True)
class NotPersonKwarg:
    reason: str
    # A valid value for the walker's requests (e.g. a letter name); None → 1 or "x".
    example: object = None
    # Looked up only inside this other kwarg of the same URL (e.g. goal_id
    # within plan_id, which the gate checks); the walker demands it is there.
    within: str | None = None


PERSON_KWARGS: dict[str, PersonKwarg] = {}
NOT_PERSON_KWARGS: dict[str, NotPersonKwarg] = {}


def _key(name: str, namespace: str | None) -> str:
    return f"{namespace}:{name}" if namespace else name


def register_person_kwarg(
    name: str,
    person_of: Callable[[int | str], int | None],
    sample: str,
    namespace: str | None = None,
) -> None:
    PERSON_KWARGS[_key(name, namespace)] = PersonKwarg(person_of=person_of, sample=sample)


def register_not_person_kwarg(
    name: str,
    reason: str,
    example: object = None,
    within: str | None = None,
    namespace: str | None = None,
) -> None:
    """``namespace`` (the URL namespace, e.g. "cooperation") limits the
    declaration to that app's URLs, when the same name means different things
    in different apps."""
    NOT_PERSON_KWARGS[_key(name, namespace)] = NotPersonKwarg(reason, example, within)


def declaration(namespace: str, name: str) -> PersonKwarg | NotPersonKwarg | None:
    """The PersonKwarg or NotPersonKwarg for ``name`` in URLs of ``namespace``, or None."""
    for key in (_key(name, namespace), name):
        if key in PERSON_KWARGS:
            return PERSON_KWARGS[key]
        if key in NOT_PERSON_KWARGS:
            return NOT_PERSON_KWARGS[key]
    return None


def person_id_for(name: str, value: int | str) -> int | None:
    """The id of the person who owns the object ``name=value``, or None."""
    try:
        return PERSON_KWARGS[name].person_of(value)
    except (ValueError, TypeError):
        return None


def _person_itself(pk: int | str) -> int | None:
    from helhet.people.models import Person

    return Person.objects.filter(pk=pk).values_list("pk", flat=True).first()


def _plan_owner(pk: int | str) -> int | None:
    from helhet.plans.models import IndividualPlan

    return IndividualPlan.objects.filter(pk=pk).values_list("person_id", flat=True).first()


def _consent_owner(pk: int | str) -> int | None:
    from helhet.consent.models import Consent

    return Consent.objects.filter(pk=pk).values_list("person_id", flat=True).first()


def register_defaults() -> None:
    register_person_kwarg("person_id", _person_itself, "helhet.access.samples:person")
    register_person_kwarg("plan_id", _plan_owner, "helhet.access.samples:plan")
    register_person_kwarg("consent_id", _consent_owner, "helhet.access.samples:consent")
    register_not_person_kwarg(
        "entry_id",
        "an access-log entry: only the leader's review, by role and municipality",
        namespace="access",
    )
    # The one-time link after a reset of a login: a user account and its token.
    register_not_person_kwarg(
        "uidb64", "a user account in a one-time link (no person data)", namespace="access"
    )
    register_not_person_kwarg(
        "token", "the one-time link's token (no person data)", namespace="access"
    )
    # Rows of a plan are looked up inside the plan, which the gate checks.
    for name in ("goal_id", "measure_id", "participant_id", "row_id"):
        register_not_person_kwarg(name, "a row of the plan", within="plan_id", namespace="plans")
    register_not_person_kwarg(
        "number", "a version number of the plan", within="plan_id", namespace="plans"
    )
    # intake's decision_id is a person's vedtak; cooperation's is a strategic
    # forum's decision (system level, no person).
    register_not_person_kwarg(
        "decision_id", "a strategic forum's decision (no person)", namespace="cooperation"
    )
