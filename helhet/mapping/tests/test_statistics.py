"""Municipal statistics: who sees them, what they count, suppression in page and exports."""

import csv
import datetime as dt
import io
import random

import pytest
from openpyxl import load_workbook

from helhet import testing
from helhet.mapping.models import MappingRound
from helhet.mapping.tests.builders import mapping, person, population
from helhet.organisation.models import Role, Unit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2026, 6, 15, 12, tzinfo=dt.UTC), tick=False)


@pytest.fixture
def town():
    muni = testing.municipality(name="Småby")
    big = testing.unit(muni, name="Psykisk helse og rus")
    small = testing.unit(muni, Unit.Kind.HOUSING, name="Boligkontoret")
    worker = testing.staff(big, Role.SERVICE_PROVIDER)
    ke = testing.staff(
        testing.unit(muni, Unit.Kind.COORDINATING, name="KE"), Role.COORDINATING_UNIT
    )
    nav = testing.unit(muni, Unit.Kind.NAV, name="NAV")
    rng = random.Random(7)
    population(muni, worker, [big], 23, 2025, rng)
    population(muni, worker, [nav], 8, 2025, rng)
    # Two persons mapped by the housing office: a group far below 5.
    population(muni, worker, [small], 2, 2025, rng)
    return muni, big, small, worker, ke


def test_planners_see_the_statistics_of_their_municipality_only(client, town):
    muni, big, _small, worker, ke = town
    elsewhere = testing.municipality(name="Naboby")
    other_unit = testing.unit(elsewhere)
    population(elsewhere, testing.staff(other_unit), [other_unit], 40, 2025, random.Random(1))
    client.force_login(ke)
    page = client.get("/kartlegging/statistikk/").content.decode()
    assert "33 personer ble kartlagt i 2025." in page
    assert "&lt;5" in page and "Naboby" not in page


@pytest.mark.parametrize("role", [Role.LEADER, Role.SECTOR_HEAD, Role.QUALITY, Role.AUDITOR])
def test_leaders_quality_and_auditors_see_statistics(client, town, role):
    muni = town[0]
    client.force_login(testing.staff(testing.unit(muni), role))
    assert client.get("/kartlegging/statistikk/").status_code == 200


@pytest.mark.parametrize("role", [Role.SERVICE_PROVIDER, Role.NAV_ADVISER, Role.CASEWORKER])
def test_case_workers_do_not_see_statistics(client, town, role):
    muni = town[0]
    client.force_login(testing.staff(testing.unit(muni), role))
    response = client.get("/kartlegging/statistikk/")
    assert response.status_code == 403
    assert "Kommunestatistikken er for koordinerende enhet" in response.content.decode()
    assert client.get("/kartlegging/statistikk/eksport.xlsx").status_code == 403


def test_a_unit_with_fewer_than_five_is_merged_and_cannot_be_selected(client, town):
    _muni, big, small, _worker, ke = town
    client.force_login(ke)
    page = client.get("/kartlegging/statistikk/?aar=2025").content.decode()
    assert "Andre enheter" in page and "Boligkontoret" not in page
    for url in (
        f"/kartlegging/statistikk/?aar=2025&dimensjon=enhet&gruppe={small.pk}",
        f"/kartlegging/statistikk/eksport.csv?aar=2025&dimensjon=enhet&gruppe={small.pk}",
        f"/kartlegging/statistikk/eksport.xlsx?aar=2025&dimensjon=enhet&gruppe={small.pk}",
    ):
        response = client.get(url)
        assert response.status_code == 400
        body = response.content.decode()
        assert "færre enn 5 personer" in body
        assert "Boligkontoret" not in body


