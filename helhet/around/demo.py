"""Demo data around the person: services outside the municipality, need
assessments, somatic follow-up, referrals, discharge notices with aftercare
plans, and messages with the GP. Synthetic only; deterministic for the seed.

The spread is the audits' findings: most discharges have aftercare in place on
the day, some lack housing; most GPs of persons with a plan were told
of it, some were not (supervision)."""

import datetime as dt

from django.utils import timezone

from helhet.around.models import (
    AftercarePlan,
    ChildRelative,
    DischargeNotice,
    ExternalService,
    GpMessage,
    NeedAssessment,
    Referral,
    RelativeNeed,
    SomaticFollowUp,
)
from helhet.consent.models import Category, Consent, ConsentScope
from helhet.consent.services import valid_q
from helhet.demo.context import DemoContext
from helhet.mapping.models import DomainScore, Mapping
from helhet.people.models import Relative
from helhet.plans.models import CrisisPlan, IndividualPlan


def populate(ctx: DemoContext) -> None:
    rng = ctx.rng_for("around")
    today = ctx.today
    ke = ctx.units["ke"]
    assessor = ctx.users.get("ke")
    gps = [p for code, p in sorted(ctx.partners.items()) if code.startswith("fastlege")]
    dps = ctx.partners.get("dps")
    with_plan = set(
        IndividualPlan.objects.filter(person__municipality=ctx.municipality).values_list(
            "person_id", flat=True
        )
    )
    externals, assessments = [], []
    for person in ctx.persons:
        start = today - dt.timedelta(days=rng.randint(200, 3000))
        if gps and rng.random() < 0.9:
            gp = rng.choice(gps)
            externals.append(
                ExternalService(
                    person=person,
                    kind=ExternalService.Kind.GP,
                    name=gp.name,
                    partner=gp,
                    valid_from=start,
                    unit=ke,
                )
            )
        if rng.random() < 0.15:
            kind = rng.choice(
                [ExternalService.Kind.DPS, ExternalService.Kind.TSB, ExternalService.Kind.NAV]
            )
            externals.append(
                ExternalService(
                    person=person,
                    kind=kind,
                    name={
                        "dps": "DPS Fjordvik poliklinikk",
                        "tsb": "Rusklinikken",
                        "nav": "NAV Fjordvik",
                    }[kind],
                    partner=dps if kind == ExternalService.Kind.DPS else None,
                    contact_person="Behandler",
                    valid_from=today - dt.timedelta(days=rng.randint(30, 700)),
                    unit=ctx.units["psykisk_rus"],
                )
            )
        # Everyone offered an IP was assessed first; a share of the others too.
        if person.pk in with_plan or rng.random() < 0.5:
            assessments.append(
                NeedAssessment(
                    person=person,
                    needs_coordinated=person.pk in with_plan or rng.random() < 0.1,
                    assessed_on=today - dt.timedelta(days=rng.randint(30, 900)),
                    assessed_by=assessor,
                    assessed_by_name=assessor.get_full_name() if assessor else "KE",
                    unit=ke,
                    note="Vurdert i samtale med personen og tjenestene rundt.",
                )
            )
    ExternalService.objects.bulk_create(externals, batch_size=1000)
    NeedAssessment.objects.bulk_create(assessments, batch_size=1000)
    outside = _outside(ctx, ctx.rng_for("around-outside"))
    in_groups = _outside_in_groups(ctx, ctx.rng_for("around-groups"))
    somatic = _somatic(ctx, rng)
    _crisis_plans(ctx, rng)
    referrals = _referrals(ctx, ctx.rng_for("around-referrals"))
    notices = _discharges(ctx, ctx.rng_for("around-discharges"))
    messages = _gp_messages(ctx, ctx.rng_for("around-gp"))
    relatives = _relative_needs(ctx, ctx.rng_for("around-relatives"))
    children = _children(ctx, ctx.rng_for("around-children"))
    ctx.progress(
        f"around: {len(externals)} tjenester utenfor kommunen, {len(assessments)} vurderinger, "
        f"{len(somatic)} somatiske oppfølginger, {referrals} henvisninger, {notices} varsler "
        f"om utskrivning, {messages} fastlegemeldinger, {relatives} pårørendebehov, "
        f"{children} barn som pårørende, {outside} barnevern/kriminalomsorg/"
        f"oppfølgingstjeneste, {in_groups} eksterne i ansvarsgrupper"
    )


