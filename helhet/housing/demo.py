"""Demo housing for the synthetic municipality, shaped by docs/housing.md.

About 190 rental dwellings, most owned by a housing foundation, some by the
municipality and an organisation; four earmarked for mental health by a
registered easement (Bergtun); two emergency flats rented by NAV. Written
criteria for most dwelling types but not for staffed dwellings, a waiting list
in every state, refused offers, one earmarked dwelling let outside its group
(with a reason and a notice), and emergency stays in hotels and campsites,
some past the municipality's own limit without follow-up.
"""

import datetime as dt

from helhet.core.legal import appeal_route
from helhet.demo.context import DemoContext
from helhet.housing.models import (
    ALLOCATION_DECISION,
    EMERGENCY_DECISION,
    AllocationCriteria,
    CriteriaVersion,
    Dwelling,
    DwellingType,
    EarmarkNotice,
    EmergencyRefusal,
    EmergencyStay,
    HousingApplication,
    HousingDecision,
    HousingRoutine,
    HousingRoutineVersion,
    Offer,
)

T = DwellingType
FOUNDATION = ("stiftelse", "Fjordvik boligstiftelse")
MUNICIPALITY = ("kommunen", "Fjordvik kommune")
ORGANISATION = ("organisasjon", "LHL Fjordvik")

# (type, count, street, owner, earmark, earmark basis)
STOCK = [
    (T.ELDERLY, 44, "Solbakken", FOUNDATION, "", ""),
    (T.CARE, 44, "Skogtunet", FOUNDATION, "", ""),
    (T.CARE, 26, "Sentrumstunet", MUNICIPALITY, "", ""),
    (T.YOUTH, 16, "Hybelhuset", FOUNDATION, "unge", "vedtak"),
    (T.RENTAL, 28, "Elvegata", FOUNDATION, "", ""),
    (T.RENTAL, 12, "Bakketun", ORGANISATION, "", ""),
    (T.RENTAL, 4, "Bergtun", FOUNDATION, "psykisk_helse", "servitutt"),
    (T.SHARED, 8, "Lia bofellesskap", MUNICIPALITY, "", ""),
    (T.STAFFED, 6, "Heimly", MUNICIPALITY, "", ""),
    (T.EMERGENCY, 2, "Næringshagen", ORGANISATION, "", ""),
]
EARMARK_UNIT = {"psykisk_helse": "psykisk_rus", "unge": "nav", "rus": "psykisk_rus"}
# Staffed dwellings have none: what the audit found missing.
CRITERIA = {
    T.RENTAL: "Utleieboliger tildeles etter hastegrad, deretter ventetid fra vedtak.",
    T.CARE: "Omsorgsboliger tildeles personer med vedtak om helse- og omsorgstjenester.",
    T.ELDERLY: "Trygdeboliger tildeles eldre og uføre etter behov for tilrettelagt bolig.",
    T.YOUTH: "Ungdomsboliger tildeles unge 18–30 år uten egen bolig.",
    T.SHARED: "Bofellesskap tildeles etter vurdering av behov for fellesskap og oppfølging.",
}
NEEDS = [
    "Bor hos venner og må flytte innen en måned.",
    "Skrives ut fra døgnbehandling og har ikke bolig.",
    "Leiligheten er sagt opp av utleier.",
    "Bor hos foreldre og ønsker egen bolig med oppfølging.",
    "Løslates fra fengsel om seks uker og har ingen bolig.",
    "Boligen har trapper personen ikke klarer lenger.",
]
URGENCIES = ["akutt", "hoy", "hoy", "middels", "middels", "middels", "lav"]
REFUSALS = ["beliggenhet", "husleie", "bomiljo", "ikke_egnet", "annet"]
STAY_PLACES = [
    ("akuttbolig", "Akuttbolig Næringshagen"),
    ("hotell", "Fjordvik hotell"),
    ("camping", "Fjordvik camping"),
    ("privat", "Privat hybel"),
]


