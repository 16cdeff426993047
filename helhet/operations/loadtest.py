"""The load test behind ``helhet loadtest`` (docs/performance.md: many users at once, over HTTP).

N virtual users, each a thread with its own session, log in as the demo
municipality's staff and, for S seconds, read the overview, person pages, plan
pages and search, and change plans the way the browser does: fetch the edit
form, take its hidden ``version``, post a change. Several users edit the same
few plans, so saves collide; every edit changes the same field (needs), so a
save from an outdated version is a genuine conflict the plan service must
refuse with 409 (edits of different fields would be merged, not refused).

The test fails (exit code 1) on any server error (5xx), request without an
answer, unexpected status, or **lost update**. For every plan that was edited:

* the versions created (the plan's version after the run minus before it) equal
  the successful saves (302): no save vanished and none was counted twice;
* no two successful saves started from the same version;
* every 409 started from a version that another save had already left behind
  (a genuine conflict), never from the current one;
* the plan holds the text of the last successful save.

Only this load test writes to the plans while it runs; that is why it only runs
against 127.0.0.1 and a database with nothing but demo data.
"""

import html.parser
import http.client
import itertools
import random
import re
import statistics
import threading
import time
import urllib.parse
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any

from helhet.demo.generate import FAMILY
from helhet.operations.bench import percentile

# Staff with plans to read and edit in the demo municipality; user i logs in as
# LOGINS[i % len(LOGINS)], so logins are shared by several sessions.
LOGINS = ["koordinator", "ke", "tjenesteyter", "nav", "leder"]
# How often each kind of request is chosen (the overview is the heaviest page).
WEIGHTS = {"oversikt": 1, "person": 3, "plan": 3, "søk": 2, "endring": 3}
# The trivial page, as in `helhet bench`: «side ikke funnet» for a logged-in user
# (session, user, staff member, base template). Requested alone, by the same users,
# before the mix: the mix's throughput divided by it is comparable between machines,
# where requests per second are not.
FLOOR = {"gulv": 1}
FLOOR_PATH = "/finnes-ikke/"
# Plans looked at per login, and how many of its editable ones take the edits:
# few, so that users collide.
DISCOVER_PLANS = 8
HOT_PLANS = 3
TIMEOUT = 60
EXPECTED = {
    "gulv": {404},
    "oversikt": {200},
    "person": {200},
    "plan": {200},
    "søk": {200},
    "skjema": {200},
    "lagring": {302, 409},
}
PLAN_LINK = re.compile(r'href="/planer/(\d+)/"')
PERSON_LINK = re.compile(r'href="/personer/(\d+)/"')


class LoadTestError(Exception):
    """The load test could not start (bad options, login refused); for the operator."""


# --- one session over HTTP ---------------------------------------------------------


@dataclass
class Response:
    status: int
    body: str
    location: str
    ms: float


class Browser:
    """A cookie-keeping HTTP client for one user, redirects not followed."""

    def __init__(self, base_url: str):
        parts = urllib.parse.urlsplit(base_url)
        self.host, self.port = parts.hostname or "localhost", parts.port or 80
        self.cookies: dict[str, str] = {}

    def get(self, path: str) -> Response:
        return self._request("GET", path)

    def post(self, path: str, fields: list[tuple[str, str]]) -> Response:
        return self._request("POST", path, urllib.parse.urlencode(fields))

    def _request(self, method: str, path: str, body: str | None = None) -> Response:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection(self.host, self.port, timeout=TIMEOUT)
        started = time.perf_counter()
        try:
            conn.request(method, path, body=body, headers=headers)
            answer = conn.getresponse()
            content = answer.read().decode("utf-8", "replace")
        finally:
            conn.close()
        ms = (time.perf_counter() - started) * 1000
        for header in answer.headers.get_all("Set-Cookie") or []:
            self._keep(header)
        return Response(answer.status, content, answer.headers.get("Location", ""), ms)

    def _keep(self, header: str) -> None:
        for name, morsel in SimpleCookie(header).items():
            if morsel.value and morsel["max-age"] != "0":
                self.cookies[name] = morsel.value
            else:
                self.cookies.pop(name, None)


