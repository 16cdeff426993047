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
    assert "ikke et gyldig fødselsnummer" in error.value.messages[0]


@pytest.mark.parametrize(
    "value, message",
    [("", "må fylles ut"), ("1234", "11 siffer"), ("abcdefghijk", "11 siffer")],
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