def populate(ctx: DemoContext) -> None:
    rng = ctx.rng_for("housing")
    muni, today = ctx.municipality, ctx.today
    officer, nav = ctx.users["bolig"], ctx.users["nav"]
    office, nav_unit = ctx.units["bolig"], ctx.units["nav"]

    routine = HousingRoutine.objects.create(
        municipality=muni,
        name="Fjordvik kommunes rutine for midlertidig botilbud",
        emergency_stay_days=21,
        adopted_on=dt.date(today.year - 1, 3, 1),
        updated_by=ctx.users.get("leder-nav", nav),
    )
    # Its history: first 30 days, shortened after the stays in hotels.
    HousingRoutineVersion.objects.bulk_create(
        [
            HousingRoutineVersion(
                municipality=muni,
                number=1,
                name=routine.name,
                emergency_stay_days=30,
                adopted_on=dt.date(today.year - 2, 9, 1),
                change_note="Første rutine for midlertidig botilbud.",
                changed_by=routine.updated_by,
            ),
            HousingRoutineVersion(
                municipality=muni,
                number=2,
                name=routine.name,
                emergency_stay_days=21,
                adopted_on=routine.adopted_on,
                change_note="Kortere grense etter lange opphold på hotell og camping.",
                changed_by=routine.updated_by,
            ),
        ]
    )
    dwellings = []
    for kind, count, street, (owner_kind, owner), earmark, basis in STOCK:
        for number in range(1, count + 1):
            dwellings.append(
                Dwelling(
                    municipality=muni,
                    address=f"{street} {number}",
                    kind=kind,
                    owner_kind=owner_kind,
                    owner_name=owner,
                    rooms=rng.choice([1, 2, 2, 3]),
                    state=rng.choices(["utleid", "ledig", "vedlikehold"], [90, 7, 3])[0],
                    earmarked_for=earmark,
                    earmark_basis=basis,
                    earmark_note="Tinglyst servitutt om bruken" if basis == "servitutt" else "",
                    earmark_unit=ctx.units[EARMARK_UNIT[earmark]] if earmark else None,
                )
            )
    Dwelling.objects.bulk_create(dwellings)
    versions: dict[str, CriteriaVersion] = {}
    for kind, content in CRITERIA.items():
        criteria = AllocationCriteria.objects.create(
            municipality=muni, kind=kind, title=f"Tildelingskriterier – {T(kind).label.lower()}"
        )
        for number in (1, 2):
            versions[kind] = CriteriaVersion.objects.create(
                criteria=criteria,
                number=number,
                content=content if number == 2 else content.split(",")[0] + ".",
                change_note="Ventetid regnes fra vedtak" if number == 2 else "",
                refusals_kept=1,
                approved_on=today - dt.timedelta(days=900 if number == 1 else 400),
                approved_by="Kommunestyret",
                created_by=officer,
            )

    persons = list(ctx.persons)
    rng.shuffle(persons)
    count = max(12, len(persons) // 8)
    applicants, rest = persons[:count], persons[count:]
    applications = []
    for person in applicants:
        kind = rng.choices(list(CRITERIA), [5, 2, 2, 2, 1])[0]
        received = today - dt.timedelta(days=rng.randint(5, 500))
        state = rng.choices(
            ["mottatt", "vurdert", "venteliste", "avslatt", "tildelt", "bortfalt"],
            [2, 2, 6, 1, 4, 1],
        )[0]
        if (today - received).days < 40:
            state = rng.choice(["mottatt", "vurdert"])
        assessed = state != "mottatt"
        applications.append(
            HousingApplication(
                person=person,
                unit=office,
                kind=kind,
                received_on=received,
                channel=rng.choice(["ansatt", "ansatt", "min_side"]),
                source=rng.choice(["egen", "kartlegging", "plan", "utskriving"]),
                need=rng.choice(NEEDS),
                group=rng.choices(["", "psykisk_helse", "rus", "unge"], [4, 2, 2, 1])[0],
                registered_by=officer,
                urgency=rng.choice(URGENCIES) if assessed else "",
                assessment="Behovet er vurdert etter samtale med søkeren." if assessed else "",
                assessed_on=received + dt.timedelta(days=10) if assessed else None,
                status=state,
                # Most slow cases get a preliminary answer (fvl. § 11a); some do not.
                preliminary_sent_on=received + dt.timedelta(days=25)
                if (today - received).days > 30 and rng.random() < 0.4
                else None,
                preliminary_reason="Vi venter på opplysninger fra legen; svar innen to måneder.",
            )
        )
    HousingApplication.objects.bulk_create(applications)

    route = appeal_route(ALLOCATION_DECISION)
    decisions = []
    for application in applications:
        if application.status in ("mottatt", "vurdert"):
            continue
        granted = application.status != "avslatt"
        decisions.append(
            HousingDecision(
                application=application,
                outcome="innvilget" if granted else "avslag",
                criteria_version=versions[application.kind],
                reasons=(
                    "Søkeren fyller kriteriene og har behov for bolig."
                    if granted
                    else "Søkeren har egen bolig som dekker behovet; kriteriene punkt 1."
                ),
                decided_on=application.received_on + dt.timedelta(days=rng.randint(14, 35)),
                decided_by=officer,
                appeal_body=str(route.appeal_body),
                appeal_weeks=route.weeks,
                appeal_law=route.appeal_law,
            )
        )
    HousingDecision.objects.bulk_create(decisions)
    decided = {d.application_id: d for d in decisions}

    offers, notices = [], []
    bergtun = [d for d in dwellings if d.earmarked_for == "psykisk_helse"]
    for application in applications:
        decision = decided.get(application.pk)
        if decision is None or application.status not in ("venteliste", "tildelt", "bortfalt"):
            continue
        pool = [
            d
            for d in dwellings
            if d.kind == application.kind and d.earmarked_for in ("", application.group)
        ] or [d for d in dwellings if d.kind == application.kind]
        day = decision.decided_on + dt.timedelta(days=rng.randint(20, 200))
        day = min(day, today - dt.timedelta(days=3))
        refusals = {
            "venteliste": rng.choice([0, 0, 1]),
            "tildelt": rng.choice([0, 0, 1]),
            "bortfalt": 2,
        }[application.status]
        for index in range(refusals):
            reason = rng.choice(REFUSALS)
            kept = reason == "ikke_egnet" or index == 0
            offers.append(
                Offer(
                    application=application,
                    dwelling=rng.choice(pool),
                    offered_on=day,
                    offered_by=officer,
                    position=rng.randint(1, 4),
                    skip_reason="",
                    answer="avslatt",
                    answered_on=day + dt.timedelta(days=5),
                    refusal_reason=reason,
                    refusal_note="Ønsker å bo nærmere familien." if reason == "beliggenhet" else "",
                    kept_place=kept,
                    place_note="Avslag nr. 1; kriteriene tillater 1."
                    if kept
                    else "Avslag nr. 2; kriteriene tillater 1. Plassen på ventelisten faller bort.",
                )
            )
            day = min(day + dt.timedelta(days=30), today - dt.timedelta(days=2))
        if application.status == "bortfalt":
            application.status_reason = "Avslag nr. 2; kriteriene tillater 1."
        if application.status == "tildelt":
            outside = (
                application.kind == T.RENTAL and bergtun and application.group != ("psykisk_helse")
            )
            dwelling = bergtun.pop() if outside else rng.choice(pool)
            offers.append(
                Offer(
                    application=application,
                    dwelling=dwelling,
                    offered_on=day,
                    offered_by=officer,
                    position=1,
                    outside_group_reason=(
                        "Ingen i målgruppen står på ventelisten; søkeren har akutt behov."
                        if outside
                        else ""
                    ),
                    answer="akseptert",
                    answered_on=day + dt.timedelta(days=3),
                    contract_start=day + dt.timedelta(days=14),
                )
            )
    Offer.objects.bulk_create(offers)
    accepted = {o.dwelling.pk: o.dwelling for o in offers if o.answer == "akseptert"}
    for dwelling in accepted.values():
        dwelling.state = "utleid"
    Dwelling.objects.bulk_update(accepted.values(), ["state"])
    HousingApplication.objects.bulk_update(
        [a for a in applications if a.status_reason], ["status_reason"]
    )
    for offer in offers:
        if offer.outside_group_reason:
            notices.append(
                EarmarkNotice(
                    offer=offer,
                    unit=offer.dwelling.earmark_unit,
                    sent_on=offer.offered_on,
                    text=(
                        f"Boligen {offer.dwelling.address}, øremerket «Personer med psykiske "
                        f"helseproblemer», er tilbudt en søker utenfor gruppen. Begrunnelse: "
                        f"{offer.outside_group_reason}"
                    ),
                )
            )
    EarmarkNotice.objects.bulk_create(notices)

    # Emergency housing (sotjl. § 27), the NAV office's cases.
    stays = []
    for person in rest[: max(6, len(persons) // 40)]:
        place, name = rng.choices(STAY_PLACES, [4, 3, 2, 1])[0]
        started = today - dt.timedelta(days=rng.randint(2, 200))
        length = rng.choice([3, 7, 14, 20, 35, 60, None])
        ended = started + dt.timedelta(days=length) if length else None
        if ended and ended > today:
            ended = None
        followed = rng.random() < 0.5
        stays.append(
            EmergencyStay(
                person=person,
                unit=nav_unit,
                place=place,
                place_name=name,
                reason=rng.choice(
                    [
                        "Kastet ut av utleier.",
                        "Brann i boligen.",
                        "Løslatt uten bolig.",
                        "Brudd i samboerforhold.",
                    ]
                ),
                decided_on=started,
                started_on=started,
                ended_on=ended,
                follow_up="Søknad om kommunal bolig er sendt; visning avtalt." if followed else "",
                follow_up_on=started + dt.timedelta(days=7) if followed else None,
                registered_by=nav,
            )
        )
    EmergencyStay.objects.bulk_create(stays)

    # Refusals of temporary housing: written decisions with reasons and the
    # appeal route (the state governor, three weeks).
    route = appeal_route(EMERGENCY_DECISION)
    refused = rest[max(6, len(persons) // 40) : max(6, len(persons) // 40) + 3]
    EmergencyRefusal.objects.bulk_create(
        EmergencyRefusal(
            person=person,
            unit=nav_unit,
            asked_on=today - dt.timedelta(days=days),
            decided_on=today - dt.timedelta(days=days),
            reasons=reason,
            other_help=help_,
            decided_by=nav,
            appeal_body=str(route.appeal_body),
            appeal_weeks=route.weeks,
            appeal_law=route.appeal_law,
        )
        for person, (days, reason, help_) in zip(
            refused,
            [
                (
                    40,
                    "Du har en avtale om å bo hos din søster ut måneden, og har dermed et "
                    "sted å bo i natt.",
                    "Hjelp til å søke kommunal utleiebolig.",
                ),
                (
                    95,
                    "Du har egen leiekontrakt som løper til 1. i neste måned.",
                    "Råd om husleie og bostøtte.",
                ),
                (
                    150,
                    "Du bor i kommunal bolig og er ikke uten bolig.",
                    "",
                ),
            ],
            strict=False,
        )
    )
