"""The audit criteria's rules: pure functions from plain facts to a result.

Each function answers one requirement of docs/law.md for one person,
case, unit or unit pair: *met*, *not met* or *not applicable*, with the
evidence in Norwegian. Where an app already owns the rule (plans.rules,
intake.rules, cooperation.rules), the function here only asks it, so the audit
and the app that enforces the rule can never disagree.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from helhet.audit.results import Result
from helhet.cooperation import rules as cooperation_rules
from helhet.core.legal import AppealRoute
from helhet.intake import rules as intake_rules
from helhet.plans import rules as plan_rules

# Who needs an IP is decided by the municipality's assessment of the need for
# long-term and coordinated services (hol. § 7-1, pbrl. § 2-5). The law sets no
# number of days or providers; for persons not yet assessed the criteria use a
# stated proxy: a service that has lasted this long ...
LONG_TERM_DAYS = 90
# ... and services from at least this many providers at once, the municipality's
# units and those outside it (GP, DPS, TSB, NAV ...) alike.
COORDINATED_UNITS = 2
# A decision letter may take a few days to send; a start a few days to confirm.
LETTER_GRACE_DAYS = intake_rules.WARNING_DAYS
START_GRACE_DAYS = intake_rules.WARNING_DAYS
# A mapping older than a year no longer describes the person's needs.
MAPPING_VALID_DAYS = 365
# A somatic check, and word to the GP, at least once a year (supervision:
# somatic health "kartlagt og fulgt opp"; the national ROP guideline's yearly check).
SOMATIC_VALID_DAYS = 365


@dataclass(frozen=True)
class Verdict:
    result: Result
    evidence: str


def met(evidence: str) -> Verdict:
    return Verdict(Result.MET, evidence)


def not_met(evidence: str) -> Verdict:
    return Verdict(Result.NOT_MET, evidence)


def not_applicable(evidence: str) -> Verdict:
    return Verdict(Result.NOT_APPLICABLE, evidence)


def no_data(what: str) -> Verdict:
    """A criterion whose data no module holds yet: never a guessed result."""
    return not_applicable(_("Ingen data: %(what)s") % {"what": what})


def _date(day: dt.date | None) -> str:
    return day.strftime("%d.%m.%Y") if day else "–"


# --- who needs an individual plan and a coordinator ---------------------------


@dataclass(frozen=True)
class ServiceSpan:
    """One service in time. ``unit_id`` names the provider: a municipal unit's
    id, or ("ekstern", id) for a service outside the municipality's units."""

    unit_id: int | tuple[str, int]
    valid_from: dt.date
    valid_to: dt.date | None


def _active(span: ServiceSpan, day: dt.date) -> bool:
    return span.valid_from <= day and (span.valid_to is None or span.valid_to >= day)


def coordinated_units(spans: Iterable[ServiceSpan], day: dt.date) -> set[int | tuple[str, int]]:
    """The proxy for persons not yet assessed: providers serving the person on
    ``day`` if two or more serve at once and one has done so for at least three
    months. Empty when the proxy sees no such need."""
    active = [s for s in spans if _active(s, day)]
    units = {s.unit_id for s in active}
    long_term = any((day - s.valid_from).days >= LONG_TERM_DAYS for s in active)
    return units if len(units) >= COORDINATED_UNITS and long_term else set()


@dataclass(frozen=True)
class Need:
    """Whether a person needs long-term and coordinated services, and how we know:
    ``assessed_on`` is the day of the municipality's assessment, None for the proxy."""

    needs: bool
    assessed_on: dt.date | None = None
    providers: int = 0

    @property
    def assessed(self) -> bool:
        return self.assessed_on is not None


def need_for(
    assessment: tuple[bool, dt.date] | None, spans: Iterable[ServiceSpan], day: dt.date
) -> Need:
    """The latest assessment decides; only a person never assessed is judged by the proxy."""
    if assessment is not None:
        needs, assessed_on = assessment
        return Need(bool(needs), assessed_on)
    providers = coordinated_units(spans, day)
    return Need(bool(providers), None, len(providers))


def _how(need: Need) -> str:
    if need.assessed:
        return _("behovet vurdert %(d)s") % {"d": _date(need.assessed_on)}
    return _("ikke vurdert; anslått ut fra tjenester fra %(n)s tjenesteytere over tid") % {
        "n": need.providers
    }


def _no_need(need: Need) -> Verdict:
    if need.assessed:
        return not_applicable(
            _("Vurdert %(d)s: har ikke behov for langvarige og koordinerte tjenester.")
            % {"d": _date(need.assessed_on)}
        )
    return not_applicable(
        _("Ikke vurdert; anslaget finner ikke langvarige tjenester fra flere tjenesteytere.")
    )


