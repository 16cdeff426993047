"""The synthetic demo municipality.

Everything here is invented: names come from short lists of common Norwegian
names, national identity numbers are generated with valid check digits, and the
municipality number 9999 belongs to no real municipality. The spread mirrors
what the reports found (municipal performance audits): plans complete and incomplete
against § 19, coordinators without an IP, declined plans, overdue revisions and
closed plans, so that every overview and check has something to show.
"""

import datetime as dt
import importlib
import random
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from helhet.coordination.models import CoordinatorAssignment
from helhet.demo.context import DemoContext
from helhet.organisation.models import (
    ExternalPartner,
    Membership,
    Municipality,
    Role,
    StaffMember,
    Unit,
)
from helhet.people import identity
from helhet.people.models import Person, Relative, Service
from helhet.plans import completeness
from helhet.plans import services as plan_services
from helhet.plans.models import CrisisPlan, Goal, IndividualPlan, Measure, Participant

MUNICIPALITY = ("9999", "Fjordvik kommune (demo)")

UNITS = [
    ("ke", "Koordinerende enhet", Unit.Kind.COORDINATING),
    ("tildeling", "Tildelingskontoret", Unit.Kind.ALLOCATION),
    ("psykisk_rus", "Psykisk helse og rus", Unit.Kind.MENTAL_HEALTH),
    ("hjemmetjeneste", "Hjemmetjenesten", Unit.Kind.HOME_CARE),
    ("miljoarbeid", "Miljøarbeidertjenesten", Unit.Kind.SUPPORT_WORK),
    ("nav", "NAV Fjordvik", Unit.Kind.NAV),
    ("bolig", "Boligkontoret", Unit.Kind.HOUSING),
    ("frisklivs", "Frisklivssentralen", Unit.Kind.HEALTHY_LIFE),
    ("kommunalsjef", "Kommunalsjef helse og velferd", Unit.Kind.SECTOR_HEAD),
    ("it", "IT-avdelingen", Unit.Kind.ADMINISTRATION),
    ("revisjon", "Kommunerevisjonen", Unit.Kind.AUDIT),
]

PARTNERS = [
    ("dps", "Fjordvik DPS", ExternalPartner.Kind.DPS),
    ("sykehus", "Sykehuset i regionen", ExternalPartner.Kind.HOSPITAL),
    ("fastlege-1", "Fjordvik legesenter", ExternalPartner.Kind.GP),
    ("fastlege-2", "Sentrum legekontor", ExternalPartner.Kind.GP),
    ("fastlege-3", "Havnegata legepraksis", ExternalPartner.Kind.GP),
]

# login, first name, last name, unit code, roles, title
LOGINS = [
    ("ke", "Kari", "Koordinerende", "ke", [Role.COORDINATING_UNIT], "Rådgiver KE"),
    (
        "koordinator",
        "Kristian",
        "Koordinator",
        "psykisk_rus",
        [Role.SERVICE_PROVIDER],
        "Miljøterapeut",
    ),
    (
        "tjenesteyter",
        "Tone",
        "Tjenesteyter",
        "hjemmetjeneste",
        [Role.SERVICE_PROVIDER],
        "Sykepleier",
    ),
    ("nav", "Nils", "Navveileder", "nav", [Role.NAV_ADVISER], "Veileder"),
    ("saksbehandler", "Sara", "Saksbehandler", "tildeling", [Role.CASEWORKER], "Saksbehandler"),
    ("bolig", "Bjørg", "Boligkonsulent", "bolig", [Role.CASEWORKER], "Boligkonsulent"),
    ("leder", "Lise", "Leder", "psykisk_rus", [Role.LEADER, Role.QUALITY], "Enhetsleder"),
    ("kommunalsjef", "Knut", "Kommunalsjef", "kommunalsjef", [Role.SECTOR_HEAD], "Kommunalsjef"),
    ("revisor", "Randi", "Revisor", "revisjon", [Role.AUDITOR], "Forvaltningsrevisor"),
    ("admin", "Are", "Administrator", "it", [Role.SYSTEM_ADMIN], "Systemadministrator"),
]
UNIT_NAMES = [(code, name) for code, name, _ in UNITS]
# Logins of persons and their relatives (the portal adds `parorende`, a proxy for `bruker`).
PERSON_LOGINS = [
    ("bruker", "Person som mottar tjenester (egen plan)"),
    ("parorende", "Pårørende med fullmakt for «bruker»"),
]
DEMO_LOGINS = [login for login, *_ in LOGINS] + [login for login, _ in PERSON_LOGINS]

