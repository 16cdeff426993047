"""The benchmark behind ``helhet bench`` (docs/performance.md: measured, not guessed).

A synthetic municipality of N persons is made with the demo generator, then each
scenario is requested through Django's test client as a demo user: the full
stack (middleware, access gate and its log, templates) without the network.
Times are reported as median and 95th percentile, and as a ratio to a floor
measured in the same run, so results from different machines can be compared:
pages and the API against an authenticated trivial page, the compliance report's
service function against one hand-written SQL query computing the same counts
(docs/performance.md). The query count shows whether a request grows with the data: it
must not.

To measure another page, add a ``Scenario`` to ``SCENARIOS``.
"""

import contextlib
import io
import itertools
import logging
import math
import secrets
import statistics
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from helhet.audit import services as audit_services
from helhet.audit.criteria import BY_ID
from helhet.coordination.models import CoordinatorAssignment
from helhet.demo import generate as demo_data
from helhet.operations.models import BenchDataset
from helhet.organisation.models import Municipality
from helhet.people.models import Person, Service
from helhet.plans.forms import PlanForm
from helhet.plans.models import OPEN_STATUSES, IndividualPlan


@dataclass(frozen=True)
class Targets:
    """What the scenarios ask for: the demo's first person (login ``bruker``),
    who has a complete active plan and ``koordinator`` as coordinator."""

    person_id: int
    plan_id: int
    family_name: str
    municipality_id: int


@dataclass(frozen=True)
class Scenario:
    name: str
    login: str
    path: Callable[[Targets], str] | None = None
    # POST data for one request (made fresh each time, outside the timing); None for GET.
    form: Callable[[Targets], dict] | None = None
    status: int = 200
    # Instead of a request: a function measured directly (service or SQL).
    call: Callable[[Targets], object] | None = None
    # The scenario whose median is this one's floor (measured earlier in the run).
    floor: str = "floor"


@dataclass(frozen=True)
class Result:
    """One scenario over ``runs`` runs (docs/performance.md documents each field)."""

    name: str
    median_ms: float
    p95_ms: float
    floor_ms: float
    ratio: float
    queries: int
    runs: int = 1
    median_ms_min: float = 0.0
    median_ms_max: float = 0.0
    ratio_min: float = 0.0
    ratio_max: float = 0.0
    queries_by_run: tuple[int, ...] = ()
    queries_equal: bool = True


@dataclass(frozen=True)
class Sample:
    """One run of one scenario: its request times, its floor's median, its largest
    query count."""

    times: list[float]
    floor_ms: float
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


# --- the compliance report and its SQL floor ---------------------------------------

# The criterion the SQL floor computes: its counts fit in one statement.
REVISION = BY_ID["ip_revision_kept"]


def _report_period() -> tuple:
    today = timezone.localdate()
    start, end = audit_services.period(start=None, end=None, today=today)
    return start, end, today


def compliance_revision(targets: Targets) -> dict:
    """The report's service function for the revision criterion, as counts per unit
    (``None``: the whole municipality): (met, not met, not applicable)."""
    start, end, today = _report_period()
    (report,) = audit_services.build(
        municipality_id=targets.municipality_id,
        start=start,
        end=end,
        today=today,
        criteria=[REVISION],
    )
    tallies = [(None, report.total), *report.per_unit.items()]
    return {unit: (t.met, t.not_met, t.not_applicable) for unit, t in tallies}