def ip_offered(need: Need, offered_on: dt.date | None) -> Verdict:
    """hol. § 7-1, pbrl. § 2-5: a person with a need for long-term and
    coordinated services is offered an individual plan."""
    if not need.needs:
        return _no_need(need)
    if offered_on is not None:
        return met(_("IP tilbudt %(d)s (%(how)s).") % {"d": _date(offered_on), "how": _how(need)})
    if need.assessed:
        return not_met(
            _(
                "Vurdert %(d)s å ha behov for langvarige og koordinerte tjenester, men ingen IP er tilbudt."
            )
            % {"d": _date(need.assessed_on)}
        )
    return not_met(
        _("Ikke vurdert; tjenester fra %(n)s tjenesteytere over tid, men ingen IP er tilbudt.")
        % {"n": need.providers}
    )


def coordinator_offered(need: Need, plan_status: str | None, offered_on: dt.date | None) -> Verdict:
    """hol. § 7-2: a coordinator is offered to everyone with the need, also
    those who decline an IP (a coordinator without IP is a valid state)."""
    if not need.needs and plan_status is None:
        return _no_need(need)
    if offered_on is not None:
        return met(_("Koordinator tilbudt %(d)s.") % {"d": _date(offered_on)})
    if plan_status == "avslatt":
        return not_met(_("Personen takket nei til IP, men er ikke tilbudt koordinator."))
    return not_met(_("Ingen koordinator er tilbudt (%(how)s).") % {"how": _how(need)})


# --- the individual plan (forskrift § 19) --------------------------------------


def plan_complete(status: str, facts: plan_rules.PlanFacts | None) -> Verdict:
    """forskrift § 19 a–i for active plans, decided by plans.rules.missing_items."""
    if status != "aktiv" or facts is None:
        return not_applicable(_("Planen er ikke aktiv."))
    missing = plan_rules.missing_items(facts)
    if not missing:
        return met(_("Alle punktene § 19 a–i er fylt ut."))
    return not_met(
        _("Mangler § 19 %(letters)s: %(labels)s.")
        % {
            "letters": ", ".join(letter for letter, _label in missing),
            "labels": "; ".join(label for _letter, label in missing),
        }
    )


def revision_not_passed(status: str, revision_due: dt.date | None, today: dt.date) -> Verdict:
    """The revision day the plan states (forskrift § 19 g) is kept. A plan that
    states no day lacks § 19 g and is counted there («Aktive planer inneholder
    § 19 a–i»), not here as well: one gap, one breach."""
    if status != "aktiv":
        return not_applicable(_("Planen er ikke aktiv."))
    if revision_due is None:
        return not_applicable(
            _("Planen har ingen revisjonsdato; det telles som mangel ved § 19 g.")
        )
    if plan_rules.revision_overdue(revision_due, today):
        return not_met(_("Revisjonsdatoen %(d)s er passert.") % {"d": _date(revision_due)})
    return met(_("Neste revisjon %(d)s.") % {"d": _date(revision_due)})


def participants_consented(
    status: str, facts: plan_rules.PlanFacts | None, names: dict[tuple[str, int], str]
) -> Verdict:
    """forskrift § 19 h: a valid consent covers every participating unit and
    partner (plans.rules.consent_covers decides); relatives need none."""
    if status != "aktiv" or facts is None:
        return not_applicable(_("Planen er ikke aktiv."))
    parties = [p for p in facts.participants if p.unit_id or p.partner_id]
    if not parties:
        return not_applicable(_("Ingen enheter eller eksterne parter deltar i planen."))
    uncovered = [
        names.get(("u", p.unit_id)) if p.unit_id else names.get(("p", p.partner_id or 0))
        for p in parties
        if plan_rules.consent_covers(
            p.unit_id, p.partner_id, facts.consented_units, facts.consented_partners
        )
        is False
    ]
    if uncovered:
        return not_met(
            _("Samtykket dekker ikke: %(parties)s.")
            % {"parties": ", ".join(sorted({n or "?" for n in uncovered}))}
        )
    return met(_("Samtykket dekker alle %(n)s deltakende parter.") % {"n": len(parties)})


# --- coordinators ----------------------------------------------------------------