GIVEN_F = [
    "Anne",
    "Ingrid",
    "Kari",
    "Marit",
    "Nora",
    "Emma",
    "Sara",
    "Ida",
    "Maja",
    "Hanne",
    "Silje",
    "Thea",
    "Julie",
    "Eline",
    "Camilla",
    "Line",
    "Mona",
    "Hilde",
    "Sofie",
    "Amalie",
]
GIVEN_M = [
    "Ole",
    "Lars",
    "Jonas",
    "Jakob",
    "Emil",
    "Henrik",
    "Magnus",
    "Per",
    "Tor",
    "Kjetil",
    "Even",
    "Sindre",
    "Martin",
    "Anders",
    "Geir",
    "Espen",
    "Mats",
    "Sander",
    "Tobias",
    "Ali",
]
FAMILY = [
    "Hansen",
    "Johansen",
    "Olsen",
    "Larsen",
    "Andersen",
    "Pedersen",
    "Nilsen",
    "Kristiansen",
    "Jensen",
    "Karlsen",
    "Johnsen",
    "Pettersen",
    "Eriksen",
    "Berg",
    "Haugen",
    "Hagen",
    "Johannessen",
    "Andreassen",
    "Jacobsen",
    "Dahl",
    "Jørgensen",
    "Halvorsen",
    "Lund",
    "Moen",
    "Strand",
    "Solberg",
    "Bakken",
    "Iversen",
    "Ahmed",
    "Nguyen",
]
STREETS = ["Storgata", "Fjordveien", "Skolegata", "Kirkeveien", "Havnegata", "Bjørkeveien"]

SERVICES = {
    "psykisk_rus": ["Psykisk helsehjelp", "Oppfølging rus", "Samtaletilbud"],
    "hjemmetjeneste": ["Hjemmesykepleie", "Praktisk bistand"],
    "miljoarbeid": ["Miljøarbeid i bolig", "Støttekontakt"],
    "nav": ["Økonomisk stønad", "Råd og veiledning (§ 17)", "Kvalifiseringsprogram"],
    "bolig": ["Kommunal bolig", "Bostøtteveiledning"],
    "frisklivs": ["Frisklivsresept", "Gruppe for søvn og mestring"],
}

GOALS = [
    "Jeg vil ha en fast plass å bo der jeg trives.",
    "Jeg vil komme i jobb eller arbeidstrening innen et år.",
    "Jeg vil ha kontroll på økonomien min.",
    "Jeg vil sove bedre og ha mer overskudd.",
    "Jeg vil slutte med hasj og holde meg rusfri.",
    "Jeg vil ha mer kontakt med familien min.",
    "Jeg vil fullføre videregående skole.",
    "Jeg vil klare meg selv hjemme.",
    "Jeg vil ha noen å gjøre ting sammen med på fritiden.",
    "Jeg vil lære å håndtere angsten når den kommer.",
]
MEASURES = [
    ("Samtaler med miljøterapeut", "1 time per uke", "psykisk_rus"),
    ("Hjelp til å søke kommunal bolig", "Etter behov", "bolig"),
    ("Budsjettveiledning", "Hver 14. dag", "nav"),
    ("Arbeidstrening via NAV", "3 dager per uke", "nav"),
    ("Oppfølging i egen bolig", "2 besøk per uke", "miljoarbeid"),
    ("Medisinhåndtering", "Daglig", "hjemmetjeneste"),
    ("Frisklivsresept med gruppetrening", "12 uker", "frisklivs"),
    ("Poliklinisk behandling", "Hver 3. uke", "dps"),
]


