"""Demo data for Min side: a proxy for `bruker` (the login `parorende`, with
the demo password), the person's own comments on goals, and anonymous user
feedback per unit — some units with fewer than five answers, so the overview
shows suppressed cells."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from helhet.demo.context import DemoContext
from helhet.plans.models import Goal
from helhet.portal.models import FeedbackAnswer, GoalComment, NoticePreference, Representation

COMMENTS = [
    "Det går litt bedre nå, men jeg trenger mer hjelp med søknaden.",
    "Jeg har begynt å gå tur hver dag.",
    "Dette målet er fortsatt viktigst for meg.",
]
TEXTS = [
    "Godt at alle satt rundt samme bord.",
    "Jeg føler meg hørt.",
    "For mange nye folk hver gang.",
    "Ting skjer for sakte.",
    "Koordinatoren min følger opp.",
    "",
    "",
]
# Answers per unit code; the small ones show as "<5" (docs/around.md).
ANSWERS = {"psykisk_rus": 14, "nav": 8, "miljoarbeid": 6, "hjemmetjeneste": 3, "bolig": 2}


def populate(ctx: DemoContext) -> None:
    rng = ctx.rng_for("portal")
    bruker = ctx.users.get("bruker")
    if bruker is None or not ctx.persons:
        return
    person = ctx.persons[0]
    relative = get_user_model().objects.create(
        username="parorende",
        first_name="Pål",
        last_name=person.family_name,
        password=bruker.password,
        email="parorende@fjordvik.example",
    )
    ctx.users["parorende"] = relative
    Representation.objects.create(
        person=person,
        representative=relative,
        kind=Representation.Kind.PROXY,
        read_plan=True,
        messages=True,
        valid_from=ctx.today - dt.timedelta(days=30),
        valid_to=ctx.today + dt.timedelta(days=335),
        given_by=bruker,
    )
    NoticePreference.objects.create(person=person, email="bruker@fjordvik.example", emergency=True)
    goals = Goal.objects.filter(plan__person=person).order_by("position", "pk")
    GoalComment.objects.bulk_create(
        [
            GoalComment(
                goal=goal,
                person=person,
                author=bruker,
                author_name=bruker.get_full_name(),
                text=COMMENTS[i % len(COMMENTS)],
                created_at=timezone.make_aware(
                    dt.datetime.combine(ctx.today - dt.timedelta(days=10 + i), dt.time(19, 5))
                ),
            )
            for i, goal in enumerate(goals)
        ]
    )
    scale = 1 + len(ctx.persons) // 500
    answers = []
    for code, count in ANSWERS.items():
        if code not in ctx.units:
            continue
        for _ in range(count * scale if count >= 5 else count):
            month = ctx.today.replace(day=1) - dt.timedelta(days=rng.randint(0, 300))
            answers.append(
                FeedbackAnswer(
                    municipality=ctx.municipality,
                    unit=ctx.units[code],
                    occasion=rng.choice(FeedbackAnswer.Occasion.values),
                    month=month.replace(day=1),
                    score=rng.choices([1, 2, 3, 4, 5], weights=[1, 2, 3, 4, 3])[0],
                    text=rng.choice(TEXTS),
                )
            )
    FeedbackAnswer.objects.bulk_create(answers, batch_size=500)
    ctx.progress(f"Min side: 1 fullmektig, {len(answers)} tilbakemeldinger")