def coordinator_named_in_time(
    assigned_on: dt.date | None,
    named_on: dt.date | None,
    today: dt.date,
    days: int | None = None,
    routine: str = "",
) -> Verdict:
    """hol. §§ 7-2 and 7-3 set no number of days: the deadline is the
    municipality's own routine (``days`` and its name ``routine``), cited as
    that routine. Without one the criterion judges no deadline and says so."""
    if assigned_on is None:
        return not_applicable(_("Ansvaret er ikke tildelt en enhet ennå."))
    if days is None:
        return not_applicable(
            _(
                "Kommunen har ikke satt en egen frist for å oppnevne koordinator; loven "
                "setter ingen frist i dager, så kriteriet bruker ingen."
            )
        )
    state = intake_rules.naming_state(assigned_on, named_on, today, days=days)
    deadline = intake_rules.naming_deadline(assigned_on, days)
    where = {"d": _date(named_on), "f": _date(deadline), "r": routine}
    if state == intake_rules.State.DONE:
        return met(_("Oppnevnt %(d)s, innen fristen etter %(r)s.") % where)
    if state == intake_rules.State.LATE:
        return not_met(_("Oppnevnt %(d)s, etter fristen %(f)s etter %(r)s.") % where)
    if state == intake_rules.State.ESCALATED:
        return not_met(_("Ikke oppnevnt; fristen %(f)s etter %(r)s er ute.") % where)
    if state == intake_rules.State.DUE:
        return not_applicable(_("Fristen %(f)s er ikke ute ennå.") % {"f": _date(deadline)})
    return not_applicable(_("Ansvaret er ikke tildelt en enhet ennå."))


def coordinator_trained(coordinates: int, trained_on: dt.date | None) -> Verdict:
    """forskrift § 6: KE trains the coordinators."""
    if not coordinates:
        return not_applicable(_("Er ikke koordinator nå."))
    if trained_on is None:
        return not_met(
            _("Koordinator for %(n)s personer uten registrert opplæring.") % {"n": coordinates}
        )
    return met(_("Opplæring %(d)s.") % {"d": _date(trained_on)})


# --- intake and decisions -------------------------------------------------------


def preliminary_answer(
    received_on: dt.date, decided_on: dt.date | None, sent_on: dt.date | None, today: dt.date
) -> Verdict:
    """fvl § 11a: not answered within one month → a preliminary answer."""
    state = intake_rules.preliminary_answer_state(received_on, today, decided_on, sent_on)
    deadline = _date(intake_rules.preliminary_answer_deadline(received_on))
    if state == intake_rules.State.DONE:
        return met(_("Foreløpig svar sendt %(d)s.") % {"d": _date(sent_on)})
    if state == intake_rules.State.NOT_APPLICABLE:
        return not_applicable(_("Avgjort innen en måned."))
    if state in (intake_rules.State.PENDING, intake_rules.State.DUE):
        return not_applicable(_("Fristen %(f)s er ikke ute ennå.") % {"f": deadline})
    if sent_on is not None:
        return not_met(
            _("Foreløpig svar sendt %(d)s, etter fristen %(f)s.")
            % {"d": _date(sent_on), "f": deadline}
        )
    return not_met(_("Ikke avgjort innen %(f)s og ikke sendt foreløpig svar.") % {"f": deadline})


def decision_reasons_and_appeal(
    granted: bool,
    reasons: str,
    decided_on: dt.date,
    letter_sent_on: dt.date | None,
    today: dt.date,
    route: AppealRoute | None = None,
) -> Verdict:
    """fvl §§ 24–25: reasons (may be left out only for a grant in full);
    fvl § 27: the decision letter, which carries the appeal information — the
    deadline of the decision's type from the table in core/legal.py (pbrl.
    § 7-5 or fvl. § 29), which the letter prints from the same table."""
    if not granted and not reasons.strip():
        return not_met(_("Avslaget er ikke begrunnet."))
    if letter_sent_on is None:
        if (today - decided_on).days <= LETTER_GRACE_DAYS:
            return not_applicable(_("Vedtaksbrevet er ikke sendt ennå (under en uke)."))
        return not_met(_("Vedtaksbrev med klageopplysninger er ikke sendt."))
    if route is None:
        return met(
            _("Vedtaksbrev med begrunnelse og klageopplysninger sendt %(d)s.")
            % {"d": _date(letter_sent_on)}
        )
    return met(
        _(
            "Vedtaksbrev med begrunnelse og klageopplysninger sendt %(d)s "
            "(klagefrist %(weeks)s uker, %(law)s)."
        )
        % {"d": _date(letter_sent_on), "weeks": route.weeks, "law": route.appeal_law}
    )


# Decisions on an individual plan or a coordinator (hol. §§ 7-1–7-2) are
# followed up through the coordinator responsibility, not started by a
# providing unit; only grants of a service are "started".
NOT_STARTED_BY_A_PROVIDER = frozenset({"ip_koordinator"})


