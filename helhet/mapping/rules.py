"""Rules of needs mapping as data and pure functions: screening scores and
their cut-offs, outcome changes, age groups and round counting.

AUDIT: Babor TF, Higgins-Biddle JC, Saunders JB, Monteiro M. *AUDIT. The
Alcohol Use Disorders Identification Test. Guidelines for Use in Primary
Care*, 2nd ed. WHO 2001 — items 1–8 score 0–4, items 9–10 score 0, 2 or 4;
total 0–40; 8–15 hazardous, 16–19 harmful, 20+ possible dependence. Norwegian
practice (Norsk versjon: Aasland OG et al., Tidsskr Nor Lægeforen 1990;110:1523–7;
NHI «Alkohol-AUDIT», which refers to rop.no) lowers the first cut-off for women
to 6, because women reach harmful blood alcohol levels at lower intake
(Aalto M et al., Alcohol Clin Exp Res 2006;30:1884–8). We use 6 for women.

DUDIT: Berman AH, Bergman H, Palmstierna T, Schlyter F. Evaluation of the Drug
Use Disorders Identification Test (DUDIT) in criminal justice and detoxification
settings and in a Swedish population sample. *Eur Addict Res* 2005;11:22–31 —
items 1–9 score 0–4, items 10–11 score 0, 2 or 4; total 0–44; drug-related
problems likely at 6+ for men and 2+ for women; 25+ probable heavy dependence.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from helhet.mapping.models import Domain, Level

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# --- AUDIT and DUDIT ------------------------------------------------------------

FIVE_POINTS = (0, 1, 2, 3, 4)
THREE_POINTS = (0, 2, 4)


@dataclass(frozen=True)
class Item:
    text: "StrOrPromise"
    options: tuple["StrOrPromise", ...]
    points: tuple[int, ...]

    def __post_init__(self) -> None:
        assert len(self.options) == len(self.points)


@dataclass(frozen=True)
class Instrument:
    code: str
    name: str
    items: tuple[Item, ...]

    @property
    def max_score(self) -> int:
        return sum(max(item.points) for item in self.items)


HOW_OFTEN = (
    _("Aldri"),
    _("Månedlig eller sjeldnere"),
    _("2–4 ganger i måneden"),
    _("2–3 ganger i uken"),
    _("4 ganger i uken eller mer"),
)
LAST_YEAR = (
    _("Aldri"),
    _("Sjeldnere enn månedlig"),
    _("Månedlig"),
    _("Ukentlig"),
    _("Daglig eller nesten daglig"),
)
HARM = (_("Nei"), _("Ja, men ikke det siste året"), _("Ja, i løpet av det siste året"))

AUDIT = Instrument(
    "audit",
    "AUDIT",
    (
        Item(_("Hvor ofte drikker du alkohol?"), HOW_OFTEN, FIVE_POINTS),
        Item(
            _("Hvor mange alkoholenheter drikker du på en typisk dag når du drikker?"),
            (_("1–2"), _("3–4"), _("5–6"), _("7–9"), _("10 eller flere")),
            FIVE_POINTS,
        ),
        Item(
            _("Hvor ofte drikker du seks alkoholenheter eller mer ved samme anledning?"),
            LAST_YEAR,
            FIVE_POINTS,
        ),
        Item(
            _(
                "Hvor ofte i løpet av det siste året har du ikke klart å stoppe å drikke "
                "etter at du hadde begynt?"
            ),
            LAST_YEAR,
            FIVE_POINTS,
        ),
        Item(
            _(
                "Hvor ofte i løpet av det siste året har du ikke gjort det som normalt "
                "var forventet av deg, på grunn av drikking?"
            ),
            LAST_YEAR,
            FIVE_POINTS,
        ),
        Item(
            _(
                "Hvor ofte i løpet av det siste året har du trengt en drink om morgenen "
                "for å komme i gang etter en kraftig rangel?"
            ),
            LAST_YEAR,
            FIVE_POINTS,
        ),
        Item(
            _(
                "Hvor ofte i løpet av det siste året har du hatt skyldfølelse eller "
                "samvittighetsnag på grunn av drikking?"
            ),
            LAST_YEAR,
            FIVE_POINTS,
        ),
        Item(
            _(
                "Hvor ofte i løpet av det siste året har du ikke husket hva som hendte "
                "kvelden før, på grunn av drikking?"
            ),
            LAST_YEAR,
            FIVE_POINTS,
        ),
        Item(
            _("Har du eller noen andre blitt skadet som følge av din drikking?"),
            HARM,
            THREE_POINTS,
        ),
        Item(
            _(
                "Har en slektning, venn, lege eller annet helsepersonell vært bekymret "
                "for drikkingen din, eller foreslått at du bør redusere?"
            ),
            HARM,
            THREE_POINTS,
        ),
    ),
)

DUDIT = Instrument(
    "dudit",
    "DUDIT",
    (
        Item(_("Hvor ofte bruker du andre rusmidler enn alkohol?"), HOW_OFTEN, FIVE_POINTS),
        Item(
            _("Hvor ofte bruker du mer enn ett rusmiddel ved samme anledning?"),
            HOW_OFTEN,
            FIVE_POINTS,
        ),
        Item(
            _("Hvor mange ganger tar du rusmidler en typisk dag når du bruker rusmidler?"),
            (_("0"), _("1–2"), _("3–4"), _("5–6"), _("7 eller flere")),
            FIVE_POINTS,
        ),
        Item(_("Hvor ofte er du kraftig påvirket av rusmidler?"), LAST_YEAR, FIVE_POINTS),
        Item(
            _(
                "Hvor ofte i løpet av det siste året har lysten på rusmidler vært så sterk "
                "at du ikke har kunnet motstå den?"
            ),
            LAST_YEAR,
            FIVE_POINTS,
        ),
        Item(
            _(
                "Hvor ofte i løpet av det siste året har du ikke klart å slutte å ta "
                "rusmidler når du først har begynt?"
            ),
            LAST_YEAR,
            FIVE_POINTS,
        ),
        Item(
            _(
                "Hvor ofte i løpet av det siste året har du tatt rusmidler og så latt "
                "være å gjøre noe du skulle ha gjort?"
            ),
            LAST_YEAR,
            FIVE_POINTS,
        ),
        Item(
            _(
                "Hvor ofte i løpet av det siste året har du trengt å ta rusmidler om "
                "morgenen etter mye rusmiddelbruk dagen før?"
            ),
            LAST_YEAR,
            FIVE_POINTS,
        ),
        Item(
            _(
                "Hvor ofte i løpet av det siste året har du hatt skyldfølelse eller dårlig "
                "samvittighet fordi du har brukt rusmidler?"
            ),
            LAST_YEAR,
            FIVE_POINTS,
        ),
        Item(
            _(
                "Har du eller noen andre blitt skadet (psykisk eller fysisk) på grunn av "
                "din bruk av rusmidler?"
            ),
            HARM,
            THREE_POINTS,
        ),
        Item(
            _(
                "Har en slektning, venn, lege, sykepleier eller noen andre vært bekymret "
                "for din bruk av rusmidler, eller sagt at du burde slutte?"
            ),
            HARM,
            THREE_POINTS,
        ),
    ),
)

INSTRUMENTS = {AUDIT.code: AUDIT, DUDIT.code: DUDIT}


class ScoringError(ValueError):
    """Answers that do not fit the instrument; the message is for the user."""


def score(instrument: Instrument, answers: Sequence[object]) -> int:
    """The instrument's total from the chosen option per item (option index)."""
    if len(answers) != len(instrument.items):
        raise ScoringError(
            _("Alle %(n)s spørsmålene i %(name)s må besvares.")
            % {"n": len(instrument.items), "name": instrument.name}
        )
    total = 0
    for number, (item, answer) in enumerate(zip(instrument.items, answers, strict=True), 1):
        if isinstance(answer, bool) or not isinstance(answer, int):
            raise ScoringError(_("Svaret på spørsmål %(n)s er ikke gyldig.") % {"n": number})
        if not 0 <= answer < len(item.points):
            raise ScoringError(_("Svaret på spørsmål %(n)s er utenfor skalaen.") % {"n": number})
        total += item.points[answer]
    return total