def generate(persons: int, seed: int, password: str, today: dt.date, progress) -> DemoContext:
    """Create the demo municipality. Call inside a transaction."""
    rng = random.Random(seed)
    muni = Municipality.objects.create(
        number=MUNICIPALITY[0],
        name=MUNICIPALITY[1],
        is_demo=True,
        # Synthetic: the demo's letters carry a sender block like a real one.
        address="Postboks 100, 9999 Fjordvik",
        phone="99 99 00 00",
        email="postmottak@fjordvik.example",
    )
    ctx = DemoContext(seed=seed, today=today, municipality=muni, progress=progress)
    _organisation(ctx, password, rng)
    progress(f"Organisasjon: {len(ctx.units)} enheter, {len(ctx.users)} ansatte")
    _persons(ctx, persons, rng)
    _services(ctx, rng)
    _plans(ctx, rng, password)
    for config in apps.get_app_configs():
        if not config.name.startswith("helhet.") or config.label == "demo":
            continue
        try:
            module = importlib.import_module(f"{config.name}.demo")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.demo":
                raise
            continue
        module.populate(ctx)
        progress(f"Demodata for {config.label} laget")
    completeness.refresh(IndividualPlan.objects.filter(person__municipality=muni))
    return ctx


def _organisation(ctx: DemoContext, password: str, rng: random.Random) -> None:
    muni = ctx.municipality
    ctx.units = {
        code: Unit(
            municipality=muni,
            code=code,
            name=name,
            kind=kind,
            address=f"{name}, Postboks {100 + i}, 9999 Fjordvik",
            phone=f"99 99 {10 + i:02d} 00",
            email=f"{code.replace('_', '-')}@fjordvik.example",
        )
        for i, (code, name, kind) in enumerate(UNITS, start=1)
    }
    Unit.objects.bulk_create(ctx.units.values())
    ctx.partners = {
        code: ExternalPartner(municipality=muni, code=code, name=name, kind=kind)
        for code, name, kind in PARTNERS
    }
    ExternalPartner.objects.bulk_create(ctx.partners.values())

    hashed = make_password(password)
    User = get_user_model()
    people = [
        (login, first, last, unit, roles, title)
        for login, first, last, unit, roles, title in LOGINS
    ]
    # Extra staff, so coordinators and service providers are many, as in a real municipality.
    n = 1
    for unit in [
        "psykisk_rus",
        "hjemmetjeneste",
        "miljoarbeid",
        "nav",
        "bolig",
        "frisklivs",
        "tildeling",
        "ke",
    ]:
        for _ in range(3):
            first = rng.choice(GIVEN_F + GIVEN_M)
            role = {
                "nav": Role.NAV_ADVISER,
                "tildeling": Role.CASEWORKER,
                "ke": Role.COORDINATING_UNIT,
            }.get(unit, Role.SERVICE_PROVIDER)
            people.append((f"ansatt-{n}", first, rng.choice(FAMILY), unit, [role], "Ansatt"))
            n += 1
        leader_role = [Role.LEADER]
        people.append(
            (
                f"leder-{unit}",
                rng.choice(GIVEN_F),
                rng.choice(FAMILY),
                unit,
                leader_role,
                "Enhetsleder",
            )
        )
    users = User.objects.bulk_create(
        [
            User(
                username=login,
                first_name=first,
                last_name=last,
                password=hashed,
                email=f"{login}@fjordvik.example",
                is_staff=login == "admin",
                is_superuser=login == "admin",
            )
            for login, first, last, *_ in people
        ]
    )
    trained = ctx.today - dt.timedelta(days=200)
    members = StaffMember.objects.bulk_create(
        [
            StaffMember(
                user=user,
                municipality=muni,
                title=title,
                phone=f"9{rng.randint(1000000, 9999999)}",
                coordinator_trained_on=trained
                if unit in {"psykisk_rus", "miljoarbeid", "hjemmetjeneste"} and rng.random() < 0.7
                else None,
            )
            for user, (_, _, _, unit, _, title) in zip(users, people, strict=True)
        ]
    )
    Membership.objects.bulk_create(
        [
            # Demo staff start out confirmed, as if their unit heads had done it.
            Membership(staff=member, unit=ctx.units[unit], role=role, confirmed_at=timezone.now())
            for member, (_, _, _, unit, roles, _) in zip(members, people, strict=True)
            for role in roles
        ]
    )
    ctx.users = {user.username: user for user in users}
    ctx.staff_units = {login: unit for login, _, _, unit, _, _ in people}


