"""Demo data for cooperation: directory, routines, responsibility groups, forums.

Deliberately imperfect, so the overviews have something to show: some directory
entries are stale, some routines are past review, some unit pairs share persons
without a routine, some groups have missed meetings and overdue action items.
"""

import datetime as dt

from django.utils import timezone

from helhet.consent.models import Category, ConsentScope
from helhet.consent.services import valid_q
from helhet.cooperation.models import (
    ActionItem,
    CooperationRoutine,
    DirectoryEntry,
    Forum,
    ForumDecision,
    ForumMeeting,
    GroupMember,
    Meeting,
    Message,
    ResponsibilityGroup,
)
from helhet.coordination.models import CoordinatorAssignment
from helhet.demo.context import DemoContext
from helhet.organisation.models import ExternalPartner, Unit
from helhet.plans.models import IndividualPlan, Participant

# kind -> (purpose, services, target groups, low-threshold offers, how to apply, hours)
UNIT_TEXTS = {
    Unit.Kind.COORDINATING: (
        "Koordinerende enhet har oversikt over individuelle planer og koordinatorer.",
        "Individuell plan, koordinator, veiledning om rettigheter",
        "Personer med langvarige og sammensatte behov, og deres pårørende",
        "Ring oss for en uforpliktende samtale",
        "Søknad om individuell plan eller koordinator, muntlig eller skriftlig",
    ),
    Unit.Kind.ALLOCATION: (
        "Tildelingsenheten behandler søknader om helse- og omsorgstjenester.",
        "Vedtak om hjemmetjenester, praktisk bistand, avlastning, omsorgsstønad",
        "Alle som trenger kommunale helse- og omsorgstjenester",
        "",
        "Søknadsskjema på kommunens nettside eller hjelp til å søke på telefon",
    ),
    Unit.Kind.MENTAL_HEALTH: (
        "Hjelp til voksne med psykiske plager og rusproblemer.",
        "Samtaler, oppfølging i hjemmet, ROP-team, ettervern etter behandling",
        "Voksne over 18 år med psykiske helseplager og/eller rusproblemer",
        "Drop-in hver tirsdag 12–15, ingen henvisning",
        "Ta kontakt selv, eller via fastlege",
    ),
    Unit.Kind.HOME_CARE: (
        "Helsehjelp og praktisk bistand i hjemmet.",
        "Hjemmesykepleie, medisinhåndtering, praktisk bistand",
        "Alle aldre som trenger helsehjelp hjemme",
        "",
        "Søk via tildelingsenheten",
    ),
    Unit.Kind.SUPPORT_WORK: (
        "Miljøarbeid og bo-oppfølging for å mestre hverdagen.",
        "Miljøarbeidertjeneste, bo-oppfølging, støttekontakt, aktivitetstilbud",
        "Personer med behov for hjelp til å mestre bolig og hverdag",
        "Aktivitetskafé onsdager 11–14",
        "Søk via tildelingsenheten",
    ),
    Unit.Kind.NAV: (
        "NAV-kontoret gir veiledning om arbeid, økonomi og sosiale tjenester.",
        "Økonomisk sosialhjelp, kvalifiseringsprogram, arbeidsrettet oppfølging, "
        "økonomisk rådgivning, midlertidig botilbud",
        "Alle innbyggere; egne veiledere for ungdom 16–30 år",
        "Åpent mottak hverdager 10–14",
        "Søk digitalt på nav.no eller få hjelp i mottaket",
    ),
    Unit.Kind.HOUSING: (
        "Boligkontoret hjelper vanskeligstilte på boligmarkedet.",
        "Kommunal utleiebolig, startlån, bostøtte, boligsosial veiledning",
        "Vanskeligstilte på boligmarkedet",
        "",
        "Søknadsskjema på kommunens nettside",
    ),
    Unit.Kind.HEALTHY_LIFE: (
        "Frisklivssentralen hjelper deg å endre levevaner.",
        "Fysisk aktivitet, kostholdskurs, røykeslutt, søvnkurs, kurs i mestring av depresjon",
        "Voksne som vil endre levevaner",
        "Ingen henvisning nødvendig – ta kontakt selv",
        "Ring eller send e-post",
    ),
}
PARTNER_TEXTS = {
    ExternalPartner.Kind.DPS: (
        "Distriktspsykiatrisk senter gir spesialisthelsetjenester i psykisk helsevern og rus.",
        "Poliklinikk, ambulant team, døgnavdeling, FACT-team",
        "Voksne med alvorlige psykiske lidelser og rusproblemer",
        "",
        "Henvisning fra fastlege",
    ),
    ExternalPartner.Kind.GP: (
        "Fastlegekontor.",
        "Allmennlegetjenester, henvisning til spesialisthelsetjenesten",
        "Innbyggere på legens liste",
        "",
        "Bestill time på telefon eller digitalt",
    ),
    ExternalPartner.Kind.HOSPITAL: (
        "Sykehus og spesialisthelsetjeneste.",
        "Utredning og behandling, utskrivningsklare pasienter",
        "Pasienter henvist fra lege",
        "",
        "Henvisning fra lege",
    ),
}
OTHER_TEXT = (
    "Samarbeidspartner.",
    "Se nettside",
    "Alle",
    "",
    "Ta kontakt",
)
CONTACT_NAMES = [
    "Anne Berg",
    "Tor Haugen",
    "Lise Moen",
    "Per Solberg",
    "Hilde Strand",
    "Knut Dahl",
    "Marit Lund",
    "Geir Aas",
    "Siri Holm",
    "Odd Vik",
]
# Unit kinds with a routine between them; pairs that share persons but are
# left out here show up as gaps in the routine overview.
ROUTINE_PAIRS = [
    ("psykisk_rus", "nav", "Samarbeid om ROP-brukere", False),
    ("ke", "tildeling", "Koordinering og tildeling", False),
    ("psykisk_rus", "hjemmetjeneste", "Legemiddelhåndtering og oppfølging", True),
    ("nav", "bolig", "Boligsosialt arbeid", True),
]
MINUTES = [
    "Gjennomgang av målene i planen. {name} forteller at det går bedre med søvn og rutiner.",
    "Status fra tjenestene. Boligsituasjonen er fortsatt uavklart.",
    "{name} ønsker å starte i arbeidstrening. NAV undersøker muligheter.",
    "Evaluering av kriseplanen. Ingen endringer.",
    "Kort møte. {name} var syk; pårørende deltok.",
]
ITEMS = [
    "Sende søknad om kommunal bolig",
    "Avklare oppstart i arbeidstrening",
    "Bestille time hos fastlege for legemiddelgjennomgang",
    "Oppdatere kriseplanen",
    "Kontakte skolen om oppstart",
    "Søke om støttekontakt",
    "Følge opp søknad om kvalifiseringsprogram",
    "Avtale ansvarsgruppemøte med DPS",
]


