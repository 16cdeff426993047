"""Every legal reference Helhet cites, in one table.

The law moves (the welfare acts' shared cooperation provisions from 1 August
2022, docs/plan.md); a new wording should be one change here, not a search
through templates. Code refers to the keys, the UI shows the text.

Only law lives here. A municipality's own routines (local deadlines such as
naming a coordinator within N days) are data per municipality
(``coordination.models.LocalRoutine``) and are never cited as law.
"""

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

REFERENCES = {
    "ip_right": "helse- og omsorgstjenesteloven § 7-1; pasient- og brukerrettighetsloven § 2-5",
    "coordinator": "helse- og omsorgstjenesteloven § 7-2; forskrift om habilitering mv. § 21",
    "coordinating_unit": "helse- og omsorgstjenesteloven § 7-3; forskrift om habilitering mv. § 6",
    "ip_content": "forskrift om habilitering og rehabilitering, individuell plan og koordinator § 19",
    "confidentiality": "helsepersonelloven §§ 21–22; forvaltningsloven §§ 13–13a; "
    "sosialtjenesteloven § 44",
    "access_log": "pasientjournalloven §§ 16–18; helsepersonelloven § 21a",
    "special_category": "personvernforordningen (GDPR) art. 9",
    # Intake and case handling.
    "preliminary_answer": "forvaltningsloven § 11a tredje ledd",
    "investigation": "forvaltningsloven § 17",
    "reasons": "forvaltningsloven §§ 24–25",
    "appeal": "forvaltningsloven §§ 27–29",
    "child_heard": "barnekonvensjonen art. 12; Grunnloven § 104",
    "child_best_interests": "barnekonvensjonen art. 3; Grunnloven § 104",
    # Audit criteria (docs/law.md).
    "coordinator_training": "forskrift om habilitering mv. § 6 (koordinerende enhets ansvar "
    "for opplæring og veiledning av koordinatorer)",
    # The law sets no number of days; a local deadline comes from the
    # municipality's own routine (coordination.models.LocalRoutine).
    "coordinator_naming": "helse- og omsorgstjenesteloven §§ 7-2 og 7-3",
    "ip_revision": "forskrift om habilitering og rehabilitering, individuell plan og "
    "koordinator § 19 g (planen angir når den skal justeres/revideres)",
    "decision_reasons": "forvaltningsloven §§ 24–25 og 27 (begrunnelse og klageopplysninger); "
    "klagefrist etter pasient- og brukerrettighetsloven § 7-5 eller forvaltningsloven § 29",
    "decision_required": "pasient- og brukerrettighetsloven § 2-7; helse- og "
    "omsorgstjenesteloven § 3-2 første ledd nr. 6, §§ 3-6 og 3-8 (tjenester som forventes å "
    "vare lenger enn to uker)",
    "decision_started": "helse- og omsorgstjenesteloven §§ 3-1 og 4-1 (tjenesten skal ytes "
    "slik vedtaket sier)",
    "nav_guidance": "sosialtjenesteloven § 17",
    "nav_activity_condition": "sosialtjenesteloven § 20 a andre ledd",
    "nav_kvp": "sosialtjenesteloven § 29",
    "nav_child_heard": "barnekonvensjonen art. 3 og 12; Grunnloven § 104",
    # Routines between the municipality's own units: hol. § 3-4 (cooperation
    # within the municipality) and the quality regulation's duty to plan
    # (§ 6: overview of tasks and who does what, routines). § 6-1 is the
    # agreement with the health trust, below.
    "cooperation_routine": "helse- og omsorgstjenesteloven § 3-4 første ledd; forskrift om "
    "ledelse og kvalitetsforbedring i helse- og omsorgstjenesten § 6 bokstav a og e",
    "service_directory": "helse- og omsorgstjenesteloven § 7-3; forskrift om habilitering mv. "
    "§ 6 (Selbu: kontaktinformasjon synlig og oppdatert)",
    "responsibility_group": "helse- og omsorgstjenesteloven § 3-4; forskrift om habilitering "
    "mv. § 21 (koordinator følger opp og innkaller til møter)",
    "internal_control": "kommuneloven § 25-1; sosialtjenesteloven § 5; forskrift om ledelse og "
    "kvalitetsforbedring i helse- og omsorgstjenesten §§ 6–9",
    "needs_mapping": "forskrift om habilitering mv. § 19 a; helse- og omsorgstjenesteloven "
    "§ 3-2 (kartlegging av behov, Selbu 2.5)",
    "audit_mandate": "kommuneloven §§ 23-2 og 24-2; forskrift om kontrollutvalg og revisjon § 15",
    "supervision": "kommuneloven § 30-1; helse- og omsorgstjenesteloven § 12-3; "
    "sosialtjenesteloven § 9",
    # Service types (people.catalogue): the law each kind of service is given under.
    "hol_3_2_6": "helse- og omsorgstjenesteloven § 3-2 første ledd nr. 6",
    "hol_3_2_6a": "helse- og omsorgstjenesteloven § 3-2 første ledd nr. 6 bokstav a "
    "(helsetjenester i hjemmet)",
    "hol_3_2_6b": "helse- og omsorgstjenesteloven § 3-2 første ledd nr. 6 bokstav b "
    "(personlig assistanse, herunder praktisk bistand og opplæring og støttekontakt)",
    "hol_3_2_6c": "helse- og omsorgstjenesteloven § 3-2 første ledd nr. 6 bokstav c "
    "(plass i institusjon, herunder sykehjem)",
    "hol_3_2_6d": "helse- og omsorgstjenesteloven § 3-2 første ledd nr. 6 bokstav d "
    "(avlastningstiltak)",
    "hol_3_2_7": "helse- og omsorgstjenesteloven § 3-2 første ledd nr. 7 (dagaktivitetstilbud)",
    "hol_3_3": "helse- og omsorgstjenesteloven § 3-3 (helsefremmende og forebyggende arbeid; "
    "lavterskeltilbud uten vedtak)",
    "hol_3_6": "helse- og omsorgstjenesteloven § 3-6 første ledd nr. 3 (omsorgsstønad)",
    "hol_3_8": "helse- og omsorgstjenesteloven § 3-8; pasient- og brukerrettighetsloven § 2-1 d "
    "(brukerstyrt personlig assistanse)",
    "sotjl_18": "sosialtjenesteloven § 18 (økonomisk stønad)",
    # Who needs an IP: long-term and coordinated services, counting services outside
    # the municipality's units too; NAV's own plan duty.
    "ip_need": "helse- og omsorgstjenesteloven § 7-1 første ledd; pasient- og "
    "brukerrettighetsloven § 2-5 (behov for langvarige og koordinerte tjenester)",
    "nav_plan": "sosialtjenesteloven § 28 (individuell plan i NAV)",
    # The agreement between the municipality and the health trust.
    "cooperation_agreement": "helse- og omsorgstjenesteloven §§ 6-1 og 6-2 (samarbeidsavtale "
    "med regionalt helseforetak og minstekrav til innholdet)",
    # Checks supervision and audits asked for.
    "needs_mapping_long_term": "helse- og omsorgstjenesteloven § 3-2 første ledd og § 4-1 "
    "(forsvarlige tjenester forutsetter kartlagte behov); forskrift om habilitering mv. "
    "§ 19 bokstav a",
    "crisis_plan": "helse- og omsorgstjenesteloven § 4-1 første ledd (forsvarlighet), med "
    "nasjonal faglig retningslinje for ROP-lidelser (kriseplan ved risiko for krise)",
    "somatic_health": "helse- og omsorgstjenesteloven § 4-1 første ledd (forsvarlighet): "
    "somatisk helse kartlagt og fulgt opp, og fastlegen informert (ROP-tilsynet)",
    "nav_guidance_decision": "sosialtjenesteloven § 17, jf. § 41 andre ledd (tildeling av "
    "opplysning, råd og veiledning er et enkeltvedtak)",
    # Housing (docs/housing.md). The municipality's housing duties moved to
    # boligsosialloven on 1 July 2023; hol. § 3-7 is repealed and sotjl. § 15
    # only points to the new act.
    "housing_act": "lov 20. desember 2022 nr. 121 om kommunenes ansvar på det boligsosiale "
    "feltet (boligsosialloven), i kraft 1. juli 2023",
    "housing_assistance": "boligsosialloven § 6 (individuelt tilpasset bistand); "
    "sosialtjenesteloven § 15",
    "housing_allocation": "boligsosialloven §§ 5–6; forvaltningsloven §§ 24–25 og 27 "
    "(skriftlige tildelingskriterier, begrunnelse og klageopplysninger)",
    "emergency_housing": "sosialtjenesteloven § 27 (midlertidig botilbud)",
    "housing_in_plan": "forskrift om habilitering og rehabilitering, individuell plan og "
    "koordinator § 19; boligsosialloven § 6",
    # Around the person: discharge and aftercare, the GP informed.
    "discharge_aftercare": "helse- og omsorgstjenesteloven § 6-2 første ledd nr. 2 og 5 "
    "(delavtaler om pasienter med behov for koordinerte tjenester og om utskrivningsklare "
    "pasienter); forskrift om kommunal betaling for utskrivningsklare pasienter (melding om "
    "utskrivningsklar pasient); nasjonal faglig retningslinje for ROP-lidelser (bolig og "
    "oppfølging på plass ved utskrivning og løslatelse)",
    "children_as_relatives": "helsepersonelloven § 10 a (barn som pårørende: avklare om "
    "pasienten har mindreårige barn, bidra til å ivareta barnas behov for informasjon og "
    "oppfølging, og dokumentere det) og § 10 b (barn som etterlatte)",
    "relatives_needs": "pasient- og brukerrettighetsloven § 3-3 (informasjon til nærmeste "
    "pårørende når personen samtykker) og § 3-1 tredje ledd (nærmeste pårørendes "
    "medvirkning); helse- og "
    "omsorgstjenesteloven § 3-6 (avlastning, opplæring og veiledning for pårørende med "
    "særlig tyngende omsorgsarbeid); nasjonal veileder for pårørende i helse- og "
    "omsorgstjenesten (IS-2587: pårørendes behov kartlegges og følges opp)",
    "user_involvement": "helse- og omsorgstjenesteloven § 3-10 (systemer for å innhente "
    "pasienters og brukeres erfaringer og synspunkter; representanter for brukerne hørt når "
    "tjenestene utformes)",
    "staff_competence": "forskrift om ledelse og kvalitetsforbedring i helse- og "
    "omsorgstjenesten § 6 bokstav d (oversikt over medarbeidernes kompetanse og behov for "
    "opplæring) og § 7 bokstav b (medarbeiderne har nødvendig kunnskap og kompetanse)",
    "staff_safety": "arbeidsmiljøloven § 3-1 andre ledd bokstav c (kartlegge farer og "
    "vurdere risiko) og § 4-3 fjerde ledd (vern mot vold og trusler); forskrift om utførelse "
    "av arbeid kapittel 23 A (arbeid der det kan forekomme vold og trusler)",
    "gp_informed": "helse- og omsorgstjenesteloven § 4-1 første ledd (forsvarlighet) og "
    "§ 7-2 (koordinatoren sørger for samordning), jf. helsepersonelloven § 22 (opplysninger "
    "til fastlegen innenfor personens samtykke): fastlegen informert om planen og endringer "
    "(ROP-tilsynet)",
}