def compliance_compute(targets: Targets) -> int:
    """The whole report computed live through the service function: all criteria,
    what the nightly snapshot, the day's first page view and «Beregn på nytt» cost.
    The page itself reads the stored report (scenario ``compliance``)."""
    start, end, today = _report_period()
    return len(
        audit_services.build(
            municipality_id=targets.municipality_id, start=start, end=end, today=today
        )
    )


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def compliance_sql(targets: Targets) -> dict:
    """The same counts as ``compliance_revision`` in one hand-written query: active
    and offered plans, judged on the revision date, per unit the person is involved
    with (services in the period, open coordinator responsibility) and in total."""
    start, end, today = _report_period()
    plan, person = _table(IndividualPlan), _table(Person)
    service, assignment = _table(Service), _table(CoordinatorAssignment)
    active = IndividualPlan.Status.ACTIVE
    sql = f"""
        WITH judged AS (
            SELECT p.person_id,
                   CASE WHEN p.status <> %s OR p.revision_due IS NULL THEN 2
                        WHEN p.revision_due < %s THEN 1
                        ELSE 0 END AS result
            FROM {plan} p JOIN {person} pe ON pe.id = p.person_id
            WHERE pe.municipality_id = %s AND p.status IN (%s, %s)
        ), involved AS (
            SELECT person_id, unit_id FROM {service}
            WHERE valid_from <= %s AND (valid_to IS NULL OR valid_to >= %s)
            UNION
            SELECT person_id, unit_id FROM {assignment}
            WHERE unit_id IS NOT NULL AND ended_on IS NULL
        )
        SELECT NULL, result, COUNT(*) FROM judged GROUP BY result
        UNION ALL
        SELECT i.unit_id, j.result, COUNT(*)
        FROM judged j JOIN involved i ON i.person_id = j.person_id
        GROUP BY i.unit_id, j.result
    """
    params = [active, today, targets.municipality_id, *OPEN_STATUSES, end, start]
    counts: dict = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for unit, result, n in cursor.fetchall():
            counts.setdefault(unit, [0, 0, 0])[result] = n
    return {unit: tuple(c) for unit, c in counts.items()}


def _sample_form(targets: Targets) -> dict:
    """A random sample of fixed size: the same work whatever N."""
    start, end, _today = _report_period()
    return {
        "method": "tilfeldig",
        "size": 5,
        "seed": next(_edits),
        "start": start.strftime("%d.%m.%Y"),
        "end": end.strftime("%d.%m.%Y"),
    }


# The floor is the cheapest page a logged-in staff member can get: «side ikke funnet»
# (session, user, staff member, the base template) — not the start page, which has
# become «Min arbeidsdag» and does real work (measured below as `workday`).
FLOOR = Scenario("floor", "koordinator", lambda t: "/finnes-ikke/", status=404)
SCENARIOS = [
    Scenario("overview", "ke", lambda t: "/koordinering/"),
    Scenario("workday", "koordinator", lambda t: "/"),
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
    Scenario("compliance", "leder", lambda t: "/revisjon/"),
    Scenario("compliance_sql_floor", "leder", call=compliance_sql, floor="compliance_sql_floor"),
    Scenario(
        "compliance_revision", "leder", call=compliance_revision, floor="compliance_sql_floor"
    ),
    # Compared with the SQL floor, not the trivial page: both grow with N and run on
    # the same database, so the ratio shows the computation's overhead, not N.
    Scenario("compliance_compute", "leder", call=compliance_compute, floor="compliance_sql_floor"),
    Scenario(
        "audit_sample",
        "revisor",
        lambda t: "/revisjon/utvalg/",
        form=_sample_form,
        status=302,
    ),
    Scenario("api_plans", "koordinator", lambda t: "/api/v1/plans/"),
    Scenario("fhir_careplan", "koordinator", lambda t: f"/fhir/r4/CarePlan/{t.plan_id}"),
]


def chosen(only: str) -> list[Scenario]:
    """The scenarios named in ``--only`` (all when empty), with the floors they are
    compared with, in the order of ``SCENARIOS``."""
    names = {name.strip() for name in only.split(",") if name.strip()}
    by_name = {s.name: s for s in SCENARIOS}
    unknown = sorted(names - set(by_name))
    if unknown:
        raise ValueError(f"Ukjent scenario: {', '.join(unknown)}. Kjente: {', '.join(by_name)}.")
    if not names:
        return list(SCENARIOS)
    wanted = names | {by_name[n].floor for n in names} - {FLOOR.name}
    return [s for s in SCENARIOS if s.name in wanted]


# --- the database ----------------------------------------------------------------


