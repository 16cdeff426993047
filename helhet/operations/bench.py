"""The benchmark behind ``helhet bench`` (issue 10: measured, not guessed).

A synthetic municipality of N persons is made with the demo generator, then each
scenario is requested through Django's test client as a demo user: the full
stack (middleware, access gate and its log, templates) without the network.
Times are reported as median and 95th percentile, and as a ratio to a floor (an
authenticated trivial page) measured in the same run, so results from different
machines can be compared. The query count shows whether a page grows with the
data: it must not.

To measure another page, add a ``Scenario`` to ``SCENARIOS``.
"""

import io
import itertools
import math
import secrets
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from helhet.organisation.models import Municipality
from helhet.people.models import Person
from helhet.plans.forms import PlanForm
from helhet.plans.models import IndividualPlan


@dataclass(frozen=True)
class Targets:
    """What the scenarios ask for: the demo's first person (login ``bruker``),
    who has a complete active plan and ``koordinator`` as coordinator."""

    person_id: int
    plan_id: int
    family_name: str


@dataclass(frozen=True)
class Scenario:
    name: str
    login: str
    path: Callable[[Targets], str]
    # POST data for one request (made fresh each time, outside the timing); None for GET.
    form: Callable[[Targets], dict] | None = None
    status: int = 200


@dataclass(frozen=True)
class Result:
    name: str
    median_ms: float
    p95_ms: float
    floor_ms: float
    ratio: float
    queries: int


_edits = itertools.count(1)


def _plan_change(targets: Targets) -> dict:
    """The plan form as the browser posts it, with a new text in `needs`."""
    plan = IndividualPlan.objects.get(pk=targets.plan_id)
    data = {}
    for name in PlanForm.Meta.fields:
        value = getattr(plan, name)
        data[name] = value.isoformat() if hasattr(value, "isoformat") else (value or "")
    data["needs"] = f"Behov oppdatert i ytelsesmåling nr. {next(_edits)}."
    data["version"] = plan.version
    return data


FLOOR = Scenario("floor", "koordinator", lambda t: "/")
SCENARIOS = [
    Scenario("overview", "ke", lambda t: "/koordinering/"),
    Scenario("person", "koordinator", lambda t: f"/personer/{t.person_id}/"),
    Scenario("plan", "koordinator", lambda t: f"/planer/{t.plan_id}/"),
    Scenario(
        "plan_save",
        "koordinator",
        lambda t: f"/planer/{t.plan_id}/endre/",
        form=_plan_change,
        status=302,
    ),
    Scenario("search", "koordinator", lambda t: f"/personer/?q={t.family_name}"),
]


# --- the database ----------------------------------------------------------------


def prepare(persons: int, seed: int, progress: Callable[[str], None]) -> None:
    """Make the current database hold exactly the demo municipality of ``persons``.

    Only an empty database is migrated, and only demo data is ever replaced:
    the demo command refuses a database with anything else in it.
    """
    if not connection.introspection.table_names():
        progress("Tom database: kjører migreringer ...")
        call_command("migrate", verbosity=0)
    elif _unapplied_migrations():
        raise CommandError(
            "Databasen er ikke tom og ikke migrert til denne versjonen. "
            "Bruk en tom database eller en med bare demodata.",
            returncode=2,
        )
    existed = Municipality.objects.filter(is_demo=True).exists()
    options = {
        "persons": persons,
        "seed": seed,
        "password": secrets.token_urlsafe(16),
        "no_serve": True,
        "stdout": io.StringIO(),
        "stderr": _ProgressStream(progress),
    }
    # First without --reset: the demo command refuses a database with other data.
    call_command("demo", **options)
    if existed:
        progress("Erstatter den gamle demokommunen ...")
        call_command("demo", reset=True, **options)


def _unapplied_migrations() -> list:
    executor = MigrationExecutor(connection)
    return executor.migration_plan(executor.loader.graph.leaf_nodes())


class _ProgressStream(io.TextIOBase):
    def __init__(self, progress):
        self.progress = progress

    def write(self, text: str) -> int:
        if text.strip():
            self.progress(text.strip())
        return len(text)


def targets() -> Targets:
    person = Person.objects.get(user__username="bruker")
    plan = person.plans.get(status=IndividualPlan.Status.ACTIVE)
    return Targets(person_id=person.pk, plan_id=plan.pk, family_name=person.family_name)


# --- measuring -------------------------------------------------------------------


def run(repeat: int, progress: Callable[[str], None], scenarios=None) -> list[Result]:
    """Measure the floor and every scenario ``repeat`` times; the floor first."""
    found = targets()
    clients: dict[str, Client] = {}
    # The demo's users have no second factor to pass; the bench measures pages.
    with override_settings(DEMO_MODE=True, ALLOWED_HOSTS=["testserver"]):
        floor_times, floor_queries = _measure(FLOOR, _client(clients, FLOOR.login), found, repeat)
        floor = statistics.median(floor_times)
        results = [_result(FLOOR.name, floor_times, floor, floor_queries)]
        progress(f"{FLOOR.name}: {floor:.1f} ms")
        for scenario in SCENARIOS if scenarios is None else scenarios:
            times, queries = _measure(scenario, _client(clients, scenario.login), found, repeat)
            results.append(_result(scenario.name, times, floor, queries))
            progress(f"{scenario.name}: {statistics.median(times):.1f} ms, {queries} spørringer")
    return results


def _client(clients: dict, login: str) -> Client:
    if login not in clients:
        client = Client()
        client.force_login(get_user_model().objects.get(username=login))
        clients[login] = client
    return clients[login]


def _measure(scenario: Scenario, client: Client, found: Targets, repeat: int):
    times, queries = [], []
    # The first request fills caches (templates, sessions) and is not counted.
    for attempt in range(repeat + 1):
        path = scenario.path(found)
        data = scenario.form(found) if scenario.form else None
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            if data is None:
                response = client.get(path, secure=True)
            else:
                response = client.post(path, data, secure=True)
            elapsed = time.perf_counter() - started
        if response.status_code != scenario.status:
            raise CommandError(
                f"{scenario.name}: {path} svarte {response.status_code}, ventet {scenario.status}.",
                returncode=1,
            )
        if attempt:
            times.append(elapsed * 1000)
            queries.append(len(captured))
    return times, max(queries)


def _result(name: str, times: list[float], floor: float, queries: int) -> Result:
    median = statistics.median(times)
    return Result(
        name=name,
        median_ms=round(median, 2),
        p95_ms=round(percentile(times, 95), 2),
        floor_ms=round(floor, 2),
        ratio=round(median / floor, 2),
        queries=queries,
    )


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile: a value that was actually measured."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def as_dicts(results: list[Result]) -> list[dict]:
    return [asdict(r) for r in results]


def as_text(results: list[Result]) -> str:
    lines = [
        f"{'scenario':<12} {'median ms':>10} {'p95 ms':>10} {'gulv ms':>9} "
        f"{'forhold':>8} {'spørringer':>10}"
    ]
    for r in results:
        lines.append(
            f"{r.name:<12} {r.median_ms:>10.1f} {r.p95_ms:>10.1f} {r.floor_ms:>9.1f} "
            f"{r.ratio:>8.1f} {r.queries:>10}"
        )
    return "\n".join(lines)
