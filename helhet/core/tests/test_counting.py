import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from helhet import testing
from helhet.core.counting import BoundedPaginator, count_text
from helhet.people.models import Person


@pytest.fixture
def persons(db):
    muni = testing.municipality()
    for _ in range(12):
        testing.person(muni)
    return Person.objects.order_by("pk")


def test_below_the_bound_the_count_is_exact(persons):
    page = BoundedPaginator(persons, 5, bound=20).get_page("2")
    assert (page.paginator.count, page.paginator.more, page.paginator.num_pages) == (12, False, 3)
    assert page.paginator.count_text == "12"
    assert [p.pk for p in page] == [p.pk for p in persons[5:10]]


def test_past_the_bound_the_list_says_more_than_and_the_next_page_is_reachable(persons):
    with translation.override("nb"):
        first = BoundedPaginator(persons, 2, bound=4).get_page("1")
        assert (first.paginator.count, first.paginator.more) == (4, True)
        assert first.paginator.count_text == "mer enn 4"
        assert first.paginator.pages_text == "mer enn 2"
        assert first.has_next()
        # The bound moves with the page asked for: page 5 is reachable, and the
        # count is again a bound past it.
        fifth = BoundedPaginator(persons, 2, bound=4).get_page("5")
        assert fifth.number == 5 and fifth.has_next()
        assert (fifth.paginator.count, fifth.paginator.more) == (12, False)
        last = BoundedPaginator(persons, 2, bound=4).get_page("6")
        assert (last.number, last.has_next(), last.paginator.more) == (6, False, False)


def test_a_page_that_is_not_a_number_is_the_first_and_beyond_the_end_the_last(persons):
    assert BoundedPaginator(persons, 5, bound=20).get_page("x").number == 1
    assert BoundedPaginator(persons, 5, bound=20).get_page("99").number == 3


def test_the_count_reads_no_more_rows_than_the_bound(persons):
    paginator = BoundedPaginator(persons, 2, bound=4)
    with CaptureQueriesContext(connection) as queries:
        paginator.get_page("1")
    (count,) = [q["sql"] for q in queries.captured_queries if "COUNT" in q["sql"].upper()]
    assert "LIMIT 5" in count.upper()


def test_large_numbers_are_grouped_in_norwegian():
    with translation.override("nb"):
        assert count_text(1000, True) == "mer enn 1\xa0000"
        assert count_text(999, False) == "999"


def test_a_page_number_past_any_list_is_the_last_page_not_an_error(persons):
    page = BoundedPaginator(persons, 5, bound=20).get_page("9" * 40)
    assert (page.number, page.paginator.count) == (3, 12)
