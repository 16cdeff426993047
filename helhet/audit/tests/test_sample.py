"""The auditor's sample: reproducible, anonymised, pre-filled, reviewable."""

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command
from hypothesis import given
from hypothesis import strategies as st

from helhet import testing as t
from helhet.audit import sampling
from helhet.audit.models import AuditSample, ChecklistAnswer
from helhet.audit.tests import builders as b
from helhet.cooperation.models import ResponsibilityGroup
from helhet.organisation.models import Unit

pytestmark = pytest.mark.django_db

START, END = dt.date(2026, 1, 1), dt.date(2026, 6, 30)


@pytest.fixture
def world():
    muni = t.municipality(number="4242")
    a, c = b.units(muni)
    persons = [b.person(muni) for _ in range(20)]
    for i, person in enumerate(persons):
        t.service(person, a if i % 2 else c)
    return muni, a, c, persons


def systematic(every, offset=None, **kw):
    return sampling.Parameters("systematisk", START, END, every=every, offset=offset, **kw)


def randomly(size, seed, **kw):
    return sampling.Parameters("tilfeldig", START, END, size=size, seed=seed, **kw)


def drawn(sample) -> list[int]:
    return list(sample.items.order_by("reference").values_list("person_id", flat=True))


def test_every_kth_is_the_kth_2kth_3kth_in_person_id_order(world):
    muni, _a, _c, persons = world
    ids = sorted(p.pk for p in persons)
    # Audits found: «hver 10. aktive bruker» — persons no. 10 and 20 of 20, not 1 and 11.
    assert drawn(sampling.create_sample(muni, systematic(10))) == [ids[9], ids[19]]
    sample = sampling.create_sample(muni, systematic(5, offset=2))
    assert drawn(sample) == [ids[1], ids[6], ids[11], ids[16]]
    assert sample.offset == 2
    assert list(sample.items.values_list("reference", flat=True)) == [
        "U-001",
        "U-002",
        "U-003",
        "U-004",
    ]
    assert sample.population_size == 20


def test_same_parameters_same_sample_other_seed_or_offset_another(world):
    muni = world[0]
    first = drawn(sampling.create_sample(muni, randomly(6, seed=11)))
    assert drawn(sampling.create_sample(muni, randomly(6, seed=11))) == first
    assert drawn(sampling.create_sample(muni, randomly(6, seed=12))) != first
    every = drawn(sampling.create_sample(muni, systematic(4, offset=1)))
    assert drawn(sampling.create_sample(muni, systematic(4, offset=1))) == every
    assert drawn(sampling.create_sample(muni, systematic(4, offset=2))) != every


def test_stored_parameters_draw_the_same_sample_again(world):
    muni, a, _c, _persons = world
    sample = sampling.create_sample(muni, randomly(3, seed=5, unit_ids=(a.pk,)))
    again = sampling.create_sample(muni, sampling.parameters_of(sample))
    assert drawn(again) == drawn(sample)
    assert sample.population_size == 10


def test_with_all_plans_adds_the_plan_holders(world):
    muni, _a, _c, persons = world
    ids = sorted(p.pk for p in persons)
    holder = next(p for p in persons if p.pk == ids[1])
    b.plan(holder)
    sample = sampling.create_sample(muni, systematic(10, with_all_plans=True))
    reasons = dict(sample.items.values_list("person_id", "reason"))
    assert reasons == {ids[1]: "har_ip", ids[9]: "trukket", ids[19]: "trukket"}
    counts = sampling.report(sample)["counts"]
    assert (counts.population, counts.drawn, counts.added, counts.total) == (20, 2, 1, 3)
    assert counts.share_text == "15,0 %"


def test_checklist_is_prefilled_from_the_data(world):
    muni, a, _c, persons = world
    person = max(persons, key=lambda p: p.pk)
    b.complete_plan(person, a)
    group = ResponsibilityGroup.objects.create(
        person=person, frequency_weeks=6, created_on=dt.date(2026, 1, 1)
    )
    b.held_meeting(group, dt.date(2026, 2, 1))
    b.held_meeting(group, dt.date(2026, 3, 1), minutes="")
    sample = sampling.create_sample(muni, systematic(20))
    answers = dict(
        ChecklistAnswer.objects.filter(item__sample=sample).values_list("key", "prefilled")
    )
    assert answers["ip_offered"] == answers["ip_exists"] == "ja"
    assert answers["coord_offered"] == answers["coord_named"] == "ja"
    assert all(answers[f"s19_{letter}"] == "ja" for letter in "abcdefghi")
    assert answers["meetings"] == "ja"
    assert answers["minutes"] == "nei"