def reusable(persons: int, seed: int) -> BenchDataset | None:
    """The record of the demo this database holds, if it is exactly the one
    ``persons`` and ``seed`` would make (``--keep``): generated by the bench, the
    only municipality, its persons all there, nothing else in the database, and
    migrated to this version. Otherwise None, and ``prepare`` decides as always
    (generate, replace a demo, or refuse other data)."""
    if BenchDataset._meta.db_table not in connection.introspection.table_names():
        return None
    if _unapplied_migrations() or _holds_other_data():
        return None
    mark = BenchDataset.objects.order_by("-pk").first()
    if mark is None or (mark.persons, mark.seed) != (persons, seed):
        return None
    if list(Municipality.objects.values_list("pk", flat=True)) != [mark.municipality_id]:
        return None
    if Person.objects.filter(municipality_id=mark.municipality_id).count() != persons:
        return None
    return mark


def _holds_other_data() -> bool:
    # The demo command's own test, so reuse and generation refuse the same databases.
    from helhet.demo.management.commands.demo import Command as Demo

    return Demo()._holds_other_data()


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
        # Hex: a password starting with "-" would be read by argparse as an option.
        "password": secrets.token_hex(16),
        "no_serve": True,
        "stdout": io.StringIO(),
        "stderr": _ProgressStream(progress),
    }
    # First without --reset: the demo command refuses a database with other data.
    call_command("demo", **options)
    if existed:
        progress("Erstatter den gamle demokommunen ...")
        call_command("demo", reset=True, **options)
    # What a later ``--keep`` run checks before it measures this demo again.
    BenchDataset.objects.all().delete()
    BenchDataset.objects.create(
        municipality_id=Municipality.objects.get(number=demo_data.MUNICIPALITY[0]).pk,
        persons=persons,
        seed=seed,
        generated_on=timezone.localdate(),
    )
    if connection.vendor == "postgresql":
        # A live database has current planner statistics (autovacuum keeps them);
        # right after a bulk load it has none, and autovacuum would be busy
        # catching up while the bench measures.
        progress("VACUUM ANALYZE ...")
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


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
    return Targets(
        person_id=person.pk,
        plan_id=plan.pk,
        family_name=person.family_name,
        municipality_id=person.municipality_id,
    )


# --- measuring -------------------------------------------------------------------


def run(
    repeat: int, progress: Callable[[str], None], scenarios=None, runs: int = 1
) -> list[Result]:
    """Measure every scenario ``repeat`` times, each request right after one of its
    floor: a shared machine that slows down for a while then slows both alike, and
    the ratio stays comparable (the floors' own rows are measured alone).

    With ``runs`` > 1 the whole set is measured that many times over, one run after
    the other on the same data, and each scenario is reported with the spread of
    its runs (docs/performance.md): a ratio is only worth comparing with a target
    when its runs agree."""
    found = targets()
    # The page reads the stored report; a missing one is computed by the background
    # worker, which the bench does not run. Store today's, as the nightly timer does.
    for municipality_id in Municipality.objects.values_list("pk", flat=True):
        audit_services.nightly_snapshot(municipality_id=municipality_id, today=timezone.localdate())
    clients: dict[str, Client] = {}
    by_name = {s.name: s for s in [FLOOR, *SCENARIOS]}
    measured = [FLOOR, *(SCENARIOS if scenarios is None else scenarios)]
    samples: dict[str, list[Sample]] = {s.name: [] for s in measured}
    # The demo's users have no second factor to pass; the bench measures pages.
    # The floor is a 404, which Django's request log would report on every request.
    request_log = logging.getLogger("django.request")
    with (
        override_settings(DEMO_MODE=True, ALLOWED_HOSTS=["testserver"]),
        _quiet(request_log),
    ):
        for number in range(1, runs + 1):
            prefix = f"kjøring {number} av {runs}: " if runs > 1 else ""
            for scenario in measured:
                floor = by_name[scenario.floor]
                paired = None if floor is scenario else (floor, _client(clients, floor.login))
                client = _client(clients, scenario.login)
                times, floor_times, queries = _measure(scenario, client, found, repeat, paired)
                samples[scenario.name].append(
                    Sample(times, statistics.median(floor_times), queries)
                )
                progress(
                    f"{prefix}{scenario.name}: {statistics.median(times):.1f} ms, "
                    f"{queries} spørringer"
                )
    return [_result(name, runs_of) for name, runs_of in samples.items()]


@contextlib.contextmanager
def _quiet(logger: logging.Logger) -> Iterator[None]:
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _client(clients: dict, login: str) -> Client:
    if login not in clients:
        client = Client()
        client.force_login(get_user_model().objects.get(username=login))
        clients[login] = client
    return clients[login]


