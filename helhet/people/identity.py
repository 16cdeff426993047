"""Norwegian national identity numbers (fødselsnummer and D-nummer).

Validation is python-stdnum's; this module only turns its answers into what a
case system needs: a Norwegian error message, the kind of number, the birth
date and the legal gender digit.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.no import fodselsnummer

FNR = "fnr"
DNR = "dnr"


def clean_national_id(value: str) -> str:
    """Return the compact 11 digits, or raise a ValidationError in Norwegian."""
    value = fodselsnummer.compact(value or "")
    if not value:
        raise ValidationError(_("Fødselsnummer eller D-nummer må fylles ut."), code="required")
    if not value.isdigit() or len(value) != 11:
        raise ValidationError(_("Fødselsnummer og D-nummer har 11 siffer."), code="invalid_length")
    try:
        fodselsnummer.validate(value)
    except StdnumError as error:
        raise ValidationError(
            _("«%(value)s» er ikke et gyldig fødselsnummer eller D-nummer (kontrollsiffer)."),
            params={"value": value},
            code="invalid",
        ) from error
    return value


def kind_of(value: str) -> str:
    return DNR if int(value[0]) >= 4 else FNR


def birth_date(value: str) -> dt.date:
    return fodselsnummer.get_birth_date(value)


def gender(value: str) -> str:
    """'K' (kvinne) or 'M' (mann), from the ninth digit as the number encodes it."""
    return "M" if fodselsnummer.get_gender(value) == "M" else "K"


def age_on(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


_W1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_W2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def _control(digits: str, weights) -> int:
    rest = 11 - sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11
    return 0 if rest == 11 else rest


def synthetic_national_id(rng, born: dt.date, gender: str, d_number: bool = False) -> str:
    """A number with valid check digits for test and demo data, never typed from a real one.

    ``rng`` is a ``random.Random`` so demo data is reproducible for a seed.
    """
    day = born.day + (40 if d_number else 0)
    if 1900 <= born.year <= 1999:
        low, high = 0, 499
    elif 2000 <= born.year <= 2039:
        low, high = 500, 999
    else:
        raise ValueError("birth year outside supported range")
    while True:
        individual = rng.randint(low, high)
        if (individual % 2 == 1) != (gender == "M"):
            individual = individual + 1 if individual < high else individual - 1
        base = f"{day:02d}{born.month:02d}{born.year % 100:02d}{individual:03d}"
        k1 = _control(base, _W1)
        if k1 == 10:
            continue
        k2 = _control(base + str(k1), _W2)
        if k2 == 10:
            continue
        return f"{base}{k1}{k2}"
