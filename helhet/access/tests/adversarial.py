"""The attackers, the world they attack and the database fingerprint, for the
adversarial suite (``test_adversarial``) and the findings tests.

The world is one municipality with one target person who has everything an
attacker could want: a portal login, an open plan, a service by decision, a
coordinator, a consent covering the units that have a relation, a proxy with
limited rights, and blocks on three staff members who otherwise would have a
basis. The attackers:

* ``a_no_relation``: staff of the same municipality with no relation, one role
  at a time (every role except the coordinating unit, which has a relation to
  everyone with a plan, and the system administrator, case e);
* ``b_blocked``: staff with a real relation — service by decision, the
  coordinating unit, the named coordinator — all covered by the consent, and
  on top a caseworker's and a leader's role in every unit of the municipality
  (``hold_every_unit``), whom the person has blocked (``AccessBlock``);
* ``c_proxy``: a relative with a proxy limited to «se planen» and «meldinger»;
* ``d_portal_self``: the person themself, on staff URLs;
* ``d_portal_other``: another person's portal login;
* ``e_sysadmin``: the system administrator (Django superuser with the
  system-administrator role in the municipality);
* ``f_other_municipality``: staff of another municipality, one of whose units
  even gives the person a service by decision, and who even holds roles in
  every unit of the person's municipality (``hold_every_unit``);
* ``anonymous``: nobody logged in.

Roles rotate over the URLs (``attacker(case, index)``), so every URL meets
every case once and every role of a case meets many URLs.
"""

import datetime as dt
import hashlib
from dataclasses import dataclass
from html.parser import HTMLParser

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count, Q
from django.test import override_settings

from helhet import testing as t
from helhet.access.models import AccessBlock, AccessLogEntry
from helhet.consent.models import Category
from helhet.coordination.models import CoordinatorAssignment
from helhet.organisation.models import Membership, Role, StaffMember, Unit
from helhet.plans.models import IndividualPlan
from helhet.portal.models import Representation
from helhet.testing import consent

CASES = (
    "a_no_relation",
    "b_blocked",
    "c_proxy",
    "d_portal_self",
    "d_portal_other",
    "e_sysadmin",
    "f_other_municipality",
    "anonymous",
)
# Cases whose refusals must be in the person's access log (the user is known
# and the person is in the user's municipality, or the user is a portal user).
LOGGED_CASES = {"a_no_relation", "b_blocked", "c_proxy", "d_portal_self", "d_portal_other"}
LOGGED_CASES |= {"e_sysadmin"}

NO_RELATION_ROLES = [r for r in Role.values if r not in (Role.COORDINATING_UNIT, Role.SYSTEM_ADMIN)]
BLOCKED_RELATIONS = ("service", "coordinating_unit", "coordinator")
OTHER_MUNICIPALITY_ROLES = (Role.COORDINATING_UNIT, Role.SERVICE_PROVIDER, Role.LEADER)

# Tables a refused request may write: the access log (that is the point), the
# session (logging in), django-axes' attempt records.
UNFINGERPRINTED_PREFIXES = ("access_accesslogentry", "django_session", "axes_")
# Derived caches a page the user may open refreshes on reading (the stored
# § 19 completeness, docs/performance.md; the compliance snapshot and the
# background job that computes a missing one). Exempt only on lists and
# overviews a user may open — a refused request may change nothing at all.
DERIVED_CACHES = {"plans_plancompleteness", "audit_compliancesnapshot", "background_job"}
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class World:
    muni: object
    other_muni: object
    person: object  # the target
    other_person: object
    home_unit: object
    attackers: dict  # (case, variant) -> user or None


def _portal_user(person, username):
    user = get_user_model().objects.create_user(username=username, password=t.PASSWORD)
    person.user = user
    person.save(update_fields=["user"])
    return user


def build_world() -> World:
    # Built outside any test's settings fixture: use the fast hasher directly.
    with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        return _build_world()