def populate(ctx: DemoContext) -> None:
    rng = ctx.rng_for("cooperation")
    staff_users = [u for name, u in sorted(ctx.users.items()) if hasattr(u, "staff")]
    _directory(ctx, rng, staff_users)
    _routines(ctx, rng)
    _agreement(ctx)
    _groups(ctx, rng)
    _forums(ctx)
    ctx.progress("cooperation: tjenesteoversikt, rutiner, ansvarsgrupper og forum")


def _agreement(ctx) -> None:
    """The agreement with the health trust (hol. § 6-1) and its sub-agreements
    covering every topic of § 6-2 and ROP, all within their revision dates."""
    from helhet.cooperation.models import CooperationAgreement, SubAgreement
    from helhet.cooperation.rules import REQUIRED_TOPICS

    today = ctx.today
    agreement = CooperationAgreement.objects.create(
        municipality=ctx.municipality,
        title="Samarbeidsavtale mellom Fjordvik kommune og Helse Fjord HF",
        health_trust="Helse Fjord HF",
        signed_on=today - dt.timedelta(days=700),
        owner="Kommunalsjef helse og omsorg",
        revision_due=today + dt.timedelta(days=400),
        reference="Sak 2024/117",
    )
    groups = [REQUIRED_TOPICS[i : i + 3] for i in range(0, len(REQUIRED_TOPICS), 3)]
    SubAgreement.objects.bulk_create(
        SubAgreement(
            agreement=agreement,
            title=f"Tjenesteavtale {n}",
            topics=list(topics),
            owner="Kommunalsjef helse og omsorg",
            approved_on=today - dt.timedelta(days=650),
            revision_due=today + dt.timedelta(days=100 + 60 * n),
        )
        for n, topics in enumerate(groups, start=1)
    )