def test_a_person_without_plan_gets_not_applicable_for_section_19(world):
    muni = world[0]
    sample = sampling.create_sample(muni, systematic(20))
    answers = dict(
        ChecklistAnswer.objects.filter(item__sample=sample).values_list("key", "prefilled")
    )
    assert answers["ip_offered"] == "nei"
    assert answers["s19_a"] == answers["meetings"] == answers["minutes"] == "ikke_aktuelt"


def test_override_needs_a_comment_and_saves_all_or_nothing(world):
    muni = world[0]
    sample = sampling.create_sample(muni, systematic(20))
    answers = list(ChecklistAnswer.objects.filter(item__sample=sample).order_by("id"))
    auditor = t.staff(t.unit(muni), "revisor")
    confirm = (answers[0], answers[0].prefilled, "")
    override = (answers[2], "ja", "")
    with pytest.raises(sampling.SampleRefused, match="Skriv en kommentar"):
        sampling.record_reviews([confirm, override], auditor)
    assert not ChecklistAnswer.objects.filter(reviewed_at__isnull=False).exists()
    sampling.record_reviews([confirm, (answers[2], "ja", "IP funnet på papir i arkivet")], auditor)
    report = sampling.report(sample)
    assert report["reviewed"] == 2
    assert [(item.reference, label) for item, _a, label in report["overridden"]] == [
        ("U-001", "Finnes det en aktiv IP?")
    ]


def command(*args):
    out = io.StringIO()
    call_command("audit-sample", *args, stdout=out)
    return out.getvalue()


def test_command_writes_anonymised_json(world):
    muni, _a, _c, persons = world
    text = command("--every", "10", "--from", "01.01.2026", "--to", "30.06.2026")
    document = json.loads(text)
    assert [i["reference"] for i in document["items"]] == ["U-001", "U-002"]
    assert [i["position"] for i in document["items"]] == [9, 19]
    assert document["population"] == 20 and document["every"] == 10
    assert (document["drawn"], document["added"], document["share_percent"]) == (2, 0, 10.0)
    assert set(document["items"][0]["checklist"]) >= {"ip_offered", "s19_a", "minutes"}
    for person in persons:
        assert person.national_id not in text and person.family_name not in text
    assert AuditSample.objects.get().created_by is None


def test_command_writes_a_pdf(world, tmp_path):
    target = tmp_path / "utvalg.pdf"
    command(
        "--random",
        "3",
        "--seed",
        "1",
        "--from",
        "2026-01-01",
        "--to",
        "2026-06-30",
        "--units",
        world[1].code,
        "--format",
        "pdf",
        "--output",
        str(target),
    )
    assert target.read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--every", "0"], "«Hver k-te» må være et helt tall på minst 1."),
        (["--every", "3", "--offset", "4"], "Starten må være mellom 1 og 3."),
        (["--every", "3", "--offset", "0"], "Starten må være mellom 1 og 3."),
        (["--every", "3", "--random-start"], "En tilfeldig start må ha et frø (--seed)."),
        (["--random", "21", "--seed", "1"], "Utvalget (21) er større enn populasjonen (20"),
        (["--random", "2"], "Et tilfeldig utvalg må ha et frø (--seed)."),
        (["--every", "2", "--units", "ukjent"], "Ukjent enhet «ukjent»."),
    ],
)
def test_command_refuses_bad_input_with_code_2_and_stores_nothing(world, args, message):
    out = io.StringIO()
    with pytest.raises(CommandError) as error:
        call_command(
            "audit-sample", *args, "--from", "01.01.2026", "--to", "30.06.2026", stdout=out
        )
    assert error.value.returncode == 2
    assert message in str(error.value)
    assert out.getvalue() == ""
    assert not AuditSample.objects.exists()


def test_command_refuses_a_period_that_ends_before_it_starts(world):
    with pytest.raises(CommandError) as error:
        command("--every", "2", "--from", "01.06.2026", "--to", "01.01.2026")
    assert error.value.returncode == 2
    assert "Perioden slutter før den begynner." in str(error.value)
    assert not AuditSample.objects.exists()


def test_population_is_limited_to_the_chosen_units(world):
    muni, a, c, persons = world
    nav = t.unit(muni, Unit.Kind.NAV)
    assert sampling.population(muni.pk, systematic(1, unit_ids=(nav.pk,))) == []
    with pytest.raises(sampling.SampleRefused, match="Ingen aktive personer"):
        sampling.create_sample(muni, systematic(1, unit_ids=(nav.pk,)))
    assert len(sampling.population(muni.pk, systematic(1, unit_ids=(a.pk, c.pk)))) == 20


