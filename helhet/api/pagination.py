"""Limit/offset paging that refuses a malformed limit instead of ignoring it,
and counts in the same statement as it reads the page."""

import re

from django.db.models import Count, Window
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.pagination import LimitOffsetPagination

MAX_LIMIT = 200
# Far beyond any list, and far below what the database's 64-bit OFFSET holds:
# ?offset=9223372036854775808 is a 400, not a server error.
MAX_OFFSET = 1_000_000_000
_PLAIN_INT = re.compile(r"-?[0-9]{1,19}")


def plain_int(raw: str) -> int | None:
    """An integer written in ASCII digits, or None. ``int()`` alone also takes
    "٣", " 3 " and "1_0", which no client means."""
    return int(raw) if _PLAIN_INT.fullmatch(raw) else None


TOTAL = "_helhet_total"


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
        """The page and the total in one statement: every list sits behind
        the access filter (who the user has a relation to), and a separate
        COUNT evaluated it a second time (docs/performance.md)."""
        self.request = request
        self.limit = self.get_limit(request)
        self.offset = self.get_offset(request)
        counted = queryset.annotate(**{TOTAL: Window(Count("pk"))})
        rows = list(counted[self.offset : self.offset + self.limit])
        if rows:
            self.count = getattr(rows[0], TOTAL)
        else:
            # Past the end (or nothing there): the total still has to be right.
            self.count = self.get_count(queryset) if self.offset else 0
        if self.count > self.limit and self.template is not None:
            self.display_page_controls = True
        return rows

    def get_limit(self, request):
        return self._number(request, self.limit_query_param, 1, self.max_limit, self.default_limit)

    def get_offset(self, request):
        return self._number(request, self.offset_query_param, 0, MAX_OFFSET, 0)

    def get_schema_operation_parameters(self, view):
        limit, offset = super().get_schema_operation_parameters(view)
        limit["schema"] = {"type": "integer", "minimum": 1, "maximum": self.max_limit}
        offset["schema"] = {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET}
        return [limit, offset]
