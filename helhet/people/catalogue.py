"""The service-type catalogue: the common kinds of service a municipality gives,
the law each is given under, and whether it needs an individual decision.

pasient- og brukerrettighetsloven § 2-7 (with helse- og omsorgstjenesteloven
§ 3-2 first paragraph no. 6, §§ 3-6 and 3-8): these health and care services
need an individual decision when they are expected to last more than two weeks.
Low-threshold offers (hol. § 3-3) are given without one by design; NAV's social
services are decided under sosialtjenesteloven (§ 41 second paragraph) and
audited by the NAV criteria; housing follows its own act. The migration
``people.0004_seed_service_types`` seeds a frozen copy of ``TYPES``.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class TypeSpec:
    code: str
    name: str
    kind: str  # ServiceType.Kind value
    legal_basis: str  # key into helhet.core.legal.REFERENCES
    needs_decision: bool


HEALTH_CARE, LOW_THRESHOLD, SOCIAL, OTHER = "helse_omsorg", "lavterskel", "sosial", "annet"

TYPES = [
    TypeSpec("hjemmesykepleie", "Hjemmesykepleie", HEALTH_CARE, "hol_3_2_6a", True),
    TypeSpec("praktisk_bistand", "Praktisk bistand og opplæring", HEALTH_CARE, "hol_3_2_6b", True),
    TypeSpec("stottekontakt", "Støttekontakt", HEALTH_CARE, "hol_3_2_6b", True),
    TypeSpec("miljoarbeid", "Miljøarbeid i bolig", HEALTH_CARE, "hol_3_2_6b", True),
    TypeSpec("avlastning", "Avlastning", HEALTH_CARE, "hol_3_2_6d", True),
    TypeSpec(
        "omsorgsstonad", "Omsorgsstønad (tidligere omsorgslønn)", HEALTH_CARE, "hol_3_6", True
    ),
    TypeSpec("bpa", "Brukerstyrt personlig assistanse (BPA)", HEALTH_CARE, "hol_3_8", True),
    TypeSpec("korttidsopphold", "Korttidsopphold i institusjon", HEALTH_CARE, "hol_3_2_6c", True),
    TypeSpec("langtidsopphold", "Langtidsopphold i institusjon", HEALTH_CARE, "hol_3_2_6c", True),
    TypeSpec(
        "psykisk_helse_rus",
        "Psykisk helse- og rusoppfølging (helsetjenester i hjemmet)",
        HEALTH_CARE,
        "hol_3_2_6a",
        True,
    ),
    TypeSpec(
        "annen_helse_omsorg", "Annen helse- og omsorgstjeneste", HEALTH_CARE, "hol_3_2_6", True
    ),
    TypeSpec("dagaktivitet", "Dagaktivitetstilbud", HEALTH_CARE, "hol_3_2_7", False),
    TypeSpec("lavterskel", "Lavterskeltilbud (uten vedtak)", LOW_THRESHOLD, "hol_3_3", False),
    TypeSpec("frisklivs", "Frisklivstilbud", LOW_THRESHOLD, "hol_3_3", False),
    TypeSpec("nav_okonomisk", "NAV: økonomisk stønad", SOCIAL, "sotjl_18", False),
    TypeSpec(
        "nav_veiledning", "NAV: opplysning, råd og veiledning (§ 17)", SOCIAL, "nav_guidance", False
    ),
    TypeSpec("nav_kvp", "NAV: kvalifiseringsprogrammet", SOCIAL, "nav_kvp", False),
    TypeSpec("bolig", "Bolig og boligsosial bistand", OTHER, "housing_act", False),
]

BY_CODE = {t.code: t for t in TYPES}

# Words in a service's name that say which type it is (checked in this order).
_NAME_HINTS = [
    ("hjemmesykepleie", "hjemmesykepleie"),
    ("praktisk bistand", "praktisk_bistand"),
    ("støttekontakt", "stottekontakt"),
    ("avlastning", "avlastning"),
    ("omsorgslønn", "omsorgsstonad"),
    ("omsorgsstønad", "omsorgsstonad"),
    ("bpa", "bpa"),
    ("brukerstyrt", "bpa"),
    ("korttid", "korttidsopphold"),
    ("langtid", "langtidsopphold"),
    ("sykehjem", "langtidsopphold"),
    ("dagaktivitet", "dagaktivitet"),
    ("dagsenter", "dagaktivitet"),
    ("miljøarbeid", "miljoarbeid"),
    ("frisklivs", "frisklivs"),
    ("lavterskel", "lavterskel"),
    ("økonomisk stønad", "nav_okonomisk"),
    ("kvalifiseringsprogram", "nav_kvp"),
    ("§ 17", "nav_veiledning"),
    ("råd og veiledning", "nav_veiledning"),
]

# What a unit of each kind gives when the name says nothing.
_UNIT_DEFAULT = {
    "hjemmetjeneste": "hjemmesykepleie",
    "miljoarbeid": "miljoarbeid",
    "psykisk_rus": "psykisk_helse_rus",
    "nav": "nav_veiledning",
    "bolig": "bolig",
    "frisklivs": "frisklivs",
}


def guess_type(unit_kind: str, basis: str, name: str) -> str:
    """The most likely type of an existing service, for services recorded
    before the catalogue: the name first, then a service without a decision
    by design, then what the unit gives. Falls back to «annen helse- og
    omsorgstjeneste», which needs a decision, so no breach is hidden."""
    lowered = name.lower()
    for hint, code in _NAME_HINTS:
        if hint in lowered:
            return code
    if basis == "lavterskel":
        return "lavterskel"
    return _UNIT_DEFAULT.get(unit_kind, "annen_helse_omsorg")