@dataclass(frozen=True)
class Result:
    code: str
    label: "StrOrPromise"
    concern: bool


AUDIT_LOW = Result("lav", _("Lav risiko"), False)
AUDIT_HAZARDOUS = Result("risikofylt", _("Risikofylt bruk (økt risiko)"), True)
AUDIT_HARMFUL = Result("skadelig", _("Skadelig bruk (høy risiko)"), True)
AUDIT_DEPENDENCE = Result("mulig_avhengighet", _("Mulig avhengighet"), True)
AUDIT_HAZARDOUS_FROM = {"K": 6, "M": 8}
AUDIT_HARMFUL_FROM = 16
AUDIT_DEPENDENCE_FROM = 20

DUDIT_LOW = Result("ingen_tegn", _("Ingen tegn på rusrelaterte problemer"), False)
DUDIT_PROBLEMS = Result("problemer", _("Sannsynlige rusrelaterte problemer"), True)
DUDIT_DEPENDENCE = Result("avhengighet", _("Sannsynlig sterk avhengighet"), True)
DUDIT_PROBLEMS_FROM = {"K": 2, "M": 6}
DUDIT_DEPENDENCE_FROM = 25

RESULTS = {
    r.code: r
    for r in (
        AUDIT_LOW,
        AUDIT_HAZARDOUS,
        AUDIT_HARMFUL,
        AUDIT_DEPENDENCE,
        DUDIT_LOW,
        DUDIT_PROBLEMS,
        DUDIT_DEPENDENCE,
    )
}


def _check_range(instrument: Instrument, total: int) -> None:
    if not 0 <= total <= instrument.max_score:
        raise ScoringError(
            _("%(name)s-skåren må være mellom 0 og %(max)s.")
            % {"name": instrument.name, "max": instrument.max_score}
        )