def _referrals(ctx, rng) -> int:
    today, unit = ctx.today, ctx.units["psykisk_rus"]
    places = {
        Referral.Service.DPS: "DPS Fjordvik poliklinikk",
        Referral.Service.TSB: "Rusklinikken",
        Referral.Service.DETOX: "Avrusningsenheten",
    }
    rows = []
    for person in ctx.persons:
        if rng.random() >= 0.08:
            continue
        service = rng.choice(sorted(places))
        sent = today - dt.timedelta(days=rng.randint(5, 400))
        status = rng.choice(
            [Referral.Status.WAITING, Referral.Status.ACCEPTED, Referral.Status.ACCEPTED]
            + [Referral.Status.REJECTED, Referral.Status.DONE]
        )
        answered = (
            None
            if status == Referral.Status.WAITING
            else min(today, sent + dt.timedelta(days=rng.randint(3, 30)))
        )
        rows.append(
            Referral(
                person=person,
                direction=Referral.Direction.SENT,
                service=service,
                counterpart=places[service],
                partner=ctx.partners.get("dps") if service == Referral.Service.DPS else None,
                sent_on=sent,
                reason="Behov for vurdering i spesialisthelsetjenesten.",
                status=status,
                answered_on=answered,
                answer={
                    Referral.Status.ACCEPTED: "Rett til helsehjelp; innkalling sendt.",
                    Referral.Status.REJECTED: "Ikke rett til helsehjelp; råd til kommunen.",
                    Referral.Status.DONE: "Behandlingen er avsluttet; epikrise sendt.",
                }.get(status, ""),
                unit=unit,
            )
        )
    Referral.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _discharges(ctx, rng) -> int:
    """Discharges over the last year and the next weeks; most with aftercare in
    place on the day, some without housing, some ahead without a plan
    yet (they show as alerts)."""
    today, unit = ctx.today, ctx.units["psykisk_rus"]
    notices, plans = [], []
    for person in ctx.persons:
        if rng.random() >= 0.05:
            continue
        prison = rng.random() < 0.25
        ahead = rng.random() < 0.25
        day = today + dt.timedelta(days=rng.randint(1, 30) if ahead else -rng.randint(1, 330))
        received = min(today, day - dt.timedelta(days=rng.randint(3, 30)))
        notice = DischargeNotice(
            person=person,
            source=DischargeNotice.Source.PRISON if prison else DischargeNotice.Source.SPECIALIST,
            institution="Fjordvik fengsel" if prison else "DPS Fjordvik, døgnpost",
            partner=None if prison else ctx.partners.get("dps"),
            received_on=received,
            discharge_on=day,
            unit=unit,
        )
        notices.append(notice)
        roll = rng.random()
        if day > today and roll < 0.5:
            continue  # announced, no aftercare plan yet: an alert
        made = min(today, received + dt.timedelta(days=rng.randint(1, 5)))
        notice.acted_on = made
        housing_late = roll > 0.8
        plans.append(
            (
                notice,
                AftercarePlan(
                    made_on=made,
                    housing="Kommunal utleiebolig" if not housing_late else "Søkt kommunal bolig",
                    housing_ready_on=None if housing_late else min(day, made),
                    follow_up="Psykisk helse og rus: hjemmebesøk to ganger i uka",
                    follow_up_ready_on=day,
                    activity="Aktivitetshuset, arbeidstrening",
                    responsibilities="Boligkontoret: bolig. Psykisk helse og rus: oppfølging. "
                    "NAV: økonomi.",
                    unit=unit,
                ),
            )
        )
    DischargeNotice.objects.bulk_create(notices, batch_size=1000)
    for notice, plan in plans:
        plan.notice = notice
    AftercarePlan.objects.bulk_create([plan for _notice, plan in plans], batch_size=1000)
    return len(notices)