def decision_started(
    granted: bool,
    period_from: dt.date | None,
    started_on: dt.date | None,
    today: dt.date,
    kind: str = "",
) -> Verdict:
    """A granted service is followed by the providing unit confirming the start
    (hol. §§ 3-1 and 4-1: the service is given as decided). ``kind`` is the
    application's kind: a coordinator/IP decision has no providing unit to start
    it and is judged by «Koordinator oppnevnt» instead."""
    if kind in NOT_STARTED_BY_A_PROVIDER:
        return not_applicable(
            _(
                "Vedtak om individuell plan eller koordinator settes ikke i gang av en "
                "utførende enhet; det følges opp gjennom koordinatoransvaret."
            )
        )
    if not granted:
        return not_applicable(_("Avslag."))
    if started_on is not None:
        return met(_("Tjenesten startet %(d)s.") % {"d": _date(started_on)})
    if period_from is None or (today - period_from).days <= START_GRACE_DAYS:
        return not_applicable(_("Tjenesten skal ikke ha startet ennå."))
    return not_met(
        _("Innvilget fra %(d)s, men utførende enhet har ikke bekreftet oppstart.")
        % {"d": _date(period_from)}
    )


LOW_THRESHOLD = "lavterskel"


def service_on_decision(
    type_name: str | None,
    needs_decision: bool | None,
    basis: str,
    valid_from: dt.date,
    valid_to: dt.date | None,
) -> Verdict:
    """pbrl. § 2-7 with hol. § 3-2 first paragraph no. 6, §§ 3-6 and 3-8: the
    health and care services listed there rest on an individual decision when
    expected to last more than two weeks. The service's type says whether it is
    one of them; a low-threshold offer or a NAV service never is. A service
    without a type (imported without one) is judged as one, unless recorded as
    a low-threshold offer — so no breach is hidden by a missing type."""
    if needs_decision is None:
        if basis == LOW_THRESHOLD:
            return not_applicable(_("Lavterskeltilbud: gis uten vedtak."))
    elif not needs_decision:
        return not_applicable(
            _("%(type)s: ikke en tjeneste som krever enkeltvedtak etter pbrl. § 2-7.")
            % {"type": type_name}
        )
    check = intake_rules.service_decision_check(basis, valid_from, valid_to)
    if check.result == Result.NOT_APPLICABLE:
        return not_applicable(_("Tjenesten varer ikke mer enn to uker."))
    if check.result == Result.MET:
        return met(_("Tjenesten bygger på enkeltvedtak."))
    return not_met(check.message)


# --- NAV (sosialtjenesteloven) ---------------------------------------------------

FINANCIAL = "okonomisk"


def nav_rule(
    rule: Callable[[intake_rules.NavFacts], intake_rules.Check],
    kind: str,
    facts: intake_rules.NavFacts,
) -> Verdict:
    """One of intake.rules.NAV_RULES, for decisions on financial assistance."""
    if kind != FINANCIAL:
        return not_applicable(_("Søknaden gjelder ikke økonomisk stønad."))
    check = rule(facts)
    if check.result == Result.NOT_APPLICABLE:
        return not_applicable(_("Regelen gjelder ikke denne saken."))
    if check.result == Result.MET:
        return met(_("Dokumentert i saken."))
    return not_met(check.message)


def nav_child(facts: intake_rules.NavFacts, kind: str) -> Verdict:
    """A 17-year-old is heard and the child's best interests are weighed."""
    heard = nav_rule(intake_rules.child_heard, kind, facts)
    if heard.result != Result.MET:
        return heard
    return nav_rule(intake_rules.child_best_interests, kind, facts)


# --- cooperation -----------------------------------------------------------------


def routine_between(shared_persons: int, covered: bool) -> Verdict:
    """hol. § 3-4 first paragraph (the municipality arranges cooperation between
    its own services) and forskrift om ledelse og kvalitetsforbedring § 6 (a:
    who does what is described; e: the routines needed): units that share
    persons have a written routine."""
    if not shared_persons:
        return not_applicable(_("Enhetene har ingen felles personer nå."))
    if covered:
        return met(_("Samarbeidsrutine finnes (%(n)s felles personer).") % {"n": shared_persons})
    return not_met(_("%(n)s felles personer, ingen samarbeidsrutine.") % {"n": shared_persons})


def directory_verified(last_verified: dt.date | None, today: dt.date) -> Verdict:
    """Contact information visible and current — verified within 12 months."""
    if last_verified is None:
        return not_applicable(_("Ingen oppføring i tjenesteoversikten."))
    if cooperation_rules.is_stale(last_verified, today):
        return not_met(
            _("Sist bekreftet %(d)s, mer enn 12 måneder siden.") % {"d": _date(last_verified)}
        )
    return met(_("Sist bekreftet %(d)s.") % {"d": _date(last_verified)})