def audit_result(total: int, gender: str) -> Result:
    """``gender`` is 'K' or 'M' as the national id encodes it."""
    _check_range(AUDIT, total)
    if total >= AUDIT_DEPENDENCE_FROM:
        return AUDIT_DEPENDENCE
    if total >= AUDIT_HARMFUL_FROM:
        return AUDIT_HARMFUL
    if total >= AUDIT_HAZARDOUS_FROM[gender]:
        return AUDIT_HAZARDOUS
    return AUDIT_LOW


def dudit_result(total: int, gender: str) -> Result:
    _check_range(DUDIT, total)
    if total >= DUDIT_DEPENDENCE_FROM:
        return DUDIT_DEPENDENCE
    if total >= DUDIT_PROBLEMS_FROM[gender]:
        return DUDIT_PROBLEMS
    return DUDIT_LOW


def interpret(instrument: Instrument, total: int, gender: str) -> Result:
    return (audit_result if instrument is AUDIT else dudit_result)(total, gender)


# --- Mapping and outcomes --------------------------------------------------------

DOMAINS = tuple(Domain.values)
LEVELS = tuple(Level.values)


def validate_mapping_date(mapped_on: dt.date, today: dt.date) -> "StrOrPromise | None":
    """The Norwegian error for an impossible mapping date, or None."""
    if mapped_on > today:
        return _("En kartlegging kan ikke være datert fram i tid.")
    if mapped_on.year < 2000:
        return _("Datoen er for langt tilbake i tid.")
    return None


class Change:
    BETTER = "bedre"
    SAME = "uendret"
    WORSE = "verre"
    UNKNOWN = "ukjent"

    LABELS = {
        BETTER: _("Bedre"),
        SAME: _("Uendret"),
        WORSE: _("Verre"),
        UNKNOWN: _("Kan ikke vurderes"),
    }


def change(before: int | None, after: int | None) -> str:
    """Direction of change in one domain; 'not known' at either end cannot be compared."""
    if before in (None, Level.UNKNOWN) or after in (None, Level.UNKNOWN):
        return Change.UNKNOWN
    if after < before:
        return Change.BETTER
    if after > before:
        return Change.WORSE
    return Change.SAME


@dataclass(frozen=True)
class MappingFacts:
    mapping_id: int
    mapped_on: dt.date
    levels: dict[str, int]


def before_and_after(
    mappings: Iterable[MappingFacts], start: dt.date, end: dt.date | None
) -> tuple[MappingFacts | None, MappingFacts | None]:
    """The last mapping on or before the plan started, and the last one after it
    (up to the end, if the plan has ended): what the evaluation compares."""
    ordered = sorted(mappings, key=lambda m: (m.mapped_on, m.mapping_id))
    before = [m for m in ordered if m.mapped_on <= start]
    after = [m for m in ordered if m.mapped_on > start and (end is None or m.mapped_on <= end)]
    return (before[-1] if before else None, after[-1] if after else None)


def domain_deltas(first: MappingFacts | None, last: MappingFacts | None) -> dict[str, str]:
    return {
        d: change(
            first.levels.get(d) if first else None,
            last.levels.get(d) if last else None,
        )
        for d in DOMAINS
    }


# --- Groups for statistics -------------------------------------------------------

# (key, lowest age, label); each group runs to the next group's lowest age.
AGE_GROUPS = (
    ("0-24", 0, _("Under 25 år")),
    ("25-34", 25, _("25–34 år")),
    ("35-49", 35, _("35–49 år")),
    ("50-66", 50, _("50–66 år")),
    ("67+", 67, _("67 år og eldre")),
)
GENDERS = (("K", _("Kvinner")), ("M", _("Menn")))


def age_group(age: int) -> str:
    key = AGE_GROUPS[0][0]
    for group, lowest, _label in AGE_GROUPS:
        if age >= lowest:
            key = group
    return key


# --- Rounds ----------------------------------------------------------------------


@dataclass(frozen=True)
class UnitProgress:
    unit_id: int
    mapped: int
    target: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.mapped / self.target) if self.target else None


def round_progress(
    unit_ids: Iterable[int],
    mapped: Iterable[tuple[int, int]],
    targets: dict[int, set[int]],
) -> tuple[list[UnitProgress], int]:
    """Progress per unit and persons mapped in the round, each counted once.

    ``mapped`` is (person_id, unit_id) per mapping in the round; a person mapped
    by two units counts for both units but once in the round's total.
    """
    mapped = list(mapped)
    per_unit: dict[int, set[int]] = {}
    for person_id, unit_id in mapped:
        per_unit.setdefault(unit_id, set()).add(person_id)
    rows = []
    for u in unit_ids:
        done = per_unit.get(u, set())
        rows.append(UnitProgress(u, len(done), len(set(targets.get(u, ())) | done)))
    return rows, len({person_id for person_id, _unit in mapped})