def test_a_published_group_can_be_selected(client, town):
    _muni, big, _small, _worker, ke = town
    client.force_login(ke)
    page = client.get(f"/kartlegging/statistikk/?aar=2025&dimensjon=enhet&gruppe={big.pk}")
    assert page.status_code == 200
    assert "Utvalg: Enhet «Psykisk helse og rus», 2025: 23 personer." in page.content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("aar=2019", "Det finnes ingen kartlegginger for dette året."),
        ("aar=abc", "Det finnes ingen kartlegginger for dette året."),
        ("aar=2025&dimensjon=hoyde&gruppe=1", "Ukjent utvalg."),
        ("aar=2025&gruppe=1", "Velg hva utvalget gjelder."),
        ("aar=2025&dimensjon=alder&gruppe=ukjent", "færre enn 5 personer"),
    ],
)
def test_bad_filters_get_a_norwegian_error_and_no_numbers(client, town, query, message):
    client.force_login(town[4])
    response = client.get(f"/kartlegging/statistikk/?{query}")
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body and "Fordeling per livsområde" not in body
    assert client.get(f"/kartlegging/statistikk/eksport.csv?{query}").status_code == 400


def test_a_year_with_fewer_than_five_persons_shows_nothing(client, town):
    muni, big, _small, worker, ke = town
    rng = random.Random(3)
    for i in range(3):
        mapping(worker, person(muni, dt.date(1980, 1, 1 + i), "K", rng), big, dt.date(2026, 2, 1))
    client.force_login(ke)
    response = client.get("/kartlegging/statistikk/?aar=2026")
    assert "Færre enn 5 personer ble kartlagt i 2026" in response.content.decode()
    assert client.get("/kartlegging/statistikk/eksport.xlsx?aar=2026").status_code == 400


def test_csv_export_carries_the_suppression_marks(client, town):
    client.force_login(town[4])
    response = client.get("/kartlegging/statistikk/eksport.csv?aar=2025")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="kartlegging-2025.csv"'
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    values = [r[5] for r in rows if len(r) == 7][1:]
    assert "<5" in values
    numbers = [int(v) for v in values if v.isdigit()]
    assert numbers and min(numbers) >= 5
    assert [
        "Fordeling per livsområde",
        "Hele kommunen",
        "",
        "Alle",
        "Antall personer",
        "33",
        "",
    ] in rows


def test_xlsx_export_opens_and_has_suppressed_cells(client, town):
    client.force_login(town[4])
    response = client.get("/kartlegging/statistikk/eksport.xlsx?aar=2025")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert "Fordeling per livsområde" in book.sheetnames
    counts = [
        row[5]
        for name in book.sheetnames[1:]
        for row in book[name].iter_rows(min_row=2, values_only=True)
    ]
    assert "<5" in counts
    assert all(c in ("<5", ":") or (isinstance(c, int) and c >= 5) for c in counts)


def test_statistics_queries_do_not_grow_with_the_number_of_persons(
    client, town, django_assert_max_num_queries
):
    muni, big, _small, worker, ke = town
    client.force_login(ke)
    with django_assert_max_num_queries(20):
        client.get("/kartlegging/statistikk/?aar=2025")
    population(muni, worker, [big], 40, 2024, random.Random(9))
    population(muni, worker, [big], 30, 2025, random.Random(10))
    with django_assert_max_num_queries(24):  # one more year in the trend
        assert client.get("/kartlegging/statistikk/?aar=2025").status_code == 200


def test_the_trend_repeats_each_years_own_cells(client, town):
    muni, big, _small, worker, ke = town
    population(muni, worker, [big], 30, 2024, random.Random(11))
    client.force_login(ke)
    page_2024 = client.get("/kartlegging/statistikk/?aar=2024").content.decode()
    page_2025 = client.get("/kartlegging/statistikk/?aar=2025").content.decode()
    row_2024 = page_2025[page_2025.index('<th scope="row">2024</th>') :].split("</tr>")[0]
    own_2024 = page_2024[page_2024.index('<th scope="row">2024</th>') :].split("</tr>")[0]
    assert row_2024 == own_2024
    assert "30" in row_2024


# --- rounds ------------------------------------------------------------------------