def group_meetings(
    held: list[dt.date],
    without_minutes: int,
    since: dt.date,
    until: dt.date,
    frequency_weeks: int,
) -> Verdict:
    """The responsibility group meets as agreed and every meeting has minutes
    (cooperation.rules.missed_meetings decides what was missed)."""
    if since > until:
        return not_applicable(_("Gruppen fantes ikke i perioden."))
    missed = cooperation_rules.missed_meetings(held, since, until, frequency_weeks)
    if not held and not missed:
        return not_applicable(_("Ingen møter var forfalt i perioden."))
    problems = []
    if missed:
        problems.append(_("%(n)s avtalte møter ble ikke holdt") % {"n": missed})
    if without_minutes:
        problems.append(_("%(n)s møter mangler referat") % {"n": without_minutes})
    if problems:
        return not_met("; ".join(problems) + ".")
    return met(_("%(n)s møter holdt, alle med referat.") % {"n": len(held)})


# --- internal control and mapping ---------------------------------------------------


def deviation_in_time(deadline: dt.date, closed_on: dt.date | None, today: dt.date) -> Verdict:
    """Internal control: a deviation is handled and closed by its deadline."""
    if closed_on is not None:
        if closed_on <= deadline:
            return met(_("Lukket %(d)s, innen fristen.") % {"d": _date(closed_on)})
        return not_met(
            _("Lukket %(d)s, etter fristen %(f)s.") % {"d": _date(closed_on), "f": _date(deadline)}
        )
    if today > deadline:
        return not_met(_("Åpen, fristen %(f)s er ute.") % {"f": _date(deadline)})
    return not_applicable(_("Åpen, fristen %(f)s er ikke ute ennå.") % {"f": _date(deadline)})


def mapping_done(
    needs_mapping: bool, last_mapped_on: dt.date | None, today: dt.date, why: str = ""
) -> Verdict:
    """Needs are mapped, and the mapping is at most a year old, for everyone
    with an active plan (§ 19 a: needs) or assessed as needing long-term
    services (hol. §§ 3-2, 4-1; as audits found). ``why`` says which."""
    if not needs_mapping:
        return not_applicable(
            _("Har ingen aktiv plan og er ikke vurdert å ha behov for langvarige tjenester.")
        )
    if last_mapped_on is None:
        if why:
            return not_met(_("Ingen kartlegging registrert (%(why)s).") % {"why": why})
        return not_met(_("Ingen kartlegging registrert."))
    if (today - last_mapped_on).days > MAPPING_VALID_DAYS:
        return not_met(
            _("Siste kartlegging %(d)s er mer enn ett år gammel.") % {"d": _date(last_mapped_on)}
        )
    return met(_("Kartlagt %(d)s.") % {"d": _date(last_mapped_on)})


# Levels of the needs mapping (mapping.models.Level): 2 moderate, 3 serious.
ROP_LEVEL = 2


def is_rop(levels: dict[str, int]) -> bool:
    """Mental illness and substance problems at once (ROP): the latest mapping
    scores both «rus» and «psykisk» at least moderate."""
    return levels.get("rus", 0) >= ROP_LEVEL and levels.get("psykisk", 0) >= ROP_LEVEL


def crisis_plan(risk_shown_by: str, has_crisis_plan: bool, missing: tuple[str, ...]) -> Verdict:
    """hol. § 4-1 with the national ROP guideline: a person whose IP or needs
    mapping shows a risk of crisis has a crisis plan with warning signs, what
    helps, and whom to contact day and night, with a phone number («praktisk og
    konkret, med navngitte tjenesteytere og telefonnummer»). ``risk_shown_by``
    names where the risk was recorded ("" when nowhere); ``missing`` what the
    crisis plan lacks (``plans.rules.crisis_plan_missing``)."""
    if not risk_shown_by:
        return not_applicable(_("Verken planen eller kartleggingen viser risiko for krise."))
    if not has_crisis_plan:
        return not_met(
            _("%(where)s viser risiko for krise, men personen har ingen kriseplan.")
            % {"where": risk_shown_by}
        )
    if missing:
        return not_met(_("Kriseplanen mangler %(what)s.") % {"what": ", ".join(missing)})
    return met(_("Kriseplan med varselsignaler, tiltak og kontakter dag og natt finnes."))


