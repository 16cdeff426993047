"""python-stdnum's own test vectors for Norwegian numbers, against Helhet's
refusals: each refusal must name the real reason.

The vectors are copied from python-stdnum, tests/test_no_fodselsnummer.doctest
(https://github.com/arthurdejong/python-stdnum, at commit 006192e5), Copyright
(C) 2018 Ilya Vihtinsky, (C) 2018 Arthur de Jong, (C) 2020 Leon Sandøy,
licensed under the GNU Lesser General Public License 2.1 or later. Copying test
data with attribution is within that licence; the installed wheel does not ship
the tests, hence the copy. Helhet's own expectations (the Norwegian messages,
the kinds) are ours.
"""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from helhet.people import identity

# «These should all be valid numbers.»
STDNUM_VALID = [
    "100487 45526",
    "10048744732",
    "10048745364",
    "111115984-03",
    "151086-95088",
    "18-06-15-92527",
    "231140-38547",
    "23114048690",
    "26 11 15 940 14",
    "26111593816",
    "26111594286",
    "26111594448",
]

# «The birth date can be extracted from the number»
STDNUM_BIRTH_DATES = [
    ("11111598403", dt.date(2015, 11, 11)),
    ("151086-95088", dt.date(1986, 10, 15)),
    ("180615 92527", dt.date(2015, 6, 18)),
    ("10 04 87 44 732", dt.date(1987, 4, 10)),
    ("13-04-99-58441", dt.date(1899, 4, 13)),
]

# «These numbers should be detected as male or female.» (stdnum's 'F' is our 'K')
STDNUM_GENDERS = [
    ("70624830529", "M"),
    ("56403643756", "M"),
    ("70341666064", "K"),
    ("82938389280", "K"),
]

# A day well before 18.10.2039, the "not born yet" vector, so the test does
# not depend on the day it runs.
TODAY = dt.datetime(2026, 12, 5, 12, tzinfo=dt.UTC)


def refusal(value, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as error:
        identity.clean_national_id(value, **kwargs)
    return error.value


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize("value", STDNUM_VALID)
def test_stdnum_valid_numbers_are_accepted(value):
    number = identity.clean_national_id(value)
    assert len(number) == 11 and number.isdigit()
    assert identity.kind_of(number) == identity.FNR


@pytest.mark.parametrize(("value", "born"), STDNUM_BIRTH_DATES)
def test_stdnum_birth_dates(value, born):
    assert identity.birth_date(identity.clean_national_id(value, today=dt.date(2026, 1, 1))) == (
        born
    )


@pytest.mark.parametrize(("value", "gender"), STDNUM_GENDERS)
def test_stdnum_genders(value, gender):
    assert identity.gender(value) == gender


@pytest.mark.parametrize(
    "value",
    [
        "26111593817",  # «only change last digit»
        "26111593826",  # «only change first digit»
        "26111593875",  # «change first, correct second»
    ],
)
def test_stdnum_check_digits_are_checked_independently_and_named(value):
    error = refusal(value)
    assert error.code == "invalid_checksum"
    assert "Feil kontrollsiffer" in error.messages[0]


def test_stdnum_wrong_length_names_the_length_not_the_check_digits():
    error = refusal("42485176432123")
    assert error.code == "invalid_length"
    assert error.messages == ["Nummeret har 14 siffer, men skal ha 11 siffer."]


def test_stdnum_wrong_characters_are_named():
    error = refusal("a0gzaB30529")
    assert error.code == "invalid_characters"
    assert "kontrollsiffer" not in error.messages[0]
    assert "bare inneholde siffer" in error.messages[0]


def test_stdnum_not_a_date_is_named_as_such():
    # «Invalid dates are rejected»: valid check digits, but month 57 − 40 = 17.
    error = refusal("19575770838")
    assert error.code == "invalid_date"
    assert error.messages == ["De seks første sifrene er ikke en gyldig dato (19.57.57)."]


def test_stdnum_century_that_cannot_be_determined():
    error = refusal("45014054018")
    assert error.code == "invalid_century"
    assert "Individnummeret" in error.messages[0]


@time_machine.travel(TODAY, tick=False)
def test_stdnum_not_born_yet_is_a_date_in_the_future():
    error = refusal("18103970861")
    assert error.code == "future_date"
    assert error.messages == ["Fødselsdatoen i nummeret (18.10.2039) er fram i tid."]


def test_stdnum_fh_number_is_an_fh_number_and_needs_its_check_digits():
    # stdnum refuses it as dateless ("This number is an FH-number"); the health
    # sector accepts it (felles hjelpenummer) when its check digits hold.
    assert identity.clean_national_id("82938389280") == "82938389280"
    assert identity.kind_of("82938389280") == identity.FHNR
    assert not identity.carries_birth_date("82938389280")
    assert refusal("82314251342").code == "invalid_checksum"


def test_empty_is_must_be_filled_and_separators_only_is_not():
    assert "må fylles ut" in refusal("   ").messages[0]
    separators_only = refusal(" - - ")
    assert "må fylles ut" not in separators_only.messages[0]
    assert separators_only.code == "invalid_length"