def _unit_texts(unit):
    # The head of sector gives no service to the public.
    return None if unit.kind == Unit.Kind.SECTOR_HEAD else UNIT_TEXTS.get(unit.kind, OTHER_TEXT)


def _directory(ctx, rng, staff_users) -> None:
    entries = []
    parties = [(u, None, _unit_texts(u)) for _, u in sorted(ctx.units.items())] + [
        (None, p, PARTNER_TEXTS.get(p.kind, OTHER_TEXT)) for _, p in sorted(ctx.partners.items())
    ]
    for n, (unit, partner, texts) in enumerate(parties):
        if texts is None:
            continue
        purpose, services, targets, low, apply = texts
        # About one in four is past the 12 months (an audit: contact lists go stale).
        age_days = rng.randint(380, 800) if rng.random() < 0.25 else rng.randint(0, 300)
        entries.append(
            DirectoryEntry(
                municipality=ctx.municipality,
                unit=unit,
                partner=partner,
                purpose=purpose,
                services=services,
                target_groups=targets,
                low_threshold=low,
                how_to_apply=apply,
                contact_person=CONTACT_NAMES[n % len(CONTACT_NAMES)],
                phone=f"{rng.randint(40, 99)}{rng.randint(0, 999999):06d}",
                email=f"post.{(unit or partner).code}@demo.kommune.no",
                opening_hours="Hverdager 08.00–15.30",
                last_verified=ctx.today - dt.timedelta(days=age_days),
                owner=rng.choice(staff_users) if staff_users else None,
            )
        )
    DirectoryEntry.objects.bulk_create(entries)


def _routines(ctx, rng) -> None:
    owner = ctx.users.get("leder") or ctx.users.get("ke")
    if owner is None:
        return
    for a, b, title, overdue in ROUTINE_PAIRS:
        if a not in ctx.units or b not in ctx.units:
            continue
        review = ctx.today + dt.timedelta(days=-rng.randint(20, 200) if overdue else 200)
        routine = CooperationRoutine.objects.create(
            municipality=ctx.municipality,
            title=title,
            content=(
                "1. Formål og ansvar\n2. Faste samarbeidsmøter hver måned\n"
                "3. Kontaktpersoner i hver enhet\n4. Avvik meldes i kvalitetssystemet"
            ),
            owner=owner,
            approved_by="Kommunalsjef helse og omsorg",
            approved_on=review - dt.timedelta(days=365),
            version=f"{rng.randint(1, 3)}.{rng.randint(0, 4)}",
            review_due=review,
        )
        routine.units.set([ctx.units[a], ctx.units[b]])


def _consented_partners(person_ids, now) -> dict[int, set[int]]:
    """Partners each person has a valid consent scope for cooperation with (hpl § 22)."""
    found: dict[int, set[int]] = {}
    scopes = ConsentScope.objects.filter(
        valid_q(moment=now, prefix="consent__"),
        consent__person_id__in=person_ids,
        partner__isnull=False,
        category=Category.COOPERATION,
    ).values_list("consent__person_id", "partner_id")
    for person_id, partner_id in scopes:
        found.setdefault(person_id, set()).add(partner_id)
    return found