def _gp_messages(ctx, rng) -> int:
    """Persons with an active plan and a GP practice: most consent to the GP
    receiving the plan (a box on their consent) and the GP was told; some were
    not told. A few messages come from the GP."""
    today, unit = ctx.today, ctx.units["ke"]
    plans = {
        person_id: since
        for person_id, offered, answered in IndividualPlan.objects.filter(
            person__municipality=ctx.municipality, status=IndividualPlan.Status.ACTIVE
        )
        .order_by("offered_on", "pk")
        .values_list("person_id", "offered_on", "answered_on")
        for since in [answered or offered]
    }
    gps = {
        row.person_id: row
        for row in ExternalService.objects.filter(
            person_id__in=list(plans), kind=ExternalService.Kind.GP, partner__isnull=False
        ).order_by("pk")
    }
    consents: dict[int, Consent] = {}
    for consent in Consent.objects.filter(
        valid_q(moment=timezone.now()), person_id__in=list(gps)
    ).order_by("pk"):
        consents.setdefault(consent.person_id, consent)
    scopes, rows = [], []
    for person_id, gp in sorted(gps.items()):
        found = consents.get(person_id)
        if found is not None and rng.random() < 0.85:
            consent = found
            if not ConsentScope.objects.filter(
                consent=consent, partner_id=gp.partner_id, category=Category.PLAN
            ).exists():
                scopes.append(
                    ConsentScope(consent=consent, partner_id=gp.partner_id, category=Category.PLAN)
                )
                assert gp.partner_id is not None  # GPs with a practice only (above)
                consent.partners.add(gp.partner_id)
            if rng.random() < 0.8:
                since = plans[person_id]
                # The demo's plan versions are written today: most GPs were told
                # of the plan as it stands now, the rest only when it started.
                told_now = rng.random() < 0.6
                rows.append(
                    GpMessage(
                        person_id=person_id,
                        direction=GpMessage.Direction.TO_GP,
                        gp=gp,
                        sent_on=today
                        if told_now
                        else min(today, since + dt.timedelta(days=rng.randint(0, 30))),
                        about_plan=True,
                        what_changed="Planen er revidert."
                        if told_now
                        else "Individuell plan er startet.",
                        plan_summary="Mål: egen bolig og arbeid. Tiltak: oppfølging i hjemmet.",
                        coordinator="Koordinator i koordinerende enhet",
                        unit=unit,
                    )
                )
        if rng.random() < 0.2:
            rows.append(
                GpMessage(
                    person_id=person_id,
                    direction=GpMessage.Direction.FROM_GP,
                    gp=gp,
                    sent_on=today - dt.timedelta(days=rng.randint(1, 200)),
                    text="Blodprøver tatt; ingen endring i medisinene.",
                    unit=unit,
                )
            )
    ConsentScope.objects.bulk_create(scopes, batch_size=1000)
    GpMessage.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _crisis_plans(ctx, rng) -> None:
    """Most persons whose latest mapping shows a risk of crisis get a crisis plan
    of their own, also without an IP; a few do not (a supervision finding)."""
    latest = {}
    for person_id, risk in (
        Mapping.objects.filter(person__municipality=ctx.municipality)
        .order_by("mapped_on", "pk")
        .values_list("person_id", "crisis_risk")
    ):
        latest[person_id] = risk
    have = set(
        CrisisPlan.objects.filter(person__municipality=ctx.municipality).values_list(
            "person_id", flat=True
        )
    )
    CrisisPlan.objects.bulk_create(
        CrisisPlan(
            person_id=person_id,
            warning_signs="Trekker meg unna, sover lite, slutter å spise.",
            what_helps="Besøk av kjent ansatt, faste avtaler, å gå tur.",
            what_does_not_help="Mange nye folk på en gang, å bli stående alene på venterom.",
            contacts=[
                {
                    "name": "Psykisk helse og rus",
                    "role": "kommunal tjeneste",
                    "phone": "99 99 99 99",
                    "when": "dag",
                },
                {"name": "Legevakt", "role": "", "phone": "116 117", "when": "natt"},
            ],
        )
        for person_id, risk in sorted(latest.items())
        if risk and person_id not in have and rng.random() < 0.85
    )


