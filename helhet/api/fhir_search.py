"""FHIR search as the specification has it (FHIR R4, "Search"), shared by
every search view: ``_count`` and paging with Bundle links, ``total``,
``_id``, ``_lastUpdated`` with its prefixes, and the handling of parameters
the server does not support.

A search view subclasses ``SearchView`` and says which resource it searches,
its own parameters (also declared in the CapabilityStatement, ``metadata``),
and three things:

* ``find(search)``: the matching rows as an ordered QuerySet, narrowed by the
  gate's list rules (``gate.accessible_persons``/``accessible_plans``) or,
  when a patient is named, after ``gate.person_for`` granted — never more than
  the resource's own page would open;
* ``shown(rows)``: log the rows on the page actually returned (a search
  without a named patient logs one granted "list" row per person shown);
* ``resource(row)``: the FHIR resource of one row.

Paging is by ``_offset`` (our own, opaque to a client that follows the
Bundle's ``next``/``previous`` links, as the specification intends). Unknown
or unsupported parameters are an error (an OperationOutcome, 400) unless the
client sends ``Prefer: handling=lenient``; then they are left out of the
``self`` link and told in an OperationOutcome entry with ``search.mode``
"outcome", as the specification says a lenient server does.
"""

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar
from urllib.parse import urlencode

from django.db.models import Model, Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from helhet.api import fhir
from helhet.api.pagination import MAX_OFFSET, plain_int
from helhet.core.counting import BOUND, bounded_count

DEFAULT_COUNT = 50
MAX_COUNT = 200
# Result parameters every search takes (FHIR R4 "Search", 3.1.1.5).
RESULT_PARAMS = {"_count", "_offset", "_format"}
# Prefixes for a date parameter that a point in time (meta.lastUpdated) can
# be compared with: eq, ne and the ordering ones. sa, eb and ap are about
# ranges and approximation and are refused.
DATE_PREFIXES = ("eq", "ne", "ge", "le", "gt", "lt")
_DATE = re.compile(
    r"(?P<year>\d{4})(-(?P<month>\d{2})(-(?P<day>\d{2})"
    r"(?P<time>T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?)?)?"
)


@dataclass(frozen=True)
class Param:
    """A search parameter a view supports, as the CapabilityStatement declares it."""

    name: str
    type: str  # FHIR search parameter type: token, reference, date, string …
    documentation: str = ""


@dataclass
class Search:
    """A checked search request: the view's own parameters (one value each),
    ``_lastUpdated`` conditions, the page asked for, and what was ignored."""

    params: dict[str, str]
    count: int
    offset: int
    last_updated: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)


def _bad(name: str, message: str) -> exceptions.ValidationError:
    return exceptions.ValidationError({name: [message]})


def _lenient(request: Request) -> bool:
    """``Prefer: handling=lenient`` (FHIR R4 "Search", 3.1.1.4): ignore what
    is not supported. Strict is our default: a misspelt parameter silently
    ignored would widen the search the client believes it made."""
    prefer = request.headers.get("Prefer", "")
    return any(part.strip().lower() == "handling=lenient" for part in prefer.split(","))


def _number(params: dict[str, list[str]], name: str, low: int, high: int, default: int) -> int:
    values = params.get(name)
    if not values:
        return default
    value = plain_int(values[-1])
    if value is None or not low <= value <= high:
        raise _bad(name, _("Må være et heltall %(low)s–%(high)s.") % {"low": low, "high": high})
    return value


def parse(request: Request, supported: set[str], repeatable: frozenset[str]) -> Search:
    """The search the request asks for, or a 400 naming each bad parameter."""
    lists = {name: request.query_params.getlist(name) for name in request.query_params}
    unknown = sorted(set(lists) - supported - RESULT_PARAMS)
    if unknown and not _lenient(request):
        raise exceptions.ValidationError(
            {name: [_("Søkeparameteren støttes ikke.")] for name in unknown}
        )
    repeated = sorted(
        n for n, v in lists.items() if len(v) > 1 and n not in repeatable and n not in unknown
    )
    if repeated:
        raise exceptions.ValidationError(
            {name: [_("Parameteren kan bare gis én gang.")] for name in repeated}
        )
    own = {
        name: values[-1]
        for name, values in lists.items()
        if name in supported and name not in repeatable
    }
    return Search(
        params=own,
        count=_number(lists, "_count", 1, MAX_COUNT, DEFAULT_COUNT),
        offset=_number(lists, "_offset", 0, MAX_OFFSET, 0),
        last_updated=lists.get("_lastUpdated", []) if "_lastUpdated" in supported else [],
        ignored=unknown,
    )


# --- _lastUpdated -----------------------------------------------------------------------


def _range(value: str) -> tuple[dt.datetime, dt.datetime]:
    """The instants a FHIR date or dateTime covers, [start, end): "2026" is
    the whole year, "2026-03-01" the whole day, a time to the second that
    second (in Norwegian time when no zone is given)."""
    match = _DATE.fullmatch(value)
    if match is None:
        raise ValueError(value)
    year, month, day = int(match["year"]), int(match["month"] or 1), int(match["day"] or 1)
    if match["time"]:
        moment = parse_datetime(f"{match['year']}-{match['month']}-{match['day']}{match['time']}")
        if moment is None:
            raise ValueError(value)
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        precision = len(match["time"].split("Z")[0].split("+")[0].split("-")[0])
        step = dt.timedelta(minutes=1) if precision <= len("T00:00") else dt.timedelta(seconds=1)
        if "." in match["time"]:
            step = dt.timedelta(microseconds=1)
        return moment, moment + step
    first = dt.date(year, month, day)
    if match["day"]:
        last = first + dt.timedelta(days=1)
    elif match["month"]:
        last = dt.date(year + month // 12, month % 12 + 1, 1)
    else:
        last = dt.date(year + 1, 1, 1)

    def midnight(day: dt.date) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, dt.time()))

    return midnight(first), midnight(last)