def somatic_followed(
    rop: bool,
    last_check: dt.date | None,
    check_by_gp: bool,
    gp_informed: dt.date | None,
    today: dt.date,
) -> Verdict:
    """hol. § 4-1 (supervision: somatic health mapped and followed up, and the
    GP told of health help given): a person with both mental illness and
    substance problems has had somatic health checked within a year, and the
    GP has been informed of it (a check the GP did counts as informed)."""
    if not rop:
        return not_applicable(_("Kartleggingen viser ikke både psykiske lidelser og rusproblemer."))
    if last_check is None or (today - last_check).days > SOMATIC_VALID_DAYS:
        return not_met(
            _("Somatisk helse er ikke undersøkt siste 12 måneder (sist: %(d)s).")
            % {"d": _date(last_check)}
        )
    if check_by_gp:
        return met(_("Somatisk helse undersøkt av fastlegen %(d)s.") % {"d": _date(last_check)})
    if gp_informed is None or gp_informed < last_check:
        return not_met(
            _("Somatisk helse undersøkt %(d)s, men fastlegen er ikke informert.")
            % {"d": _date(last_check)}
        )
    return met(
        _("Somatisk helse undersøkt %(d)s; fastlegen informert %(g)s.")
        % {"d": _date(last_check), "g": _date(gp_informed)}
    )


def cooperation_agreement(
    agreement_exists: bool,
    missing_topics: list[str],
    overdue: list[str],
) -> Verdict:
    """hol. § 6-1: the municipality has a cooperation agreement with the health
    trust; § 6-2: it covers at least the topics listed there (here as
    sub-agreements); each is kept up to date (revision date not passed)."""
    if not agreement_exists:
        # Nothing registered is no data, not a finding: the register may simply
        # not be in use yet (never a guessed result).
        return no_data(_("ingen samarbeidsavtale med helseforetaket er registrert"))
    problems = []
    if missing_topics:
        problems.append(_("mangler delavtale om: %(t)s") % {"t": "; ".join(missing_topics)})
    if overdue:
        problems.append(_("revisjonsdatoen er passert for: %(t)s") % {"t": "; ".join(overdue)})
    if problems:
        return not_met(_("Samarbeidsavtalen %(p)s.") % {"p": ", ".join(problems)})
    return met(_("Samarbeidsavtale og alle påkrevde delavtaler finnes, ingen er på overtid."))


def rate(met_count: int, not_met_count: int) -> float | None:
    """Share met of those where the criterion applies; None when none apply."""
    applicable = met_count + not_met_count
    return round(met_count / applicable, 3) if applicable else None


# --- Housing (docs/housing.md) ---------------------------------------------------


def allocation_criteria_exist(kind_label: str, version_number: int | None) -> Verdict:
    """docs/housing.md: dwellings allocated without written criteria. A type of
    dwelling the municipality allocates needs approved written criteria."""
    if version_number is None:
        return not_met(
            _("Ingen godkjente skriftlige tildelingskriterier for %(k)s.") % {"k": kind_label}
        )
    return met(
        _("Skriftlige tildelingskriterier for %(k)s, versjon %(n)d.")
        % {"k": kind_label, "n": version_number}
    )


def allocation_decision(
    *,
    granted: bool,
    reasons: str,
    decided_on: dt.date,
    criteria_approved_on: dt.date,
    criteria_number: int,
    appeal_body: str,
    appeal_weeks: int,
    route: AppealRoute,
) -> Verdict:
    """A decision on a municipal dwelling cites the criteria it applied (which
    must have been approved by then), gives reasons (fvl. §§ 24–25) and the
    right appeal information (fvl. § 27; §§ 28–29: the appeals board, three
    weeks — from the one table in core/legal.py)."""
    if not granted and not reasons.strip():
        return not_met(_("Avslaget er ikke begrunnet."))
    if criteria_approved_on > decided_on:
        return not_met(
            _("Vedtaket bygger på kriterier som ble godkjent %(a)s, etter vedtaket %(d)s.")
            % {"a": _date(criteria_approved_on), "d": _date(decided_on)}
        )
    if appeal_weeks != route.weeks or appeal_body != str(route.appeal_body):
        return not_met(
            _("Vedtaket oppgir feil klageinstans eller klagefrist (riktig: %(body)s, %(w)d uker).")
            % {"body": route.appeal_body, "w": route.weeks}
        )
    return met(
        _("Begrunnet, bygger på kriteriene versjon %(n)d, klage til %(body)s innen %(w)d uker.")
        % {"n": criteria_number, "body": route.appeal_body, "w": route.weeks}
    )