def _persons(ctx: DemoContext, count: int, rng: random.Random) -> None:
    rows, seen = [], set()
    for i in range(count):
        gender = rng.choice("KM")
        age = rng.choice([rng.randint(16, 29), rng.randint(16, 29), rng.randint(30, 80)])
        born = ctx.today - dt.timedelta(days=age * 365 + rng.randint(0, 364))
        while True:
            number = identity.synthetic_national_id(rng, born, gender, d_number=rng.random() < 0.06)
            if number not in seen:
                seen.add(number)
                break
        rows.append(
            Person(
                municipality=ctx.municipality,
                national_id=number,
                id_type=identity.kind_of(number),  # bulk_create skips Person.save
                given_name=rng.choice(GIVEN_F if gender == "K" else GIVEN_M),
                family_name=rng.choice(FAMILY),
                birth_date=identity.birth_date(number),
                gender=gender,
                phone=f"4{rng.randint(1000000, 9999999)}",
                address=f"{rng.choice(STREETS)} {rng.randint(1, 120)}, 9999 Fjordvik",
            )
        )
        if (i + 1) % 1000 == 0:
            ctx.progress(f"Personer: {i + 1}/{count}")
    ctx.persons = Person.objects.bulk_create(rows, batch_size=500)
    Relative.objects.bulk_create(
        [
            Relative(
                person=p,
                name=f"{rng.choice(GIVEN_F + GIVEN_M)} {p.family_name}",
                relation=rng.choice(Relative.Relation.values),
                phone=f"9{rng.randint(1000000, 9999999)}",
                is_guardian=rng.random() < 0.05,
            )
            for p in ctx.persons
            if rng.random() < 0.6
        ],
        batch_size=500,
    )
    ctx.progress(f"Personer: {count}/{count}")


def _services(ctx: DemoContext, rng: random.Random) -> None:
    from helhet.people.services import service_type_guesser

    guessed_service_type = service_type_guesser()
    types: dict[tuple[str, str], Any] = {}
    rows = []
    for person in ctx.persons:
        for code in rng.sample(sorted(SERVICES), k=rng.choice([1, 1, 2, 2, 3])):
            start = ctx.today - dt.timedelta(days=rng.randint(30, 1500))
            ended = rng.random() < 0.12
            rows.append(
                Service(
                    person=person,
                    unit=ctx.units[code],
                    name=(name := rng.choice(SERVICES[code])),
                    type=types.get((code, name))
                    or types.setdefault(
                        (code, name),
                        guessed_service_type(
                            ctx.units[code].kind,
                            "lavterskel" if code == "frisklivs" else "vedtak",
                            name,
                        ),
                    ),
                    basis=Service.Basis.LOW_THRESHOLD
                    if code == "frisklivs"
                    else Service.Basis.DECISION,
                    decision_reference=""
                    if code == "frisklivs"
                    else f"V-{rng.randint(10000, 99999)}",
                    valid_from=start,
                    valid_to=ctx.today - dt.timedelta(days=rng.randint(1, 25)) if ended else None,
                )
            )
    Service.objects.bulk_create(rows, batch_size=1000)
    ctx.progress(f"Tjenester: {len(rows)}")


def _coordinators(ctx: DemoContext) -> list:
    """Staff who can be coordinators: service providers in the service units."""
    return [
        ctx.users[login]
        for login in sorted(ctx.users)
        if login == "koordinator" or login.startswith("ansatt-")
    ]