def _build_world() -> World:
    today = dt.date(2026, 6, 1)
    muni = t.municipality(name="Angrepskommune")
    other_muni = t.municipality(name="Nabokommune")
    home = t.unit(muni, Unit.Kind.HOME_CARE, name="Hjemmetjenesten")
    ke = t.unit(muni, Unit.Kind.COORDINATING, name="Koordinerende enhet")
    coordinators = t.unit(muni, Unit.Kind.MENTAL_HEALTH, name="Psykisk helse")
    nowhere = t.unit(muni, Unit.Kind.MENTAL_HEALTH, name="Enhet uten relasjon")
    person = t.person(muni, given_name="Mål", family_name="Angrepsmålsen")
    other_person = t.person(muni, given_name="Annen", family_name="Naboesen")
    person_user = _portal_user(person, "maal-selv")
    other_user = _portal_user(other_person, "annen-person")

    IndividualPlan.objects.create(
        person=person, status=IndividualPlan.Status.ACTIVE, offered_on=dt.date(2026, 1, 5)
    )
    t.service(person, home)
    consent(person, units=[home, ke, coordinators], categories=Category.values)

    attackers: dict = {}
    for role in NO_RELATION_ROLES:
        attackers["a_no_relation", role] = t.staff(nowhere, role, username=f"uten-{role}")

    blocked = {
        "service": t.staff(home, Role.SERVICE_PROVIDER, username="sperret-tjenesteyter"),
        "coordinating_unit": t.staff(ke, Role.COORDINATING_UNIT, username="sperret-ke"),
        "coordinator": t.staff(coordinators, Role.SERVICE_PROVIDER, username="sperret-koord"),
    }
    CoordinatorAssignment.objects.create(
        person=person,
        offered_on=today,
        unit=coordinators,
        assigned_on=today,
        coordinator=blocked["coordinator"],
    )
    for variant, user in blocked.items():
        AccessBlock.objects.create(person=person, staff_user=user, created_by=person_user)
        attackers["b_blocked", variant] = user

    proxy = get_user_model().objects.create_user(username="fullmektig", password=t.PASSWORD)
    Representation.objects.create(
        person=person,
        representative=proxy,
        kind=Representation.Kind.PROXY,
        read_plan=True,
        messages=True,
        edit_goals=False,
        consents=False,
        valid_from=dt.date(2020, 1, 1),
        valid_to=dt.date(2099, 12, 31),
        given_by=person_user,
    )
    attackers["c_proxy", "plan+meldinger"] = proxy
    attackers["d_portal_self", "personen selv"] = person_user
    attackers["d_portal_other", "annen person"] = other_user

    admin = get_user_model().objects.create_user(
        username="sysadmin", password=t.PASSWORD, is_staff=True, is_superuser=True
    )
    member = StaffMember.objects.create(user=admin, municipality=muni)
    Membership.objects.create(staff=member, unit=nowhere, role=Role.SYSTEM_ADMIN)
    attackers["e_sysadmin", "systemadministrator"] = admin

    for role in OTHER_MUNICIPALITY_ROLES:
        unit = t.unit(other_muni, Unit.Kind.HOME_CARE)
        attackers["f_other_municipality", role] = t.staff(unit, role, username=f"nabo-{role}")
        if role == Role.SERVICE_PROVIDER:
            t.service(person, unit)
    attackers["anonymous", "ikke innlogget"] = None
    return World(muni, other_muni, person, other_person, home, attackers)


# Roles a blocked attacker (and another municipality's) holds in every unit:
# the intake bases (application addressed to my unit, the head who signs,
# the provider of a decision) are unit-based, and these roles hold them all.
EVERY_UNIT_ROLES = (Role.CASEWORKER, Role.LEADER)