def emergency_stay(
    *,
    days: int,
    over_limit: bool,
    limit_days: int | None,
    routine_name: str,
    place_label: str,
    follow_up_missing: bool,
) -> Verdict:
    """sotjl. § 27 is a duty to find a *temporary* place; the municipality's own
    routine (data, not law) says how long is too long. Past that limit the stay
    must be followed up toward a permanent home (boligsosialloven § 6)."""
    if limit_days is None:
        return not_applicable(
            _("Kommunen har ikke satt egen grense for varighet (%(d)d dager, %(p)s).")
            % {"d": days, "p": place_label}
        )
    if not over_limit:
        return met(
            _("%(d)d dager i %(p)s, innenfor «%(r)s» (%(l)d dager).")
            % {"d": days, "p": place_label, "r": routine_name, "l": limit_days}
        )
    if follow_up_missing:
        return not_met(
            _(
                "%(d)d dager i %(p)s, over «%(r)s» (%(l)d dager), uten oppfølging mot varig "
                "bolig eller søknad om bolig."
            )
            % {"d": days, "p": place_label, "r": routine_name, "l": limit_days}
        )
    return met(
        _("%(d)d dager i %(p)s, over «%(r)s» (%(l)d dager), men fulgt opp mot varig bolig.")
        % {"d": days, "p": place_label, "r": routine_name, "l": limit_days}
    )


def written_decision(
    *, reasons: str, appeal_body: str, appeal_weeks: int, route: AppealRoute
) -> Verdict:
    """A decision that refuses or reduces is written with reasons (fvl. §§ 24–25)
    and the right appeal information (fvl. § 27 third paragraph) — the body
    and deadline of its decision type in the one table in core/legal.py. Used
    for refusals of temporary housing (sotjl. § 27) and decisions when an
    activity condition is not met (sotjl. § 20 a)."""
    if not reasons.strip():
        return not_met(_("Vedtaket er ikke begrunnet."))
    if appeal_weeks != route.weeks or appeal_body != str(route.appeal_body):
        return not_met(
            _("Vedtaket oppgir feil klageinstans eller klagefrist (riktig: %(body)s, %(w)d uker).")
            % {"body": route.appeal_body, "w": route.weeks}
        )
    return met(
        _("Begrunnet, klage til %(body)s innen %(w)d uker.")
        % {"body": route.appeal_body, "w": route.weeks}
    )


def housing_need_followed(since: dt.date | None, followed: bool) -> Verdict:
    """Forskrift § 19 a (needs and services in the plan) with boligsosialloven
    § 6: a housing need recorded for a person with an active plan leads to an
    application for a dwelling (or emergency housing)."""
    where = _("kartlagt %(d)s") % {"d": _date(since)} if since else _("mål i planen om bolig")
    if followed:
        return met(_("Boligbehov (%(w)s) er fulgt opp med søknad om bolig.") % {"w": where})
    return not_met(_("Boligbehov (%(w)s) uten søknad om bolig.") % {"w": where})


def activity_condition_followed(
    *, next_due: dt.date | None, done: int, today: dt.date, view_recorded: bool
) -> Verdict:
    """sotjl. § 20 a: a condition set is followed up — evaluated on the dates
    NAV set — and the young person's own view is recorded (audits found
    conditions set without follow-up)."""
    if next_due is None and done == 0:
        return not_met(_("Ingen dato for evaluering av vilkåret."))
    if next_due is not None and next_due < today:
        return not_met(_("Evalueringen %(d)s er ikke gjort.") % {"d": _date(next_due)})
    if not view_recorded:
        return not_met(_("Den unges eget syn på vilkåret er ikke registrert."))
    return met(
        _("Fulgt opp: %(n)d evalueringer gjort, neste %(d)s.") % {"n": done, "d": _date(next_due)}
    )


def aftercare_in_place(
    discharge_on: dt.date,
    cancelled: bool,
    plan_made_on: dt.date | None,
    housing_ready_on: dt.date | None,
    follow_up_ready_on: dt.date | None,
    as_of: dt.date,
) -> Verdict:
    """hol. § 6-2 nr. 5 and the forskrift on patients ready for discharge, with
    the national ROP guideline: when the person is discharged from the
    specialist services or released from prison, an aftercare plan made no later
    than that day has housing ready and follow-up agreed from that day. Asks
    ``around.rules.aftercare_gaps``, the rule the alerts use."""
    from helhet.around import rules as around_rules

    if cancelled:
        return not_applicable(_("Utskrivningen ble avlyst."))
    if discharge_on > as_of:
        return not_applicable(
            _("Utskrivningsdagen %(d)s er ikke kommet ennå.") % {"d": _date(discharge_on)}
        )
    gaps = around_rules.aftercare_gaps(
        discharge_on, plan_made_on, housing_ready_on, follow_up_ready_on
    )
    if gaps:
        return not_met(
            _("Utskrevet %(d)s uten: %(gaps)s.")
            % {"d": _date(discharge_on), "gaps": ", ".join(gaps)}
        )
    return met(
        _("Ettervernsplan laget %(m)s; bolig og oppfølging på plass %(d)s.")
        % {"m": _date(plan_made_on), "d": _date(discharge_on)}
    )