def _groups(ctx, rng) -> None:
    now = timezone.now()
    person_ids = [p.pk for p in ctx.persons]
    plans = {p.person_id: p for p in IndividualPlan.objects.open().filter(person_id__in=person_ids)}
    chosen = [p for p in ctx.persons if p.pk in plans and rng.random() < 0.7]
    if not chosen:
        return
    ids = [p.pk for p in chosen]
    coordinators = {
        a.person_id: a
        for a in CoordinatorAssignment.objects.filter(
            person_id__in=ids, ended_on__isnull=True, coordinator__isnull=False
        ).select_related("coordinator__staff")
    }
    participants: dict[int, list] = {}
    for part in Participant.objects.filter(plan__in=[plans[i] for i in ids], user__isnull=False):
        participants.setdefault(part.plan_id, []).append(part)
    consented = _consented_partners(ids, now)
    partners = {p.pk: p for p in ctx.partners.values()}

    groups = ResponsibilityGroup.objects.bulk_create(
        [
            ResponsibilityGroup(
                person=p,
                frequency_weeks=rng.choice([4, 6, 6, 8]),
                created_on=max(plans[p.pk].offered_on, ctx.today - dt.timedelta(days=420)),
            )
            for p in chosen
        ]
    )
    members = []
    for person, group in zip(chosen, groups, strict=True):
        members += _members_for(
            group,
            coordinators.get(person.pk),
            participants.get(plans[person.pk].pk, []),
            [partners[i] for i in sorted(consented.get(person.pk, ())) if i in partners],
            rng,
        )
    members = GroupMember.objects.bulk_create(members, batch_size=500)
    by_group: dict[int, list] = {}
    for m in members:
        by_group.setdefault(m.group_id, []).append(m)
    _meetings(ctx, rng, chosen, groups, by_group, now)
    _messages(ctx, rng, chosen, coordinators)


def _members_for(group, assignment, participants, partners, rng) -> list[GroupMember]:
    members = []
    seen = set()
    if assignment is not None:
        user = assignment.coordinator
        seen.add(user.pk)
        members.append(
            GroupMember(
                group=group,
                kind=GroupMember.Kind.STAFF,
                user=user,
                unit_id=assignment.unit_id,
                name=user.get_full_name() or user.get_username(),
                role="Koordinator",
                phone=user.staff.phone,
                email=user.email,
            )
        )
    for part in participants:
        if part.user_id in seen:
            continue
        seen.add(part.user_id)
        members.append(
            GroupMember(
                group=group,
                kind=GroupMember.Kind.STAFF,
                user_id=part.user_id,
                unit_id=part.unit_id,
                name=part.name,
            )
        )
    # External partners only where the person has consented (hpl § 22).
    for partner in partners[:2]:
        members.append(
            GroupMember(
                group=group, kind=GroupMember.Kind.PARTNER, partner=partner, name=partner.name
            )
        )
    members.append(
        GroupMember(
            group=group, kind=GroupMember.Kind.PERSON, name=group.person.full_name, role="Planeier"
        )
    )
    if rng.random() < 0.4:
        members.append(
            GroupMember(
                group=group, kind=GroupMember.Kind.RELATIVE, name="Pårørende", role="Støtte"
            )
        )
    return members


def _meeting_days(ctx, rng, group) -> list[dt.date]:
    days, day = [], group.created_on + dt.timedelta(days=rng.randint(7, 21))
    while day <= ctx.today:
        days.append(day)
        # Now and then a meeting slips far beyond the agreed frequency.
        slip = rng.choice([0, 0, 0, 7, 35]) if rng.random() < 0.3 else rng.randint(-3, 5)
        day += dt.timedelta(weeks=group.frequency_weeks, days=slip)
    return days


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _meetings(ctx, rng, persons, groups, by_group, now) -> None:
    meetings = []
    for person, group in zip(persons, groups, strict=True):
        for day in _meeting_days(ctx, rng, group):
            held = rng.random() > 0.08
            meetings.append(
                Meeting(
                    group=group,
                    starts_at=_at(day, rng.choice([9, 10, 12, 13, 14])),
                    place=rng.choice(
                        ["Helsehuset, møterom 2", "Rådhuset, møterom 1", "NAV-kontoret"]
                    ),
                    agenda="1. Gjennomgang av planen\n2. Oppfølgingspunkter\n3. Eventuelt",
                    status=Meeting.Status.HELD if held else Meeting.Status.CANCELLED,
                    minutes=rng.choice(MINUTES).format(name=person.given_name) if held else "",
                )
            )
        if rng.random() < 0.7:
            next_day = ctx.today + dt.timedelta(days=rng.randint(3, 40))
            meetings.append(
                Meeting(
                    group=group,
                    starts_at=_at(next_day, 10),
                    place="Helsehuset, møterom 2",
                    agenda="1. Oppfølgingspunkter\n2. Evaluering av planen",
                )
            )
    meetings = Meeting.objects.bulk_create(meetings, batch_size=500)
    _attendees_and_items(rng, meetings, by_group, now)