class FormParser(html.parser.HTMLParser):
    """The fields of every form on a page, as a browser would submit them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[list[tuple[str, str]]] = []
        self._text: tuple[str, list[str]] | None = None
        self._select: tuple[str, str | None] | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "option" and self._select:
            name, chosen = self._select
            if chosen is None or "selected" in a:
                self._select = (name, a.get("value", ""))
        elif tag == "form":
            self.forms.append([])
        elif not self.forms or "name" not in a:
            return
        elif tag == "input":
            kind = a.get("type", "text")
            if kind in {"submit", "button", "image", "reset", "file"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            self.forms[-1].append((a["name"], a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "textarea":
            self._text = (a["name"], [])
        elif tag == "select":
            self._select = (a["name"], None)

    def handle_data(self, data):
        if self._text:
            self._text[1].append(data)

    def handle_endtag(self, tag):
        if tag == "textarea" and self._text:
            name, parts = self._text
            self.forms[-1].append((name, "".join(parts).removeprefix("\n")))
            self._text = None
        elif tag == "select" and self._select:
            name, chosen = self._select
            self.forms[-1].append((name, chosen or ""))
            self._select = None


def form_with(page: str, field_name: str) -> dict[str, str] | None:
    """The first form on the page that has ``field_name``, as an ordered dict."""
    parser = FormParser()
    parser.feed(page)
    for fields in parser.forms:
        if any(name == field_name for name, _value in fields):
            return dict(fields)
    return None


# --- the run -----------------------------------------------------------------------


@dataclass
class Save:
    plan_id: int
    version: int
    status: int
    text: str


@dataclass
class Targets:
    """What one login found in setup: plans to read, plans it may edit, persons."""

    plans: list[int]
    editable: list[int]
    persons: list[int]


@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    saves: list[Save] = field(default_factory=list)
    # Requests that got no answer at all (connection refused or reset, timeout).
    failures: Counter = field(default_factory=Counter)
    unexpected: Counter = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind: str, response: Response) -> None:
        with self.lock:
            self.latencies[kind].append(response.ms)
            self.statuses[kind][response.status] += 1
            if response.status not in EXPECTED[kind]:
                self.unexpected[f"{kind}: {response.status}"] += 1

    def requests(self) -> int:
        return sum(len(v) for v in self.latencies.values())


def login(base_url: str, username: str, password: str) -> Browser:
    browser = Browser(base_url)
    page = browser.get("/logg-inn/")
    form = form_with(page.body, "username")
    if page.status != 200 or form is None:
        raise LoadTestError(f"Fant ikke innloggingssiden på {base_url} (status {page.status}).")
    form.update(username=username, password=password)
    answer = browser.post("/logg-inn/", list(form.items()))
    if answer.status != 302 or "/logg-inn/" in answer.location:
        raise LoadTestError(
            f"Innlogging som «{username}» feilet (status {answer.status}): "
            "riktig demopassord (--password), og er demokommunen laget?"
        )
    return browser


def discover(browser: Browser) -> Targets:
    """The plans on the user's overview, which of them the user may edit, and
    their persons. Not timed."""
    overview = browser.get("/koordinering/")
    plans = sorted({int(p) for p in PLAN_LINK.findall(overview.body)})[:DISCOVER_PLANS]
    readable, editable = [], []
    persons: set[int] = set()
    for plan_id in plans:
        # The overview lists plans the user may not open (another unit's, without consent).
        page = browser.get(f"/planer/{plan_id}/")
        if page.status != 200:
            continue
        readable.append(plan_id)
        persons.update(int(p) for p in PERSON_LINK.findall(page.body))
        if browser.get(f"/planer/{plan_id}/endre/").status == 200:
            editable.append(plan_id)
    if not readable:
        raise LoadTestError("Brukeren finner ingen planer å lese på oversikten.")
    return Targets(plans=readable, editable=editable, persons=sorted(persons))


@dataclass
class Plan:
    version: int
    needs: str


def read_plan(browser: Browser, plan_id: int) -> Plan:
    form = form_with(browser.get(f"/planer/{plan_id}/endre/").body, "version")
    if form is None:
        raise LoadTestError(f"Fant ikke endringsskjemaet for plan {plan_id}.")
    return Plan(version=int(form["version"]), needs=form.get("needs", ""))


class Budget:
    """The shared bound on the number of requests."""

    def __init__(self, limit: int):
        self._left = itertools.count()
        self.limit = limit

    def take(self) -> bool:
        return next(self._left) < self.limit


class VirtualUser(threading.Thread):
    def __init__(self, number, browser, targets, results, deadline, budget, seed, mix=WEIGHTS):
        super().__init__(name=f"bruker-{number}", daemon=True)
        self.number, self.browser, self.targets = number, browser, targets
        self.results, self.deadline, self.budget = results, deadline, budget
        self.random = random.Random(seed * 1000 + number)
        self.edits = 0
        self.mix = mix

    def run(self):
        left_out = {"endring": not self.targets.editable, "person": not self.targets.persons}
        kinds = [k for k in self.mix if not left_out.get(k)]
        weights = [self.mix[k] for k in kinds]
        while time.monotonic() < self.deadline and self.budget.take():
            kind = self.random.choices(kinds, weights)[0]
            try:
                self._do(kind)
            except Exception as error:  # no answer, or an answer the test cannot read
                with self.results.lock:
                    self.results.failures[f"{kind}: {type(error).__name__}"] += 1

    def _do(self, kind: str) -> None:
        t, r = self.targets, self.random
        if kind == "endring":
            self._edit(r.choice(t.editable[:HOT_PLANS]))
            return
        path = {
            "gulv": lambda: FLOOR_PATH,
            "oversikt": lambda: "/koordinering/",
            "person": lambda: f"/personer/{r.choice(t.persons)}/",
            "plan": lambda: f"/planer/{r.choice(t.plans)}/",
            "søk": lambda: "/personer/?" + urllib.parse.urlencode({"q": r.choice(FAMILY)}),
        }[kind]()
        self.results.record(kind, self.browser.get(path))

    def _edit(self, plan_id: int) -> None:
        path = f"/planer/{plan_id}/endre/"
        page = self.browser.get(path)
        self.results.record("skjema", page)
        form = form_with(page.body, "version") if page.status == 200 else None
        if form is None or not self.budget.take():
            return
        self.edits += 1
        text = f"Lasttest: bruker {self.number}, endring {self.edits}"
        form["needs"] = text
        answer = self.browser.post(path, list(form.items()))
        if answer.status == 302 and "/logg-inn/" in answer.location:
            answer.status = 401  # the session was lost: not a save
        self.results.record("lagring", answer)
        with self.results.lock:
            self.results.saves.append(Save(plan_id, int(form["version"]), answer.status, text))


# --- checking the saves ---------------------------------------------------------------


def lost_updates(saves: list[Save], before: dict[int, Plan], after: dict[int, Plan]) -> list[str]:
    """Every way a save could have vanished or been refused wrongly, per plan (Norwegian)."""
    problems = []
    for plan_id in sorted({s.plan_id for s in saves}):
        mine = [s for s in saves if s.plan_id == plan_id]
        saved = [s for s in mine if s.status == 302]
        left_behind = Counter(s.version for s in saved)
        created = after[plan_id].version - before[plan_id].version
        if created != len(saved):
            problems.append(
                f"Plan {plan_id}: {len(saved)} vellykkede lagringer, men {created} nye versjoner."
            )
        for version, count in sorted(left_behind.items()):
            if count > 1:
                problems.append(
                    f"Plan {plan_id}: {count} lagringer fra versjon {version} ble godtatt; "
                    "bare én kan vinne."
                )
        for s in mine:
            if s.status == 409 and s.version not in left_behind:
                problems.append(
                    f"Plan {plan_id}: lagring fra versjon {s.version} ble avvist (409), "
                    "men ingen annen lagring fra den versjonen ble godtatt."
                )
        if saved:
            last = max(saved, key=lambda s: s.version)
            if after[plan_id].needs != last.text:
                problems.append(
                    f"Plan {plan_id}: teksten fra siste godtatte lagring (fra versjon "
                    f"{last.version}) står ikke i planen."
                )
    return problems


# --- the report ------------------------------------------------------------------------


def summary(results: Results, seconds: float) -> dict:
    kinds = {}
    for kind in [*FLOOR, *WEIGHTS, "skjema", "lagring"]:
        times = results.latencies.get(kind)
        if not times:
            continue
        kinds[kind] = {
            "antall": len(times),
            "p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(percentile(times, 95), 1),
            "p99_ms": round(percentile(times, 99), 1),
            "statuser": {str(k): v for k, v in sorted(results.statuses[kind].items())},
        }
    everything = [ms for times in results.latencies.values() for ms in times]
    statuses = sum(results.statuses.values(), Counter())
    return {
        "forespørsler": len(everything),
        "sekunder": round(seconds, 1),
        "per_sekund": round(len(everything) / seconds, 1) if seconds else 0.0,
        "p50_ms": round(statistics.median(everything), 1) if everything else 0.0,
        "p95_ms": round(percentile(everything, 95), 1) if everything else 0.0,
        "p99_ms": round(percentile(everything, 99), 1) if everything else 0.0,
        "typer": kinds,
        "serverfeil": sum(v for k, v in statuses.items() if k >= 500),
        "uten_svar": dict(results.failures),
        "uventede": dict(results.unexpected),
        "lagret": sum(1 for s in results.saves if s.status == 302),
        "konflikter": sum(1 for s in results.saves if s.status == 409),
    }


def as_text(report: dict) -> str:
    lines = [
        f"Lasttest mot {report['adresse']}"
        + (f" (gunicorn, {report['arbeidere']} arbeidere)" if "arbeidere" in report else ""),
        f"{report['forespørsler']} forespørsler på {report['sekunder']} s: "
        f"{report['per_sekund']} per sekund; p50 {report['p50_ms']} ms, "
        f"p95 {report['p95_ms']} ms, p99 {report['p99_ms']} ms.",
        *(
            [
                f"Den enkleste siden alene: {report['gulv']['per_sekund']} per sekund "
                f"(p50 {report['gulv']['p50_ms']} ms); blandingen gir "
                f"{report['forhold_til_gulv']} av det."
            ]
            if "gulv" in report
            else []
        ),
        "",
        f"{'type':<10} {'antall':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}  statuser",
    ]
    for kind, k in report["typer"].items():
        statuses = ", ".join(f"{code}: {n}" for code, n in k["statuser"].items())
        lines.append(
            f"{kind:<10} {k['antall']:>7} {k['p50_ms']:>8} {k['p95_ms']:>8} {k['p99_ms']:>8}  "
            f"{statuses}"
        )
    lines += [
        "",
        f"Lagringer: {report['lagret']} lagret (302), {report['konflikter']} avvist som "
        "samtidige endringer (409).",
        f"Tapte oppdateringer: {len(report['tapte_oppdateringer'])}.",
        *(f"  {p}" for p in report["tapte_oppdateringer"]),
        f"Serverfeil (5xx): {report['serverfeil']}. Uten svar: "
        f"{sum(report['uten_svar'].values())}. Uventede svar: "
        f"{sum(report['uventede'].values())}.",
        *(f"  {k}: {v}" for k, v in {**report["uten_svar"], **report["uventede"]}.items()),
    ]
    if "tilgangslogg" in report:
        lines.append(report["tilgangslogg"])
    lines.append("OK" if passed(report) else "FEIL")
    return "\n".join(lines)


def passed(report: dict) -> bool:
    return not (
        report["serverfeil"]
        or report["uten_svar"]
        or report["uventede"]
        or report["tapte_oppdateringer"]
        or report.get("tilgangslogg_brutt")
    )


# --- putting it together ------------------------------------------------------------


def _drive(browsers, names, targets, seconds, budget, seed, mix) -> tuple[Results, float]:
    """Run one virtual user per browser for ``seconds``, choosing from ``mix``."""
    results = Results()
    started = time.monotonic()
    threads = [
        VirtualUser(i, browser, targets[name], results, started + seconds, budget, seed, mix)
        for i, (name, browser) in enumerate(zip(names, browsers, strict=True))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + TIMEOUT + 10)
    return results, time.monotonic() - started


def floor_seconds(seconds: float) -> float:
    """How long the trivial page is requested alone: a quarter of the run, 2–15 s."""
    return min(15.0, max(2.0, seconds / 4))


def run(base_url, users, seconds, max_requests, password, seed, progress) -> tuple[dict, dict]:
    """Log in, find targets, measure the trivial page alone, run the users, check the
    saves. Returns the report and, for each edited plan, its version before the run
    and the saves that were accepted (for checks against the database)."""
    progress(f"Logger inn {users} brukere ...")
    with ThreadPoolExecutor(max_workers=min(users, 8)) as pool:
        names = [LOGINS[i % len(LOGINS)] for i in range(users)]
        browsers = list(pool.map(lambda name: login(base_url, name, password), names))
    targets: dict[str, Any] = {}
    editors: dict[int, Any] = {}
    for name, browser in zip(names, browsers, strict=True):
        if name not in targets:
            targets[name] = discover(browser)
            for plan_id in targets[name].editable[:HOT_PLANS]:
                editors.setdefault(plan_id, browser)
    before = {plan_id: read_plan(browser, plan_id) for plan_id, browser in editors.items()}
    floor_time = floor_seconds(seconds)
    progress(f"Måler den enkleste siden alene i {floor_time:g} s ...")
    floor, floor_elapsed = _drive(
        browsers, names, targets, floor_time, Budget(max_requests), seed, FLOOR
    )
    progress(f"{len(editors)} planer endres av flere brukere samtidig; kjører i {seconds} s ...")
    results, elapsed = _drive(
        browsers, names, targets, seconds, Budget(max_requests), seed, WEIGHTS
    )
    edited = {s.plan_id for s in results.saves}
    after = {plan_id: read_plan(editors[plan_id], plan_id) for plan_id in edited}
    report = summary(results, elapsed)
    floor_report = summary(floor, floor_elapsed)
    report["gulv"] = floor_report
    report["forhold_til_gulv"] = (
        round(report["per_sekund"] / floor_report["per_sekund"], 2)
        if floor_report["per_sekund"]
        else 0.0
    )
    # The floor phase's errors count like the mix's.
    report["serverfeil"] += floor_report["serverfeil"]
    for key in ("uten_svar", "uventede"):
        for what, n in floor_report[key].items():
            report[key][what] = report[key].get(what, 0) + n
    report["tapte_oppdateringer"] = lost_updates(results.saves, before, after)
    accepted = Counter(s.plan_id for s in results.saves if s.status == 302)
    return report, {plan_id: (before[plan_id].version, accepted[plan_id]) for plan_id in edited}