def _somatic(ctx, rng) -> list:
    """Persons whose latest mapping shows both substance and mental-health problems:
    most are checked within the year and the GP told; some are not (a real gap)."""
    today = ctx.today
    latest = {}
    for pk, person_id in (
        Mapping.objects.filter(person__municipality=ctx.municipality)
        .order_by("mapped_on", "pk")
        .values_list("pk", "person_id")
    ):
        latest[person_id] = pk
    levels: dict[int, dict[str, int]] = {}
    for mapping_id, domain, level in DomainScore.objects.filter(
        mapping_id__in=list(latest.values()), domain__in=["rus", "psykisk"]
    ).values_list("mapping_id", "domain", "level"):
        levels.setdefault(mapping_id, {})[domain] = level
    unit = ctx.units["psykisk_rus"]
    rows = []
    for person_id, mapping_id in sorted(latest.items()):
        found = levels.get(mapping_id, {})
        if found.get("rus", 0) < 2 or found.get("psykisk", 0) < 2 or rng.random() < 0.15:
            continue
        checked = today - dt.timedelta(days=rng.randint(10, 300))
        by_gp = rng.random() < 0.4
        rows.append(
            SomaticFollowUp(
                person_id=person_id,
                kind=SomaticFollowUp.Kind.CHECK,
                done_on=checked,
                done_by="Fastlegen" if by_gp else "Sykepleier, psykisk helse og rus",
                by_gp=by_gp,
                unit=unit,
            )
        )
        if not by_gp:
            rows.append(
                SomaticFollowUp(
                    person_id=person_id,
                    kind=SomaticFollowUp.Kind.GP_INFORMED,
                    done_on=min(today, checked + dt.timedelta(days=rng.randint(0, 7))),
                    done_by="Sykepleier, psykisk helse og rus",
                    unit=unit,
                )
            )
    SomaticFollowUp.objects.bulk_create(rows, batch_size=1000)
    return rows