# Forskrift § 19 a–i, in the audits' own order (the auditors' checklist).
IP_CONTENT = {
    "a": "Mål, ressurser og behov for tjenester",
    "b": "Hvem som deltar i planarbeidet",
    "c": "Hvem som er koordinator",
    "d": "Hva personen, tjenesteyterne og pårørende skal bidra med",
    "e": "Tiltak, omfang og hvem som er ansvarlig",
    "f": "Hvordan tiltakene skal gjennomføres",
    "g": "Planperiode og når planen skal justeres/revideres",
    "h": "Samtykke til planen og til deltakernes tilgang til taushetsbelagte opplysninger",
    "i": "Samarbeid med andre tjenesteytere, institusjoner og etater",
}


def cite(key: str) -> str:
    return REFERENCES[key]


# --- Decisions and appeals ------------------------------------------------------
#
# One table: decision type → legal basis → appeal body → deadline → when the
# deadline starts. Letters (intake/letters.py), appeal tracking (intake.rules)
# and the audit criteria read it; a new decision type (e.g. housing) is one more
# ``register_appeal_route`` call, nothing else.


class DeadlineStart(StrEnum):
    """When the appeal deadline starts running, in the statute's own words."""

    # pbrl. § 7-5 first paragraph: "innen fire uker etter at vedkommende fikk
    # eller burde ha fått tilstrekkelig kunnskap til å fremme en klage".
    KNOWLEDGE = "kunnskap"
    # fvl. § 29 first paragraph: "fra det tidspunkt underretning om vedtaket er
    # kommet fram til vedkommende part".
    NOTICE_REACHED = "underretning"


