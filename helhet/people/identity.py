"""Norwegian person identity numbers as the health sector uses them.

Four kinds, all 11 digits with the same two modulus-11 check digits:

- **fødselsnummer** (fnr): birth date ddmmyy, individual number, check digits;
- **D-nummer** (dnr): a fødselsnummer with 40 added to the day (first digit 4–7),
  for persons not resident in Norway;
- **H-nummer** (hnr), hjelpenummer: 40 added to the month (third digit 4–5),
  assigned locally by a health institution to a person whose fnr/dnr is
  unknown (HL7 Norway no-basis-Patient: «locally assigned H-nummer»);
- **FH-nummer** (fhnr), felles hjelpenummer: first digit 8 or 9, no birth date
  or gender by design, issued nationally by Norsk helsenett for persons with
  neither fnr nor dnr (no-basis NamingSystem «felles hjelpenummer»).

Validation is python-stdnum's (``stdnum.no.fodselsnummer`` checks fnr, dnr and
H-numbers and refuses FH-numbers as dateless); this module only adds the kind,
the FH rule (first digit 8–9, the same check digits) and Norwegian refusals that
name the real reason: wrong characters, wrong length, check digits, not a date,
a date in the future.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.no import fodselsnummer

FNR = "fnr"
DNR = "dnr"
HNR = "hnr"
FHNR = "fhnr"
KINDS = {
    FNR: _lazy("Fødselsnummer"),
    DNR: _lazy("D-nummer"),
    HNR: _lazy("H-nummer"),
    FHNR: _lazy("FH-nummer"),
}
# Where the health sector accepts a person identified by each: fnr and dnr
# everywhere; H- and FH-numbers within health and care services only (they are
# not known to the population register, ID-porten or NAV).
ALL_KINDS = (FNR, DNR, HNR, FHNR)
WITH_BIRTH_DATE = (FNR, DNR, HNR)
REGISTER_KINDS = (FNR, DNR)


def kind_of(value: str) -> str:
    """The kind of an 11-digit number: FH first digit 8–9, D 4–7, H third digit 4–5."""
    if value[0] in "89":
        return FHNR
    if value[0] in "4567":
        return DNR
    if value[2] in "45":
        return HNR
    return FNR


def _names(kinds) -> str:
    labels = [str(KINDS[k]) for k in kinds]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + _(" eller ") + labels[-1]


def _refuse(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def clean_national_id(value: str, kinds=ALL_KINDS, today: dt.date | None = None) -> str:
    """Return the compact 11 digits, or raise a ValidationError in Norwegian
    that names what is wrong. ``kinds``: the kinds accepted here."""
    if not (value or "").strip():
        raise _refuse(_("%(kinds)s må fylles ut.") % {"kinds": _names(kinds)}, "required")
    number = fodselsnummer.compact(value)
    if number and not number.isdigit():
        raise _refuse(
            _("Nummeret kan bare inneholde siffer: 11 siffer, gjerne med mellomrom."),
            "invalid_characters",
        )
    if len(number) != 11:
        raise _refuse(
            _("Nummeret har %(n)s siffer, men skal ha 11 siffer.") % {"n": len(number)},
            "invalid_length",
        )
    if number[9] != fodselsnummer.calc_check_digit1(number) or number[
        10
    ] != fodselsnummer.calc_check_digit2(number):
        raise _refuse(
            _(
                "Feil kontrollsiffer: de to siste sifrene stemmer ikke med resten av "
                "nummeret. Sjekk at nummeret er skrevet riktig."
            ),
            "invalid_checksum",
        )
    kind = kind_of(number)
    if kind not in kinds:
        raise _refuse(
            _("Et %(kind)s kan ikke brukes her; bruk %(kinds)s.")
            % {"kind": KINDS[kind], "kinds": _names(kinds)},
            "kind_not_accepted",
        )
    if kind == FHNR:
        return number  # dateless by design: the check digits are all there is to check
    try:
        born = fodselsnummer.get_birth_date(number)
    except StdnumError as error:
        if "century" in str(error):
            raise _refuse(
                _(
                    "Individnummeret (siffer 7–9) passer ikke med fødselsåret; "
                    "nummeret kan ikke være riktig."
                ),
                "invalid_century",
            ) from error
        raise _refuse(
            _("De seks første sifrene er ikke en gyldig dato (%(date)s).")
            % {"date": f"{number[0:2]}.{number[2:4]}.{number[4:6]}"},
            "invalid_date",
        ) from error
    today = today or dt.date.today()
    if born > today:
        raise _refuse(
            _("Fødselsdatoen i nummeret (%(date)s) er fram i tid.")
            % {"date": born.strftime("%d.%m.%Y")},
            "future_date",
        )
    return number


def carries_birth_date(value: str) -> bool:
    return kind_of(value) in WITH_BIRTH_DATE


def birth_date(value: str) -> dt.date:
    """The birth date the number encodes (not for FH-numbers, which have none)."""
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


def synthetic_national_id(
    rng, born: dt.date, gender: str, d_number: bool = False, h_number: bool = False
) -> str:
    """A number with valid check digits for test and demo data, never typed from a real one.

    ``rng`` is a ``random.Random`` so demo data is reproducible for a seed.
    """
    day = born.day + (40 if d_number else 0)
    month = born.month + (40 if h_number else 0)
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
        base = f"{day:02d}{month:02d}{born.year % 100:02d}{individual:03d}"
        k1 = _control(base, _W1)
        if k1 == 10:
            continue
        k2 = _control(base + str(k1), _W2)
        if k2 == 10:
            continue
        return f"{base}{k1}{k2}"


def synthetic_fh_number(rng) -> str:
    """An FH-number (first digit 8 or 9, random digits, the same check digits)."""
    while True:
        base = str(rng.randint(8, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(8))
        k1 = _control(base, _W1)
        if k1 == 10:
            continue
        k2 = _control(base + str(k1), _W2)
        if k2 == 10:
            continue
        return f"{base}{k1}{k2}"