def last_updated_q(values: Sequence[str], field_name: str) -> Q:
    """``_lastUpdated=ge2026-01-01&_lastUpdated=lt2026-02-01`` as a filter on
    ``field_name`` (every value must hold, as repeated parameters AND)."""
    condition = Q()
    for raw in values:
        prefix = raw[:2] if raw[:2].isalpha() else "eq"
        value = raw[2:] if raw[:2].isalpha() else raw
        if prefix not in DATE_PREFIXES:
            raise _bad(
                "_lastUpdated",
                _("Prefikset «%(prefix)s» støttes ikke; bruk eq, ne, ge, le, gt eller lt.")
                % {"prefix": prefix},
            )
        try:
            start, end = _range(value)
        except (ValueError, OverflowError) as error:
            raise _bad(
                "_lastUpdated",
                _("Ugyldig tidspunkt «%(value)s». Bruk for eksempel ge2026-01-31.")
                % {"value": value},
            ) from error
        # The target is a point in time: compared with the range the value
        # covers, as FHIR R4 "Search", 3.1.1.5.8 (date) says.
        within = Q(**{f"{field_name}__gte": start, f"{field_name}__lt": end})
        condition &= {
            "eq": within,
            "ne": ~within,
            "ge": Q(**{f"{field_name}__gte": start}),
            "gt": Q(**{f"{field_name}__gte": end}),
            "le": Q(**{f"{field_name}__lt": end}),
            "lt": Q(**{f"{field_name}__lt": start}),
        }[prefix]
    return condition


# --- the Bundle ---------------------------------------------------------------------------


def links(request: Request, search: Search, total: int | None) -> list[dict[str, str]]:
    """self, first, previous, next and last: the same search (without what
    was ignored) at other offsets, so a client pages by following links.
    ``total`` None: more matches than were counted, so there is a next page and
    no known last one."""
    address = request.build_absolute_uri(request.path)
    fixed: list[tuple[str, str]] = [
        (name, value)
        for name in request.query_params
        if name not in search.ignored and name not in ("_count", "_offset")
        for value in request.query_params.getlist(name)
    ]

    def at(offset: int) -> str:
        query = [*fixed, ("_count", str(search.count)), ("_offset", str(offset))]
        return f"{address}?{urlencode(query)}"

    found = [{"relation": "self", "url": at(search.offset)}, {"relation": "first", "url": at(0)}]
    if search.offset > 0:
        previous = max(search.offset - search.count, 0)
        found.append({"relation": "previous", "url": at(previous)})
    if total is None or search.offset + search.count < total:
        found.append({"relation": "next", "url": at(search.offset + search.count)})
    if total is not None:
        last = max((total - 1) // search.count * search.count, 0)
        found.append({"relation": "last", "url": at(last)})
    return found


def ignored_outcome(search: Search) -> dict[str, Any] | None:
    if not search.ignored:
        return None
    return fhir.outcome(
        [
            (name, _("Søkeparameteren støttes ikke og ble ignorert."))
            for name in sorted(search.ignored)
        ],
        "not-supported",
        severity="warning",
    )


# --- the view ------------------------------------------------------------------------------


class SearchMixin(APIView):
    """The search-type interaction (``GET [base]/[type]?…``) of a FHIR view.
    Mixed into ``fhir_views.FhirView``; see the module's docstring."""

    resource_type: ClassVar[str]
    # The view's own parameters; _id is every search's.
    search_params: ClassVar[tuple[Param, ...]] = ()
    # A model field holding the time the resource last changed, which the
    # resource shows as meta.lastUpdated; None: _lastUpdated is not supported.
    last_updated_field: ClassVar[str | None] = None

    @classmethod
    def declared(cls) -> list[Param]:
        found = [Param("_id", "token", "Ressursens id.")]
        if cls.last_updated_field:
            found.append(
                Param("_lastUpdated", "date", "Sist endret; prefiksene eq, ne, ge, le, gt, lt.")
            )
        return found + list(cls.search_params)

    def find(self, search: Search) -> QuerySet[Any]:
        raise NotImplementedError

    def shown(self, rows: list[Any]) -> None:
        """Log what the page shows. The default: nothing, because ``find``
        went through the gate for a named patient, which logged."""

    def resource(self, row: Any) -> dict[str, Any]:
        raise NotImplementedError

    def get(self, request: Request) -> Response:
        search = parse(
            request,
            {p.name for p in self.declared()},
            frozenset({"_lastUpdated"}),
        )
        found = self.find(search)
        if "_id" in search.params:
            number = plain_int(search.params["_id"])
            # An id we never issued matches nothing: an empty Bundle, not an error.
            found = found.filter(pk=number) if number and 0 < number < 2**63 else found.none()
        if search.last_updated and self.last_updated_field:
            found = found.filter(last_updated_q(search.last_updated, self.last_updated_field))
        # Counted to at most BOUND rows past the page: past it the Bundle leaves
        # ``total`` out rather than counting every match on every search
        # (docs/performance.md, "Counts on lists").
        counted, more = bounded_count(found, search.offset + search.count + BOUND)
        total = None if more else counted
        rows: list[Model] = list(found[search.offset : search.offset + search.count])
        self.shown(rows)
        base = request.build_absolute_uri(_fhir_base())
        return Response(
            fhir.searchset(
                [self.resource(row) for row in rows],
                total,
                base,
                links=links(request, search, total),
                outcome=ignored_outcome(search),
            )
        )


def _fhir_base() -> str:
    from django.urls import reverse

    return reverse("fhir:base")
