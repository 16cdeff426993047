"""Limit/offset paging that refuses a malformed limit instead of ignoring it,
and counts no further than ``BOUND`` rows past the page (docs/performance.md,
"Counts on lists")."""

import re

from django.db.models import QuerySet
from django.db.models.sql.where import WhereNode
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response

from helhet.core.counting import BOUND, bounded_count

MAX_LIMIT = 200
# Far beyond any list, and far below what the database's 64-bit OFFSET holds:
# ?offset=9223372036854775808 is a 400, not a server error.
MAX_OFFSET = 1_000_000_000
_PLAIN_INT = re.compile(r"-?[0-9]{1,19}")


def plain_int(raw: str) -> int | None:
    """An integer written in ASCII digits, or None. ``int()`` alone also takes
    "٣", " 3 " and "1_0", which no client means."""
    return int(raw) if _PLAIN_INT.fullmatch(raw) else None


def _by_id(queryset, ids: list) -> QuerySet:
    """The rows ``ids`` as ``queryset`` reads them (its columns, related rows and
    annotations), without its conditions: the ids were just read through them,
    and the access filter is the costly part of every list, so it is evaluated
    once per page (docs/performance.md, the REST plan list). Joins the conditions
    added stay (inner joins the rows already met); a row met through several is
    kept once by the caller's dict."""
    rows = queryset.all()
    rows.query.where = WhereNode()
    return rows.filter(pk__in=ids)


class StrictLimitOffsetPagination(LimitOffsetPagination):
    max_limit = MAX_LIMIT

    def _number(self, request, name: str, low: int, high: int, default: int) -> int:
        raw = request.query_params.get(name)
        if raw is None:
            return default
        value = plain_int(raw)
        if value is None or not low <= value <= high:
            raise serializers.ValidationError(
                {name: [_("Må være et heltall %(low)s–%(high)s.") % {"low": low, "high": high}]}
            )
        return value

    def paginate_queryset(self, queryset, request, view=None):
        """The page, and a count that stops ``BOUND`` rows past the page's start.

        Every list sits behind the access filter (who the user has a relation to):
        an exact total is a scan of every matching row on every page, growing with
        the municipality. So the access filter is evaluated once, for the ids of at
        most ``BOUND + 1`` rows from the page's start (their number is the count,
        exact below the bound), and the page's own rows are then read by id. Past
        the bound ``count_exact`` is false and ``count`` is a lower bound; ``next``
        is still right."""
        self.request = request
        self.limit = self.get_limit(request)
        self.offset = self.get_offset(request)
        ids = list(queryset.values_list("pk", flat=True)[self.offset : self.offset + BOUND + 1])
        if ids or not self.offset:
            more = len(ids) > BOUND
            self.count, self.count_exact = self.offset + min(len(ids), BOUND), not more
        else:
            # Past the end: the total still has to be right.
            self.count, more = bounded_count(queryset, self.offset + BOUND)
            self.count_exact = not more
        wanted = ids[: self.limit]
        found = {row.pk: row for row in _by_id(queryset, wanted)} if wanted else {}
        rows = [found[pk] for pk in wanted if pk in found]
        if self.count > self.limit and self.template is not None:
            self.display_page_controls = True
        return rows

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.count,
                "count_exact": self.count_exact,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        described = super().get_paginated_response_schema(schema)
        described["properties"]["count"]["description"] = _(
            "Antall treff, talt til høyst %(bound)s rader forbi sidens start."
        ) % {"bound": BOUND}
        described["properties"]["count_exact"] = {
            "type": "boolean",
            "description": _("Usann når listen har flere treff enn «count»."),
        }
        described["required"] = [*described.get("required", []), "count_exact"]
        return described

    def get_limit(self, request):
        return self._number(request, self.limit_query_param, 1, self.max_limit, self.default_limit)

    def get_offset(self, request):
        return self._number(request, self.offset_query_param, 0, MAX_OFFSET, 0)

    def get_schema_operation_parameters(self, view):
        limit, offset = super().get_schema_operation_parameters(view)
        limit["schema"] = {"type": "integer", "minimum": 1, "maximum": self.max_limit}
        offset["schema"] = {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET}
        return [limit, offset]
