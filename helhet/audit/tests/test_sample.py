"""The auditor's sample: reproducible, anonymised, pre-filled, reviewable."""

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command

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


def systematic(every, offset=0, **kw):
    return sampling.Parameters("systematisk", START, END, every=every, offset=offset, **kw)


def randomly(size, seed, **kw):
    return sampling.Parameters("tilfeldig", START, END, size=size, seed=seed, **kw)


def drawn(sample) -> list[int]:
    return list(sample.items.order_by("reference").values_list("person_id", flat=True))


def test_every_kth_in_person_id_order(world):
    muni, _a, _c, persons = world
    sample = sampling.create_sample(muni, systematic(5, offset=2))
    ids = sorted(p.pk for p in persons)
    assert drawn(sample) == [ids[2], ids[7], ids[12], ids[17]]
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
    every = drawn(sampling.create_sample(muni, systematic(4, offset=0)))
    assert drawn(sampling.create_sample(muni, systematic(4, offset=0))) == every
    assert drawn(sampling.create_sample(muni, systematic(4, offset=1))) != every


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
    assert reasons == {ids[0]: "trukket", ids[1]: "har_ip", ids[10]: "trukket"}


def test_checklist_is_prefilled_from_the_data(world):
    muni, a, _c, persons = world
    person = min(persons, key=lambda p: p.pk)
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
    override = (answers[1], "ja", "")
    with pytest.raises(sampling.SampleRefused, match="Skriv en kommentar"):
        sampling.record_reviews([confirm, override], auditor)
    assert not ChecklistAnswer.objects.filter(reviewed_at__isnull=False).exists()
    sampling.record_reviews([confirm, (answers[1], "ja", "IP funnet på papir i arkivet")], auditor)
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
    assert document["population"] == 20 and document["every"] == 10
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
        (["--every", "3", "--offset", "3"], "Startposisjonen må være mellom 0 og 2."),
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