START_RULES = {
    DeadlineStart.KNOWLEDGE: _(
        "fra du fikk eller burde ha fått nok kunnskap til å klage, vanligvis den dagen du "
        "mottok dette brevet"
    ),
    DeadlineStart.NOTICE_REACHED: _("fra den dagen dette brevet kom fram til deg"),
}


@dataclass(frozen=True)
class AppealRoute:
    """How a type of individual decision is appealed."""

    decision_type: str  # the application's kind (intake.models.Application.Kind)
    legal_basis: str  # what the decision is made under
    appeal_law: str  # the provisions on appeal and deadline
    appeal_body: "StrOrPromise"  # who decides the appeal
    sent_to: "StrOrPromise"  # where the appeal is sent (the body that made the decision)
    weeks: int
    starts: DeadlineStart

    @property
    def start_rule(self) -> str:
        return str(START_RULES[self.starts])


APPEAL_ROUTES: dict[str, AppealRoute] = {}

# Decision types without a route of their own follow the general rule.
GENERAL_DECISION = "annet"


def register_appeal_route(route: AppealRoute) -> None:
    """Add a decision type to the table (one place per type; a second is a bug)."""
    if route.decision_type in APPEAL_ROUTES:
        raise ValueError(f"Appeal route for {route.decision_type!r} already registered")
    APPEAL_ROUTES[route.decision_type] = route


