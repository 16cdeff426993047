"""Limit/offset paging that refuses a malformed limit instead of ignoring it."""

from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.pagination import LimitOffsetPagination

MAX_LIMIT = 200


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

    def get_limit(self, request):
        return self._number(request, self.limit_query_param, 1, self.max_limit, self.default_limit)

    def get_offset(self, request):
        return self._number(request, self.offset_query_param, 0, None, 0)

    def get_schema_operation_parameters(self, view):
        limit, offset = super().get_schema_operation_parameters(view)
        limit["schema"] = {"type": "integer", "minimum": 1, "maximum": self.max_limit}
        offset["schema"] = {"type": "integer", "minimum": 0}
        return [limit, offset]
