"""Limit/offset paging that refuses a malformed limit instead of ignoring it,
and counts in the same statement as it reads the page."""

from django.db.models import Count, Window
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.pagination import LimitOffsetPagination

MAX_LIMIT = 200
TOTAL = "_helhet_total"


class StrictLimitOffsetPagination(LimitOffsetPagination):
    max_limit = MAX_LIMIT

    def _number(self, request, name: str, low: int, high: int | None, default: int) -> int:
        raw = request.query_params.get(name)
        if raw is None:
            return default
        try:
            value = int(raw)
        except ValueError:
            value = None
        if value is None or value < low or (high is not None and value > high):
            upper = "" if high is None else f"–{high}"
            raise serializers.ValidationError(
                {name: [_("Må være et heltall %(range)s.") % {"range": f"{low}{upper or '+'}"}]}
            )
        return value

    def paginate_queryset(self, queryset, request, view=None):
        """The page and the total in one statement: every list sits behind
        the access filter (who the user has a relation to), and a separate
        COUNT evaluated it a second time (issue 10)."""
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
        return self._number(request, self.offset_query_param, 0, None, 0)

    def get_schema_operation_parameters(self, view):
        limit, offset = super().get_schema_operation_parameters(view)
        limit["schema"] = {"type": "integer", "minimum": 1, "maximum": self.max_limit}
        offset["schema"] = {"type": "integer", "minimum": 0}
        return [limit, offset]
