import datetime as dt
import random

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from helhet.people import identity


@given(
    born=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2025, 12, 31)),
    gender=st.sampled_from("KM"),
    d_number=st.booleans(),
    seed=st.integers(),
)
def test_generated_numbers_validate_and_give_back_birth_date_gender_and_kind(
    born, gender, d_number, seed
):
    number = identity.synthetic_national_id(random.Random(seed), born, gender, d_number)
    assert identity.clean_national_id(number) == number
    assert identity.birth_date(number) == born
    assert identity.gender(number) == gender
    assert identity.kind_of(number) == (identity.DNR if d_number else identity.FNR)


def test_one_wrong_digit_is_refused_with_a_norwegian_message():
    number = identity.synthetic_national_id(random.Random(1), dt.date(1985, 3, 14), "M")
    wrong = number[:-1] + str((int(number[-1]) + 1) % 10)
    with pytest.raises(ValidationError) as error:
        identity.clean_national_id(wrong)
    assert "Feil kontrollsiffer" in error.value.messages[0]


@pytest.mark.parametrize(
    "value, message",
    [("", "må fylles ut"), ("1234", "har 4 siffer"), ("abcdefghijk", "bare inneholde siffer")],
)
def test_empty_short_and_non_numeric_are_refused(value, message):
    with pytest.raises(ValidationError) as error:
        identity.clean_national_id(value)
    assert message in error.value.messages[0]


def test_spaces_are_allowed_when_typing():
    number = identity.synthetic_national_id(random.Random(2), dt.date(2001, 12, 24), "K")
    assert identity.clean_national_id(f"{number[:6]} {number[6:]}") == number


@pytest.mark.parametrize(
    "born, day, age",
    [
        (dt.date(2000, 2, 29), dt.date(2018, 2, 28), 17),
        (dt.date(2000, 2, 29), dt.date(2018, 3, 1), 18),
        (dt.date(1990, 6, 1), dt.date(2020, 6, 1), 30),
    ],
)
def test_age_turns_on_the_birthday(born, day, age):
    assert identity.age_on(born, day) == age


# --- the four kinds the health sector uses -------------------------------------


@given(
    born=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2025, 12, 31)),
    gender=st.sampled_from("KM"),
    seed=st.integers(),
)
def test_h_numbers_validate_with_birth_date_and_kind(born, gender, seed):
    number = identity.synthetic_national_id(random.Random(seed), born, gender, h_number=True)
    assert identity.clean_national_id(number, today=dt.date(2026, 1, 1)) == number
    assert identity.kind_of(number) == identity.HNR
    assert identity.birth_date(number) == born


@given(seed=st.integers())
def test_fh_numbers_validate_and_carry_no_birth_date(seed):
    number = identity.synthetic_fh_number(random.Random(seed))
    assert identity.clean_national_id(number) == number
    assert identity.kind_of(number) == identity.FHNR
    assert not identity.carries_birth_date(number)


def test_a_kind_not_accepted_here_is_named():
    number = identity.synthetic_fh_number(random.Random(3))
    with pytest.raises(ValidationError) as error:
        identity.clean_national_id(number, kinds=identity.REGISTER_KINDS)
    assert error.value.messages == [
        "Et FH-nummer kan ikke brukes her; bruk Fødselsnummer eller D-nummer."
    ]


@pytest.mark.django_db
def test_the_type_is_stored_for_each_kind_and_fh_needs_birth_date_and_gender():
    from helhet import testing as t
    from helhet.people.models import Person

    muni = t.municipality()
    rng = random.Random(5)
    born = dt.date(1990, 5, 17)
    numbers = {
        "fnr": identity.synthetic_national_id(rng, born, "K"),
        "dnr": identity.synthetic_national_id(rng, born, "K", d_number=True),
        "hnr": identity.synthetic_national_id(rng, born, "M", h_number=True),
    }
    for kind, number in numbers.items():
        person = Person.objects.create(
            municipality=muni, national_id=number, given_name="A", family_name="B"
        )
        assert (person.id_type, person.birth_date) == (kind, born)
    fh = identity.synthetic_fh_number(rng)
    with pytest.raises(ValidationError, match="FH-nummer har ingen fødselsdato"):
        Person.objects.create(municipality=muni, national_id=fh, given_name="A", family_name="B")
    person = Person.objects.create(
        municipality=muni,
        national_id=fh,
        given_name="A",
        family_name="B",
        birth_date=born,
        gender="M",
    )
    assert (person.id_type, person.birth_date, person.gender) == ("fhnr", born, "M")