def test_ke_opens_a_round_follows_progress_and_closes_it(client, town):
    muni, big, small, worker, ke = town
    rng = random.Random(5)
    served = [person(muni, dt.date(1985, 3, i + 1), "M", rng) for i in range(4)]
    for p in served:
        testing.service(p, big)
    client.force_login(ke)
    response = client.post(
        "/kartlegging/runder/ny/",
        {
            "name": "Kartlegging 2026",
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
            "units": [big.pk, small.pk],
        },
    )
    the_round = MappingRound.objects.get()
    assert response.status_code == 302
    # One person mapped by both units counts once in the round.
    mapping(worker, served[0], big, dt.date(2026, 3, 1))
    mapping(worker, served[0], small, dt.date(2026, 4, 1))
    mapping(worker, served[1], big, dt.date(2026, 5, 1))
    page = client.get(f"/kartlegging/runder/{the_round.pk}/").content.decode()
    assert "2 personer er kartlagt i runden." in page
    big_row = page[page.index('<th scope="row">Psykisk helse og rus</th>') :].split("</tr>")[0]
    assert "<td>2</td><td>4</td>" in big_row and "50 %" in big_row
    assert client.post(f"/kartlegging/runder/{the_round.pk}/avslutt/").status_code == 302
    the_round.refresh_from_db()
    assert the_round.closed_on == dt.date(2026, 6, 15)
    after = mapping(worker, served[2], big, dt.date(2026, 6, 15))
    assert after.round is None


def test_only_ke_opens_rounds_and_bad_periods_are_refused(client, town):
    muni, big, _small, _worker, ke = town
    leader = testing.staff(testing.unit(muni), Role.LEADER)
    client.force_login(leader)
    assert client.get("/kartlegging/runder/").status_code == 200
    assert client.get("/kartlegging/runder/ny/").status_code == 403
    client.force_login(ke)
    response = client.post(
        "/kartlegging/runder/ny/",
        {"name": "Feil", "starts_on": "2026-06-01", "ends_on": "2026-01-01", "units": [big.pk]},
    )
    assert response.status_code == 400
    assert "Runden kan ikke slutte før den begynner." in response.content.decode()
    assert not MappingRound.objects.exists()


def test_a_second_open_round_is_refused(client, town):
    _muni, big, _small, _worker, ke = town
    client.force_login(ke)
    data = {"name": "Runde", "starts_on": "2026-01-01", "ends_on": "2026-12-31", "units": [big.pk]}
    client.post("/kartlegging/runder/ny/", data)
    response = client.post("/kartlegging/runder/ny/", data)
    assert response.status_code == 400
    assert "Det finnes allerede en åpen kartleggingsrunde." in response.content.decode()
    assert MappingRound.objects.count() == 1


def test_another_municipalitys_round_does_not_exist(client, town):
    _muni, big, _small, _worker, ke = town
    elsewhere = testing.municipality()
    other_ke = testing.staff(
        testing.unit(elsewhere, Unit.Kind.COORDINATING), Role.COORDINATING_UNIT
    )
    other = MappingRound.objects.create(
        municipality=elsewhere,
        name="Deres",
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 12, 31),
        opened_by=other_ke,
    )
    client.force_login(ke)
    assert client.get(f"/kartlegging/runder/{other.pk}/").status_code == 404
    assert client.post(f"/kartlegging/runder/{other.pk}/avslutt/").status_code == 404


def test_exports_do_not_turn_names_into_formulas(client, town):
    muni, big, _small, _worker, ke = town
    Unit.objects.filter(pk=big.pk).update(name='=HYPERLINK("http://x")')
    client.force_login(ke)
    text = client.get("/kartlegging/statistikk/eksport.csv?aar=2025").content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text
    book = load_workbook(
        io.BytesIO(client.get("/kartlegging/statistikk/eksport.xlsx?aar=2025").content)
    )
    labels = [
        row[2] for row in book["Fordeling etter grupper"].iter_rows(min_row=2, values_only=True)
    ]
    assert '\'=HYPERLINK("http://x")' in labels