def _measure(scenario: Scenario, client: Client, found: Targets, repeat: int, paired=None):
    """Times of the scenario and of its floor (``paired``: the floor scenario and
    its client, requested just before each of the scenario's requests; None: the
    scenario is its own floor), and the scenario's largest query count."""
    times, floor_times, queries = [], [], []
    # The first round fills caches (templates, sessions) and is not counted.
    for attempt in range(repeat + 1):
        floor_elapsed = _once(paired[0], paired[1], found) if paired else None
        with CaptureQueriesContext(connection) as captured:
            elapsed = _once(scenario, client, found)
        if attempt:
            times.append(elapsed * 1000)
            floor_times.append((floor_elapsed if floor_elapsed is not None else elapsed) * 1000)
            queries.append(len(captured))
    return times, floor_times, max(queries)


def _once(scenario: Scenario, client: Client, found: Targets) -> float:
    """Seconds for one request (or call); POST data is made before the clock starts."""
    if scenario.call:
        started = time.perf_counter()
        scenario.call(found)
        return time.perf_counter() - started
    assert scenario.path is not None  # a scenario has a call or a path
    path = scenario.path(found)
    data = scenario.form(found) if scenario.form else None
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
    return elapsed


def _result(name: str, samples: list[Sample]) -> Result:
    """The scenario over its runs: the median of the runs' medians, floors and
    ratios, their smallest and largest, and the 95th percentile of every request."""
    medians = [statistics.median(sample.times) for sample in samples]
    ratios = [median / sample.floor_ms for median, sample in zip(medians, samples, strict=True)]
    queries = tuple(sample.queries for sample in samples)
    return Result(
        name=name,
        median_ms=round(statistics.median(medians), 2),
        p95_ms=round(percentile([t for sample in samples for t in sample.times], 95), 2),
        floor_ms=round(statistics.median(sample.floor_ms for sample in samples), 2),
        ratio=round(statistics.median(ratios), 2),
        queries=max(queries),
        runs=len(samples),
        median_ms_min=round(min(medians), 2),
        median_ms_max=round(max(medians), 2),
        ratio_min=round(min(ratios), 2),
        ratio_max=round(max(ratios), 2),
        queries_by_run=queries,
        queries_equal=len(set(queries)) == 1,
    )


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile: a value that was actually measured."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def as_dicts(results: list[Result]) -> list[dict]:
    return [asdict(r) for r in results]


def as_text(results: list[Result]) -> str:
    spread = any(r.runs > 1 for r in results)
    lines = [
        f"{'scenario':<21} {'median ms':>10} "
        + (f"{'min–maks ms':>15} " if spread else "")
        + f"{'p95 ms':>10} {'gulv ms':>9} {'forhold':>8} "
        + (f"{'min–maks':>11} " if spread else "")
        + f"{'spørringer':>10}"
    ]
    for r in results:
        queries = str(r.queries) if r.queries_equal else f"{min(r.queries_by_run)}–{r.queries}*"
        lines.append(
            f"{r.name:<21} {r.median_ms:>10.1f} "
            + (f"{f'{r.median_ms_min:.1f}–{r.median_ms_max:.1f}':>15} " if spread else "")
            + f"{r.p95_ms:>10.1f} {r.floor_ms:>9.1f} {r.ratio:>8.1f} "
            + (f"{f'{r.ratio_min:.1f}–{r.ratio_max:.1f}':>11} " if spread else "")
            + f"{queries:>10}"
        )
    if spread:
        lines.append("")
        lines.append(
            f"{results[0].runs} kjøringer: median av kjøringenes medianer og forhold, "
            "min–maks over kjøringene."
        )
    lines.extend(f"* {message}" for message in unequal_queries(results))
    return "\n".join(lines)


def unequal_queries(results: list[Result]) -> list[str]:
    """A sentence for each scenario whose query count was not the same in every run:
    a count that changes between runs of the same request on the same data means the
    request does work that comes and goes (a cache, a recomputation falling due)."""
    return [
        f"{r.name}: ulikt antall spørringer i kjøringene ({', '.join(map(str, r.queries_by_run))})"
        for r in results
        if not r.queries_equal
    ]