def appeal_route(decision_type: str) -> AppealRoute:
    return APPEAL_ROUTES.get(decision_type) or APPEAL_ROUTES[GENERAL_DECISION]


# Health and care services: appeal under pbrl. chapter 7 — four weeks (§ 7-5),
# to the state governor, sent through the municipality (§ 7-2).
_HEALTH_APPEAL = "pasient- og brukerrettighetsloven §§ 7-2 og 7-5"
# Social services: sotjl. § 48 names the state governor; the deadline is
# fvl. § 29 (three weeks).
_SOCIAL_APPEAL = "sosialtjenesteloven § 48; forvaltningsloven § 29"

for _route in (
    AppealRoute(
        "helse_omsorg",
        "helse- og omsorgstjenesteloven § 3-2; pasient- og brukerrettighetsloven §§ 2-1 a og 2-7",
        _HEALTH_APPEAL,
        _("Statsforvalteren"),
        _("kommunen, som vurderer saken på nytt før klagen sendes til Statsforvalteren"),
        4,
        DeadlineStart.KNOWLEDGE,
    ),
    AppealRoute(
        # Individual plan and coordinator: hol. §§ 7-1–7-2 with pbrl. § 2-5,
        # appealed under pbrl. chapter 7 like other health and care services.
        "ip_koordinator",
        "helse- og omsorgstjenesteloven §§ 7-1 og 7-2; pasient- og brukerrettighetsloven § 2-5",
        _HEALTH_APPEAL,
        _("Statsforvalteren"),
        _("kommunen, som vurderer saken på nytt før klagen sendes til Statsforvalteren"),
        4,
        DeadlineStart.KNOWLEDGE,
    ),
    AppealRoute(
        "okonomisk",
        "sosialtjenesteloven § 18",
        _SOCIAL_APPEAL,
        _("Statsforvalteren"),
        _("NAV-kontoret, som vurderer saken på nytt før klagen sendes til Statsforvalteren"),
        3,
        DeadlineStart.NOTICE_REACHED,
    ),
    AppealRoute(
        "veiledning",
        "sosialtjenesteloven § 17",
        _SOCIAL_APPEAL,
        _("Statsforvalteren"),
        _("NAV-kontoret, som vurderer saken på nytt før klagen sendes til Statsforvalteren"),
        3,
        DeadlineStart.NOTICE_REACHED,
    ),
    AppealRoute(
        # Any other individual decision: fvl. § 28 (for a municipality's own
        # decisions the appeal body is its appeals board, § 28 second paragraph)
        # and § 29 (three weeks).
        GENERAL_DECISION,
        "forvaltningsloven § 2 første ledd bokstav b (enkeltvedtak)",
        "forvaltningsloven §§ 28 og 29",
        _(
            "klageinstansen etter forvaltningsloven § 28, for kommunens egne vedtak kommunens klagenemnd"
        ),
        _("kommunen, som vurderer saken på nytt før klagen sendes til klageinstansen"),
        3,
        DeadlineStart.NOTICE_REACHED,
    ),
):
    register_appeal_route(_route)


# Housing (docs/housing.md). A municipal dwelling is allocated by the
# municipality itself, so fvl. § 28 second paragraph makes its own appeals board
# (klagenemnd) the appeal body; deadline fvl. § 29. Emergency housing is the
# NAV office's duty under sotjl. § 27, appealed to the state governor (§ 48).
for _route in (
    AppealRoute(
        "bolig_tildeling",
        "boligsosialloven § 6; kommunens skriftlige tildelingskriterier",
        "forvaltningsloven §§ 28 og 29",
        _("kommunens klagenemnd (forvaltningsloven § 28 andre ledd)"),
        _("kommunen, som vurderer saken på nytt før klagen sendes til klagenemnda"),
        3,
        DeadlineStart.NOTICE_REACHED,
    ),
    AppealRoute(
        "bolig_midlertidig",
        "sosialtjenesteloven § 27",
        _SOCIAL_APPEAL,
        _("Statsforvalteren"),
        _("NAV-kontoret, som vurderer saken på nytt før klagen sendes til Statsforvalteren"),
        3,
        DeadlineStart.NOTICE_REACHED,
    ),
):
    register_appeal_route(_route)
