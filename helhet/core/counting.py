"""Counts on list pages that cost a bounded amount of work, whatever the list holds.

Every list of person data sits behind the access filter (which persons the user has a
relation to), so the exact total of a list is a count over every matching row: at
50,000 persons that scan is most of a page's time, and it is paid on every page view.
Kept counters cannot replace it: the total depends on who asks (their relations,
blocks and consents) and on every filter, so there is no one number to keep.

So a list counts at most ``BOUND`` rows past the page being read, and says «mer enn
1 000» beyond that (docs/performance.md, "Counts on lists"). Below the bound the
count is exact; the next page can always be reached, because the bound moves with the
page.
"""

from functools import cached_property
from math import ceil
from typing import Any

from django.core.paginator import Page, Paginator
from django.utils.formats import number_format
from django.utils.translation import gettext as _

# Twenty pages of 50: more than anyone pages through; past it, filtering is the way.
BOUND = 1000
MAX_PAGE = 1_000_000


def bounded_count(queryset, limit: int) -> tuple[int, bool]:
    """The number of rows in ``queryset``, counting at most ``limit + 1`` of them:
    ``(count, more)``, where ``more`` means there are more than ``count`` (then
    ``count == limit``). One ``SELECT COUNT(*) FROM (… LIMIT limit + 1)``."""
    found = queryset.order_by()[: limit + 1].count()
    return (limit, True) if found > limit else (found, False)


def count_text(count: int, more: bool) -> str:
    """«1 000», or «mer enn 1 000» when the list holds more than was counted."""
    shown = number_format(count, force_grouping=True)
    return _("mer enn %(n)s") % {"n": shown} if more else shown


class BoundedPaginator(Paginator):
    """A ``Paginator`` whose count stops ``BOUND`` rows past the requested page.

    Call ``get_page`` (or ``page``) first: the bound is set from the page asked for.
    ``more`` says whether rows lie beyond the count; ``count_text`` and ``pages_text``
    are what the page shows («mer enn 1 000», «mer enn 20»).
    """

    def __init__(self, object_list, per_page, bound: int | None = None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        bound = BOUND if bound is None else bound
        # A whole number of pages, so that «mer enn N sider» is true.
        self.bound = max(self.per_page, bound - bound % self.per_page)
        self._limit = self.bound
        self.more = False

    def _aim(self, number) -> None:
        # Before the count is read: count up to the bound past the page asked for.
        if "count" not in self.__dict__:
            try:
                # Far past any list, far inside the database's 64-bit LIMIT.
                wanted = min(max(1, int(number)), MAX_PAGE)
            except (TypeError, ValueError):
                wanted = 1
            self._limit = (wanted - 1) * self.per_page + self.bound

    def get_page(self, number: Any) -> Page:
        self._aim(number)
        return super().get_page(number)

    def page(self, number: Any) -> Page:
        self._aim(number)
        return super().page(number)

    @cached_property
    def count(self) -> int:
        counted, self.more = bounded_count(self.object_list, self._limit)
        return counted

    @cached_property
    def num_pages(self) -> int:
        # Past the bound there is at least one row more than counted: a page more,
        # so the page asked for always has a next one.
        rows = self.count + (1 if self.more else 0)
        if rows == 0 and not self.allow_empty_first_page:
            return 0
        return max(1, ceil(rows / self.per_page))

    @property
    def count_text(self) -> str:
        return count_text(self.count, self.more)

    @property
    def pages_text(self) -> str:
        # Past the bound the last page counted is whole: more than that many pages.
        return count_text(self.num_pages - 1, True) if self.more else str(self.num_pages)