# --- "every k-th" as the auditor means it (property tests) ----------------------

sizes = st.integers(min_value=0, max_value=400)
ks = st.integers(min_value=1, max_value=60)


@given(size=sizes, k=ks)
def test_every_kth_is_exactly_positions_k_2k_3k(size, k):
    params = sampling.Parameters("systematisk", START, END, every=k)
    positions = sampling.draw(list(range(size)), params)
    # 1-based positions k, 2k, 3k, … up to the size of the population.
    assert [p + 1 for p in positions] == [n * k for n in range(1, size // k + 1)]


@given(size=sizes, k=ks, data=st.data())
def test_with_a_start_o_the_positions_are_o_o_plus_k(size, k, data):
    o = data.draw(st.integers(min_value=1, max_value=k))
    params = sampling.Parameters("systematisk", START, END, every=k, offset=o)
    positions = [p + 1 for p in sampling.draw(list(range(size)), params)]
    assert positions == list(range(o, size + 1, k))
    assert all(b - a == k for a, b in zip(positions, positions[1:], strict=False))


@given(size=sizes, k=ks, seed=st.integers(min_value=-(2**40), max_value=2**40))
def test_a_random_start_is_reproducible_by_its_seed(size, k, seed):
    params = sampling.Parameters("systematisk", START, END, every=k, random_start=True, seed=seed)
    start = sampling.start_of(params)
    assert 1 <= start <= k
    assert sampling.start_of(params) == start
    positions = sampling.draw(list(range(size)), params)
    assert positions == sampling.draw(list(range(size)), params)
    assert [p + 1 for p in positions] == list(range(start, size + 1, k))


def test_random_start_is_stored_and_draws_the_same_persons_again(world):
    muni = world[0]
    sample = sampling.create_sample(muni, systematic(6, random_start=True, seed=20260101))
    assert sample.random_start and 1 <= sample.offset <= 6 and sample.seed == 20260101
    again = sampling.create_sample(muni, sampling.parameters_of(sample))
    assert drawn(again) == drawn(sample)
    assert again.offset == sample.offset


def test_a_start_and_a_random_start_together_are_refused(world):
    with pytest.raises(sampling.SampleRefused, match="enten en start eller tilfeldig start"):
        sampling.create_sample(world[0], systematic(5, offset=2, random_start=True, seed=1))
    assert not AuditSample.objects.exists()


def test_the_eidskog_columns_duration_services_units_and_need(world):
    muni, a, c, persons = world
    person = max(persons, key=lambda p: p.pk)  # the 20th: drawn with k = 20
    # The world gives the 20th person a service in unit a since 2020; add two
    # in unit c (the auditors' table: «Varighet», «Instanser i kommunen», «Behov IP»).
    assert person.services.get().unit == a
    t.service(person, c, valid_from=dt.date(2025, 3, 1))
    t.service(person, c, name="Støttesamtaler", valid_from=dt.date(2026, 2, 1))
    sample = sampling.create_sample(muni, systematic(20))
    item = sample.items.get()
    assert item.services_since == dt.date(2020, 1, 1)  # the world's first service
    assert item.service_count == 3 and item.unit_count == 2
    assert item.service_months == (2026 - 2020) * 12 + 5  # to 30.06.2026, the period's end
    need = ChecklistAnswer.objects.get(item=item, key="ip_need")
    assert need.prefilled == "ja"
    alone = sampling.create_sample(muni, systematic(19)).items.get()
    assert alone.service_count == 1 and alone.unit_count == 1
    assert ChecklistAnswer.objects.get(item=alone, key="ip_need").prefilled == "nei"


def test_command_prints_population_drawn_added_and_share(world, tmp_path):
    muni, _a, _c, persons = world
    b.plan(min(persons, key=lambda p: p.pk))
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "audit-sample",
        "--every",
        "10",
        "--with-all-plans",
        "--from",
        "01.01.2026",
        "--to",
        "30.06.2026",
        stdout=out,
        stderr=err,
    )
    assert json.loads(out.getvalue())["added"] == 1
    assert (
        "populasjon 20, trukket 2, lagt til 1 (alle med aktiv IP), til sammen 3 = 15,0 % "
        "av populasjonen" in err.getvalue()
    )
    target = tmp_path / "utvalg.json"
    printed = command(
        "--every",
        "4",
        "--offset",
        "3",
        "--from",
        "01.01.2026",
        "--to",
        "30.06.2026",
        "--output",
        str(target),
    )
    assert "populasjon 20, trukket 5, lagt til 0" in printed and "25,0 %" in printed
    assert [i["position"] for i in json.loads(target.read_text())["items"]] == [2, 6, 10, 14, 18]