def _plans(ctx: DemoContext, rng: random.Random, password: str) -> None:
    """Plans and coordinators with the spread the audits found."""
    coordinators = _coordinators(ctx)
    me = ctx.users["koordinator"]
    plans, assignments, content = [], [], []
    for index, person in enumerate(ctx.persons):
        draw = rng.random()
        # The first person is the demo login `bruker`: a complete, active plan.
        if index == 0:
            draw = 0.0
        if draw > 0.55:
            continue  # no plan and no coordinator: most persons receiving services
        offered = ctx.today - dt.timedelta(days=rng.randint(20, 900))
        coordinator = me if (index == 0 or rng.random() < 0.18) else rng.choice(coordinators)
        if draw < 0.36:
            status = IndividualPlan.Status.ACTIVE
        elif draw < 0.42:
            status = IndividualPlan.Status.CLOSED
        elif draw < 0.48:
            status = IndividualPlan.Status.DECLINED
        else:
            status = IndividualPlan.Status.OFFERED
        plan = IndividualPlan(
            person=person,
            status=status,
            offered_on=offered,
            answered_on=None
            if status == IndividualPlan.Status.OFFERED
            else offered + dt.timedelta(days=rng.randint(1, 14)),
        )
        plans.append(plan)
        named = status != IndividualPlan.Status.OFFERED or rng.random() < 0.4
        assigned = offered + dt.timedelta(days=rng.randint(0, 10))
        assignments.append(
            CoordinatorAssignment(
                person=person,
                offered_on=offered,
                response=CoordinatorAssignment.Response.ACCEPTED
                if named
                else CoordinatorAssignment.Response.PENDING,
                unit=ctx.units[ctx.staff_units[coordinator.username]],
                assigned_on=assigned,
                coordinator=coordinator if named else None,
                named_on=assigned + dt.timedelta(days=rng.randint(1, 20)) if named else None,
                ended_on=plan.answered_on + dt.timedelta(days=rng.randint(200, 400))
                if status == IndividualPlan.Status.CLOSED and plan.answered_on is not None
                else None,
            )
        )
        if status in (IndividualPlan.Status.ACTIVE, IndividualPlan.Status.CLOSED):
            complete = index == 0 or rng.random() < 0.4
            content.append((plan, coordinator, complete))
            _fill_plan(ctx, plan, rng, complete)
            if status == IndividualPlan.Status.CLOSED:
                plan.closed_on = ctx.today - dt.timedelta(days=rng.randint(1, 200))
    IndividualPlan.objects.bulk_create(plans, batch_size=500)
    CoordinatorAssignment.objects.bulk_create(assignments, batch_size=500)
    _plan_content(ctx, content, rng)
    ctx.progress(f"Planer: {len(plans)}, koordinatorer: {len(assignments)}")

    bruker = get_user_model().objects.create_user(
        username="bruker",
        password=password,
        first_name=ctx.persons[0].given_name,
        last_name=ctx.persons[0].family_name,
    )
    Person.objects.filter(pk=ctx.persons[0].pk).update(user=bruker)
    ctx.persons[0].user = bruker
    ctx.users["bruker"] = bruker

    # Every plan starts its history with a first version, as if written in Helhet.
    author = ctx.users["koordinator"]
    for plan in plans:
        plan_services.record_version(plan=plan, user=author, summary="Plan registrert")
    ctx.progress(f"Planversjoner: {len(plans)}")


def _fill_plan(ctx: DemoContext, plan: IndividualPlan, rng: random.Random, complete: bool):
    start = plan.answered_on or plan.offered_on
    plan.resources = "Sterk motivasjon, god kontakt med søster, liker å lage mat."
    plan.needs = "Trenger hjelp med bolig, økonomi og oppfølging av psykisk helse."
    plan.person_contribution = "Møter til avtaler og sier ifra når noe ikke fungerer."
    plan.relatives_contribution = "Søster hjelper med handling en gang i uka."
    plan.period_start = start
    plan.period_end = start + dt.timedelta(days=730)
    # About a third of active plans have passed their revision date (as audits found).
    plan.revision_due = (
        ctx.today - dt.timedelta(days=rng.randint(1, 120))
        if rng.random() < 0.33
        else ctx.today + dt.timedelta(days=rng.randint(10, 180))
    )
    plan.cooperation = "Samarbeid med fastlege og DPS om medisiner; NAV om arbeid."
    if not complete:
        for name in rng.sample(
            ["resources", "needs", "person_contribution", "cooperation", "revision_due"],
            k=rng.randint(1, 3),
        ):
            setattr(plan, name, None if name == "revision_due" else "")