def _relative_needs(ctx, rng) -> int:
    """A share of relatives have their own needs mapped; most followed up.
    Information is followed up only where the person consented (pbrl. § 3-3)."""
    today, unit = ctx.today, ctx.units["psykisk_rus"]
    rows = []
    # Relatives of persons with an active plan are met in the plan work, so more
    # of them are mapped — but not all (the criterion ``relatives_own_needs``).
    with_plan = set(
        IndividualPlan.objects.filter(
            person__municipality=ctx.municipality, status=IndividualPlan.Status.ACTIVE
        ).values_list("person_id", flat=True)
    )
    for relative in Relative.objects.filter(person__municipality=ctx.municipality).order_by("pk"):
        if rng.random() >= (0.7 if relative.person_id in with_plan else 0.3):
            continue
        kind = rng.choice(RelativeNeed.Kind.values)
        consented = rng.random() < 0.7
        mapped = today - dt.timedelta(days=rng.randint(10, 300))
        followed = rng.random() < 0.75 and (kind not in ("informasjon", "medvirkning") or consented)
        rows.append(
            RelativeNeed(
                relative=relative,
                kind=kind,
                person_consented=consented,
                mapped_on=mapped,
                description="Slitne etter lang tid med bekymring.",
                follow_up="Samtale og pårørendekurs" if followed else "",
                followed_up_on=min(today, mapped + dt.timedelta(days=14)) if followed else None,
                unit=unit,
            )
        )
    RelativeNeed.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _children(ctx, rng) -> int:
    """Persons whose latest mapping says they care for children under 18 get one
    or two children registered; most children's needs are assessed (hpl. § 10 a),
    some are not (a real gap)."""
    today, unit = ctx.today, ctx.units["psykisk_rus"]
    latest = {}
    for person_id, answer in (
        Mapping.objects.filter(person__municipality=ctx.municipality)
        .order_by("mapped_on", "pk")
        .values_list("person_id", "cares_for_children")
    ):
        latest[person_id] = answer
    names = ["Emma", "Noah", "Olivia", "Jakob", "Nora", "Lukas", "Sofie", "Emil"]
    rows = []
    for person_id, answer in sorted(latest.items()):
        if answer != Mapping.Children.YES:
            continue
        for _n in range(rng.randint(1, 2)):
            assessed = rng.random() < 0.75
            rows.append(
                ChildRelative(
                    person_id=person_id,
                    first_name=rng.choice(names),
                    birth_year=today.year - rng.randint(2, 16),
                    condition=rng.choice(
                        [ChildRelative.Condition.MENTAL, ChildRelative.Condition.SUBSTANCE]
                    ),
                    lives_with_patient=rng.random() < 0.6,
                    assessed_on=today - dt.timedelta(days=rng.randint(5, 200))
                    if assessed
                    else None,
                    needs="Alderstilpasset informasjon om forelderens sykdom." if assessed else "",
                    measures="Samtale med barnet og forelderen; helsesykepleier informert."
                    if assessed
                    else "",
                    responsible="Barneansvarlig, psykisk helse og rus" if assessed else "",
                    unit=unit,
                )
            )
    ChildRelative.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _outside(ctx, rng) -> int:
    """Child welfare, the correctional service and the county's follow-up
    service for some persons: counted when judging the need for an IP."""
    today, unit = ctx.today, ctx.units["psykisk_rus"]
    rows = []
    for person in ctx.persons:
        age = (today - person.birth_date).days // 365 if person.birth_date else 40
        options = []
        if age < 22:
            options.append((0.3, ExternalService.Kind.FOLLOW_UP, "Oppfølgingstjenesten"))
            options.append((0.1, ExternalService.Kind.CHILD_WELFARE, "Barnevernstjenesten"))
        options.append((0.03, ExternalService.Kind.CORRECTIONAL, "Friomsorgskontoret"))
        for share, kind, name in options:
            if rng.random() < share:
                rows.append(
                    ExternalService(
                        person=person,
                        kind=kind,
                        name=name,
                        contact_person="Kontaktperson",
                        valid_from=today - dt.timedelta(days=rng.randint(30, 500)),
                        unit=unit,
                    )
                )
    ExternalService.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _outside_in_groups(ctx, rng) -> int:
    """The DPS around persons with a responsibility group: most consents gain a
    box naming it for cooperation, and the DPS then joins the group — only
    then (``around.services.join_group``); the rest show «Samtykke: nei»."""
    from helhet.cooperation.models import GroupMember, ResponsibilityGroup

    dps = ctx.partners.get("dps")
    if dps is None:
        return 0
    now, today = timezone.now(), ctx.today
    groups = {
        g.person_id: g
        for g in ResponsibilityGroup.objects.filter(person__municipality=ctx.municipality)
    }
    services = {
        row.person_id: row
        for row in ExternalService.objects.filter(
            person_id__in=list(groups), kind=ExternalService.Kind.DPS, partner=dps
        ).order_by("pk")
    }
    consents: dict[int, Consent] = {}
    for valid in Consent.objects.filter(valid_q(moment=now), person_id__in=list(groups)).order_by(
        "pk"
    ):
        consents.setdefault(valid.person_id, valid)
    members = set(
        GroupMember.objects.filter(group__in=groups.values(), partner=dps).values_list(
            "group__person_id", flat=True
        )
    )
    rows, scopes = [], []
    for person_id, group in sorted(groups.items()):
        service = services.get(person_id)
        if service is None and rng.random() < 0.4:
            service = ExternalService.objects.create(
                person_id=person_id,
                kind=ExternalService.Kind.DPS,
                name="DPS Fjordvik poliklinikk",
                partner=dps,
                contact_person="Behandler",
                valid_from=today - dt.timedelta(days=rng.randint(30, 700)),
                unit=ctx.units["psykisk_rus"],
            )
        consent = consents.get(person_id)
        if service is None or consent is None or person_id in members or rng.random() >= 0.7:
            continue
        if not ConsentScope.objects.filter(
            consent=consent, partner=dps, category=Category.COOPERATION
        ).exists():
            scopes.append(ConsentScope(consent=consent, partner=dps, category=Category.COOPERATION))
            consent.partners.add(dps)
        rows.append(
            GroupMember(
                group=group,
                kind=GroupMember.Kind.PARTNER,
                partner=dps,
                name=service.contact_person or service.name,
                role=str(ExternalService.Kind.DPS.label)[:100],
            )
        )
    ConsentScope.objects.bulk_create(scopes, batch_size=1000)
    GroupMember.objects.bulk_create(rows, batch_size=1000)
    return len(rows)