def hold_every_unit(world: World, user) -> None:
    """Give ``user`` a case role in every unit of the target's municipality,
    including the units the URL's sample objects were addressed to: the
    blocked attacker then has every unit-based basis there is, and only the
    block stands in the way; another municipality's staff member holds them
    too, and only the municipality boundary stands in the way."""
    staff = user.staff
    held = set(staff.memberships.values_list("unit_id", "role"))
    Membership.objects.bulk_create(
        [
            Membership(staff=staff, unit=unit, role=role)
            for unit in Unit.objects.filter(municipality=world.muni)
            for role in EVERY_UNIT_ROLES
            if (unit.pk, role) not in held
        ]
    )


def variants(world: World, case: str) -> list:
    return sorted(v for c, v in world.attackers if c == case)


def attacker(world: World, case: str, index: int):
    """(variant, user) for ``case`` at URL number ``index``: roles rotate."""
    chosen = variants(world, case)
    variant = chosen[index % len(chosen)]
    return variant, world.attackers[case, variant]


# --- "nothing changed in the database" -------------------------------------------


def fingerprinted_tables() -> list[str]:
    """Every table in the database except the access log, sessions and axes:
    read from the database itself, so a new app's tables are covered."""
    return sorted(
        name
        for name in connection.introspection.table_names()
        if not name.startswith(UNFINGERPRINTED_PREFIXES)
    )


def fingerprint(tables: list[str]) -> dict[str, tuple[int, str]]:
    """Row count and a hash of the rows, per table. The test data is small, so
    reading every row is cheap (a few milliseconds per request)."""
    found = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            rows = sorted(repr(row) for row in cursor.fetchall())
            found[table] = (len(rows), hashlib.blake2b(repr(rows).encode()).hexdigest()[:16])
    return found


def changes(before: dict, after: dict) -> list[str]:
    """Human-readable differences between two fingerprints."""
    found = []
    for table in sorted(set(before) | set(after)):
        old, new = before.get(table), after.get(table)
        if old == new:
            continue
        if old is None or new is None or old[0] != new[0]:
            found.append(f"{table}: {old[0] if old else '–'} → {new[0] if new else '–'} rows")
        else:
            found.append(f"{table}: rows changed ({old[0]} rows)")
    return found


def log_rows(person, user) -> tuple[int, int]:
    """(refused, granted) access-log rows about ``person`` by ``user``."""
    if user is None:
        rows = AccessLogEntry.objects.filter(person=person, user__isnull=True)
    else:
        rows = AccessLogEntry.objects.filter(person=person, user=user)
    counts = rows.aggregate(
        refused=Count("pk", filter=Q(granted=False)), granted=Count("pk", filter=Q(granted=True))
    )
    return counts["refused"], counts["granted"]


# --- submitting a page's own form, as a browser would ------------------------------


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action") or "", "fields": []})
            return
        if not self.forms:
            return
        fields = self.forms[-1]["fields"]
        name = attrs.get("name")
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind in ("submit", "button", "image", "file"):
                return
            fields.append([name, attrs.get("value") or ("on" if kind == "checkbox" else "")])
        elif tag == "select" and name:
            self._select = [name, None, False]
        elif tag == "option" and self._select is not None:
            value = attrs.get("value", "")
            if self._select[1] is None or ("selected" in attrs and not self._select[2]):
                self._select[1] = value
                self._select[2] = "selected" in attrs
        elif tag == "textarea" and name:
            self._textarea = [name, ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "select" and self._select is not None:
            self.forms[-1]["fields"].append([self._select[0], self._select[1] or ""])
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.forms[-1]["fields"].append(self._textarea)
            self._textarea = None


def form_data(html: str, containing: str) -> dict:
    """The fields of the first form on the page that has a field named
    ``containing``, with the values the page filled in (multi-valued where the
    page gives several): what a user submitting it unchanged would send."""
    parser = _FormParser()
    parser.feed(html)
    for form in parser.forms:
        names = [name for name, _value in form["fields"]]
        if containing in names:
            data: dict = {}
            for name, value in form["fields"]:
                data.setdefault(name, []).append(value)
            return {k: v if len(v) > 1 else v[0] for k, v in data.items()}
    return {}
