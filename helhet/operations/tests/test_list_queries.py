"""Every staff list page and API list makes the same number of queries whatever
the municipality holds (docs/performance.md): measured on a small and a larger demo
municipality, each list showing more than one page's worth where it pages."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from helhet.people.models import Person

PASSWORD = "demo-passord-1"
SMALL, LARGER = 30, 120

# (login, path): the lists staff read, as a login that sees rows in both
# municipalities, with a page size small enough that both fill more than one page.
# ``{name}`` is the demo person's family name. The housing lists decide each row's
# owning unit with ``gate.decide_many`` (one batch per unit, not one per row).
LISTS = [
    ("koordinator", "/"),
    ("ke", "/"),
    ("ke", "/koordinering/?per_side=25"),
    ("ke", "/samtykker/"),
    ("koordinator", "/personer/?q={name}"),
    ("saksbehandler", "/inntak/arbeidsliste/"),
    ("saksbehandler", "/inntak/"),
    ("leder", "/tilgang/kontroll/?status=alle"),
    ("leder", "/tilgang/administrasjonslogg/"),
    ("leder", "/kvalitet/"),
    ("revisor", "/revisjon/utvalg/"),
    ("bolig", "/bolig/boliger/"),
    ("bolig", "/bolig/venteliste/"),
    ("nav", "/bolig/midlertidig/"),
    ("nav", "/bolig/"),
    ("nav", "/nav/"),
    ("ke", "/api/v1/plans/?limit=2"),
    ("ke", "/api/v1/persons/?limit=2"),
    ("koordinator", "/api/v1/consents/?limit=2"),
    ("koordinator", "/api/v1/groups/?limit=2"),
    ("koordinator", "/api/v1/meetings/?limit=2"),
    ("saksbehandler", "/api/v1/applications/?limit=2"),
    ("saksbehandler", "/api/v1/decisions/?limit=2"),
    ("leder", "/api/v1/deviations/?limit=2"),
    ("bolig", "/api/v1/housing/dwellings/?limit=2"),
    ("bolig", "/api/v1/housing/applications/?limit=2"),
    ("koordinator", "/fhir/r4/Patient?_count=2"),
]


def make_demo(persons: int, reset: bool = False) -> None:
    call_command(
        "demo",
        persons=persons,
        seed=11,
        password=PASSWORD,
        no_serve=True,
        reset=reset,
        stdout=open("/dev/null", "w"),
        stderr=open("/dev/null", "w"),
    )


def measure() -> dict:
    name = Person.objects.get(user__username="bruker").family_name
    counts, clients = {}, {}
    for login, path in LISTS:
        if login not in clients:
            clients[login] = Client()
            assert clients[login].login(username=login, password=PASSWORD)
        url = path.format(name=name)
        # The first request fills per-process caches (templates, stored completeness).
        assert clients[login].get(url, secure=True).status_code == 200, url
        with CaptureQueriesContext(connection) as queries:
            response = clients[login].get(url, secure=True)
        assert response.status_code == 200, url
        counts[(login, path)] = len(queries)
    return counts


@pytest.mark.django_db(transaction=True)
def test_every_list_makes_the_same_number_of_queries_at_two_sizes(settings):
    settings.DEMO_MODE = True
    make_demo(SMALL)
    small = measure()
    make_demo(LARGER, reset=True)
    larger = measure()

    grown = {key: (small[key], larger[key]) for key in small if small[key] != larger[key]}
    assert grown == {}