def _plan_content(ctx: DemoContext, content, rng: random.Random) -> None:
    goals, crisis, at_risk, with_crisis = [], [], [], set()
    for plan, _, complete in content:
        for position, text in enumerate(rng.sample(GOALS, k=rng.randint(1 if complete else 0, 3))):
            goals.append(Goal(plan=plan, text=text, position=position))
        has_crisis = (complete or rng.random() < 0.5) and plan.person_id not in with_crisis
        # The plan shows a risk of crisis for some; most of them have a crisis plan
        # (a few do not: a supervision finding, a real breach).
        if plan.status == IndividualPlan.Status.ACTIVE and rng.random() < (
            0.5 if has_crisis else 0.05
        ):
            plan.crisis_risk = True
            at_risk.append(plan)
        if has_crisis:
            # The crisis plan is the person's (it outlives any one plan).
            with_crisis.add(plan.person_id)
            crisis.append(
                CrisisPlan(
                    person_id=plan.person_id,
                    warning_signs="Sover dårlig, trekker meg unna, slutter å svare på telefon.",
                    what_helps="Å gå tur, å snakke med søsteren min, faste rutiner.",
                    what_does_not_help="Mas og mange spørsmål på en gang.",
                    contacts=[
                        {
                            "name": "Koordinator",
                            "role": "koordinator",
                            "phone": "99 99 99 99",
                            "when": "dag",
                        },
                        {"name": "Legevakt", "role": "", "phone": "116 117", "when": "natt"},
                    ],
                    medication="Ekstra dose etter avtale med fastlegen; ikke nye medisiner uten lege.",
                    own_words="Når jeg blir stille, er det ikke fordi alt er bra.",
                )
            )
    Goal.objects.bulk_create(goals, batch_size=1000)
    CrisisPlan.objects.bulk_create(crisis, batch_size=1000)
    IndividualPlan.objects.bulk_update(at_risk, ["crisis_risk"], batch_size=1000)
    complete_by_plan = {plan.pk: (coordinator, complete) for plan, coordinator, complete in content}
    measures, participants = [], []
    for goal in goals:
        coordinator, complete = complete_by_plan[goal.plan_id]
        title, scope, code = rng.choice(MEASURES)
        unit = ctx.units.get(code)
        partner = ctx.partners.get(code)
        measures.append(
            Measure(
                plan_id=goal.plan_id,
                goal=goal,
                title=title,
                scope=scope if complete or rng.random() < 0.6 else "",
                responsible_unit=unit,
                responsible_partner=partner,
                how="Avtales fortløpende med personen." if complete or rng.random() < 0.5 else "",
                starts_on=ctx.today - dt.timedelta(days=rng.randint(10, 300)),
                status=rng.choice(
                    [
                        Measure.Status.PLANNED,
                        Measure.Status.ONGOING,
                        Measure.Status.ONGOING,
                        Measure.Status.DONE,
                    ]
                ),
            )
        )
    for plan, coordinator, complete in content:
        participants.append(
            Participant(
                plan=plan,
                kind=Participant.Kind.STAFF,
                user=coordinator,
                unit=ctx.units[ctx.staff_units[coordinator.username]],
                name=coordinator.get_full_name(),
                contribution="Koordinator: innkaller til møter og følger opp planen.",
            )
        )
        if complete or rng.random() < 0.6:
            participants.append(
                Participant(
                    plan=plan,
                    kind=Participant.Kind.PARTNER,
                    partner=ctx.partners["dps"],
                    name=ctx.partners["dps"].name,
                    contribution="Behandling og medisinsk oppfølging."
                    if complete or rng.random() < 0.5
                    else "",
                )
            )
    Measure.objects.bulk_create(measures, batch_size=1000)
    Participant.objects.bulk_create(participants, batch_size=1000)
    ctx.progress(f"Mål: {len(goals)}, tiltak: {len(measures)}, deltakere: {len(participants)}")