def _attendees_and_items(rng, meetings, by_group, now) -> None:
    through = Meeting.attendees.through
    attendance, items = [], []
    per_group: dict[int, list] = {}
    for m in meetings:
        per_group.setdefault(m.group_id, []).append(m)
    for group_id, group_meetings in per_group.items():
        members = by_group.get(group_id, [])
        held = [m for m in group_meetings if m.status == Meeting.Status.HELD]
        for i, meeting in enumerate(held):
            attendance += [
                through(meeting_id=meeting.pk, groupmember_id=mem.pk)
                for mem in members
                if rng.random() < 0.85
            ]
            for _ in range(rng.randint(0, 2) if members else 0):
                later = held[i + 1 :]
                closed_in = rng.choice(later) if later and rng.random() < 0.7 else None
                items.append(
                    ActionItem(
                        group_id=group_id,
                        raised_in=meeting,
                        text=rng.choice(ITEMS),
                        owner=rng.choice(members),
                        due_on=meeting.starts_at.date() + dt.timedelta(days=rng.randint(14, 45)),
                        status=ActionItem.Status.CLOSED
                        if closed_in
                        else rng.choice([ActionItem.Status.OPEN, ActionItem.Status.ONGOING]),
                        closed_at=closed_in.starts_at if closed_in else None,
                    )
                )
    through.objects.bulk_create(attendance, batch_size=1000)
    ActionItem.objects.bulk_create(items, batch_size=500)


def _messages(ctx, rng, persons, coordinators) -> None:
    messages = []
    for person in persons:
        assignment = coordinators.get(person.pk)
        if assignment is None or rng.random() < 0.6:
            continue
        user = assignment.coordinator
        messages.append(
            Message(
                person=person,
                author=user,
                author_name=user.get_full_name() or user.get_username(),
                body=(
                    f"Hei {person.given_name}! Minner om ansvarsgruppemøtet. "
                    "Si fra om tidspunktet ikke passer."
                ),
            )
        )
    Message.objects.bulk_create(messages, batch_size=500)


def _forums(ctx) -> None:
    units = list(ctx.units.values())
    partners = list(ctx.partners.values())
    specs = [
        (
            "Samhandlingsutvalget psykisk helse og rus",
            "Felles planlegging mellom kommunen og DPS: forløp, utskrivning og ettervern.",
            "Hver 2. måned",
            [
                ("Felles rutine for utskrivning fra DPS", "Kommunalsjef", True),
                ("Kartlegge ventetid til kommunal oppfølging", "Psykisk helse og rus", False),
            ],
        ),
        (
            "Ungdomsforum NAV og kommune",
            "Tiltak for unge 16–25 år utenfor arbeid og utdanning (Innlandet-rapporten).",
            "Kvartalsvis",
            [
                ("Felles kontaktpunkt for unge på NAV-kontoret", "NAV-leder", False),
                ("Evaluere samtykkeskjemaet med brukerrepresentant", "Kvalitetsrådgiver", False),
            ],
        ),
    ]
    for n, (name, purpose, frequency, decisions) in enumerate(specs):
        forum = Forum.objects.create(
            municipality=ctx.municipality,
            name=name,
            purpose=purpose,
            frequency=frequency,
            members="Kommunalsjef helse og omsorg (leder)\nLeder NAV\nBrukerrepresentant",
        )
        forum.units.set(units[n::2][:4])
        forum.partners.set(partners[:1])
        meeting = ForumMeeting.objects.create(
            forum=forum,
            held_on=ctx.today - dt.timedelta(days=30 + 20 * n),
            place="Rådhuset",
            agenda="1. Status\n2. Nye tiltak",
            minutes="Enighet om tiltakene under.",
        )
        ForumDecision.objects.bulk_create(
            [
                ForumDecision(
                    meeting=meeting,
                    text=text,
                    responsible=responsible,
                    due_on=ctx.today + dt.timedelta(days=60),
                    status=ForumDecision.Status.DONE if done else ForumDecision.Status.OPEN,
                    follow_up="Vedtatt og innført." if done else "",
                )
                for text, responsible, done in decisions
            ]
        )