def gp_informed_of_plan(
    has_gp: bool,
    plan_since: dt.date,
    plan_changed: dt.date | None,
    last_message_on: dt.date | None,
) -> Verdict:
    """hol. § 4-1 and the supervisory authority: the GP of a person with an active
    individual plan is told of the plan, and of each change of it. Asks
    ``around.rules.gp_told_of_plan``, the rule the person page uses."""
    from helhet.around import rules as around_rules

    if not has_gp:
        return not_applicable(_("Ingen fastlege er registrert for personen."))
    told, why = around_rules.gp_told_of_plan(plan_since, plan_changed, last_message_on)
    return met(why) if told else not_met(why)


def children_as_relatives(
    is_patient: bool,
    has_minor_children: bool | None,
    children_assessed: list[bool],
) -> Verdict:
    """hpl. § 10 a: for a patient with mental illness, substance dependence or
    serious somatic illness or injury, it is clarified whether the patient has
    minor children, and their need for information and follow-up is assessed and
    documented. Asks ``around.rules.children_followed``, the page's rule."""
    from helhet.around import rules as around_rules

    if not is_patient and not children_assessed:
        return not_applicable(_("Kartleggingen viser verken psykiske lidelser eller rusproblemer."))
    done, why = around_rules.children_followed(has_minor_children, children_assessed)
    return met(why) if done else not_met(why)


def relatives_own_needs(needs: list[tuple[dt.date, dt.date | None]], as_of: dt.date) -> Verdict:
    """pbrl. § 3-3, hol. § 3-6 and the national guideline for relatives: a
    relative of a person with an active individual plan has their own needs
    mapped and followed up. Asks ``around.rules.relative_needs_followed``, the
    rule the person page uses."""
    from helhet.around import rules as around_rules

    done, why = around_rules.relative_needs_followed(needs, as_of)
    return met(why) if done else not_met(why)


def user_involvement(
    bodies: int,
    consultations: int,
    with_outcome: int,
    surveys: int,
) -> Verdict:
    """hol. § 3-10: the municipality has systems for gathering users' experience
    and views, and users' representatives are heard when services are shaped
    (supervision: shown, not asserted). Nothing registered is no data,
    not a breach: the register may simply not be in use."""
    if not (bodies or consultations or surveys):
        return no_data(_("ingen brukerorganer, medvirkning eller brukerundersøkelser registrert"))
    if not consultations:
        return not_met(
            _("Ingen registrert medvirkning fra brukerorganer i perioden (%(s)d undersøkelser).")
            % {"s": surveys}
        )
    return met(
        _("%(c)d ganger hørt i perioden, %(o)d med registrert resultat; %(s)d brukerundersøkelser.")
        % {"c": consultations, "o": with_outcome, "s": surveys}
    )


def staff_competence(requirements: int, valid: int, total: int, missing: list[str]) -> Verdict:
    """Forskrift om ledelse og kvalitetsforbedring § 6 d (overview of the staff's
    competence and training needs) and § 7 b (the staff have the knowledge and
    competence needed): the unit's competence plan, and every staff member it
    applies to holding each required training, not expired. A unit without a
    plan registered is no data, not a breach."""
    if not requirements:
        return no_data(_("ingen kompetanseplan registrert for enheten"))
    if valid < total:
        return not_met(
            _("%(v)d av %(t)d påkrevde opplæringer er gyldige. Mangler: %(m)s.")
            % {"v": valid, "t": total, "m": ", ".join(missing[:5])}
        )
    return met(_("Alle %(t)d påkrevde opplæringer er gyldige.") % {"t": total})


def staff_safety(
    has_assessment: bool, review_due: dt.date | None, has_measures: bool, as_of: dt.date
) -> Verdict:
    """arbeidsmiljøloven § 3-1 second paragraph c and § 4-3 fourth paragraph,
    forskrift om utførelse av arbeid chapter 23 A: a unit whose staff make home
    visits or meet a known risk of violence has a risk assessment with measures,
    kept under review."""
    from helhet.workforce import rules as workforce_rules

    done, why = workforce_rules.safety_assessed(has_assessment, review_due, has_measures, as_of)
    return met(why) if done else not_met(why)
