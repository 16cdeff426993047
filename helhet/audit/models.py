"""Audit samples and compliance snapshots (kommuneloven §§ 23-2, 24-2;
forskrift om kontrollutvalg og revisjon § 15).

An auditor's sample must be reproducible from its parameters (an audit drew
every 10th active user), so the parameters are stored with who drew it and
when. Sampled persons are known to the auditor only by a reference ("U-001");
the person is kept so the checklist can be pre-filled, never shown.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from helhet.organisation.models import Municipality, Unit
from helhet.people.models import Person


class ComplianceSnapshot(models.Model):
    """The compliance report as computed at ``computed_at``: every criterion's
    tally in total and per unit, for one period and one scope (the whole
    municipality, or the outcomes involving ``unit``).

    The page shows the stored figures (docs/performance.md: computing 20 criteria over a
    large municipality on every page view is too slow), computed nightly
    (``helhet compliance-snapshot``), on the first view of a day and period, or
    on request. ``day`` is the date the figures hold for; the stored snapshots
    of earlier days are the trend over time.

    ``results``: ``{criterion id: {"total": [met, not met, not applicable],
    "units": {unit id: [met, not met, not applicable]}}}``.
    """

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    period_start = models.DateField()
    period_end = models.DateField()
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    computed_at = models.DateTimeField()
    results = models.JSONField()

    class Meta:
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "day", "period_start", "period_end", "unit"],
                condition=models.Q(unit__isnull=False),
                name="snapshot_unit_once_per_day",
            ),
            models.UniqueConstraint(
                fields=["municipality", "day", "period_start", "period_end"],
                condition=models.Q(unit__isnull=True),
                name="snapshot_total_once_per_day",
            ),
        ]
        indexes = [
            models.Index(fields=["municipality", "unit", "day"], name="audit_snapshot_unit_day_idx")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.period_start}–{self.period_end}"


class AuditSample(models.Model):
    class Method(models.TextChoices):
        SYSTEMATIC = "systematisk", _("Hver k-te aktive person")
        RANDOM = "tilfeldig", _("Tilfeldig utvalg med frø")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="audit_samples"
    )
    method = models.CharField(_("metode"), max_length=12, choices=Method.choices)
    every = models.PositiveIntegerField(_("hver k-te"), null=True, blank=True)
    # The 1-based start actually used (the o-th, (o+k)-th …), also when drawn at random.
    offset = models.PositiveIntegerField(_("start"), null=True, blank=True)
    random_start = models.BooleanField(_("tilfeldig start"), default=False)
    size = models.PositiveIntegerField(_("antall"), null=True, blank=True)
    seed = models.BigIntegerField(_("frø"), null=True, blank=True)
    period_start = models.DateField(_("periode fra"))
    period_end = models.DateField(_("periode til"))
    units = models.ManyToManyField(Unit, blank=True, related_name="+", verbose_name=_("enheter"))
    with_all_plans = models.BooleanField(_("i tillegg alle med aktiv IP"), default=False)
    population_size = models.PositiveIntegerField(_("populasjon"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("revisjonsutvalg")
        verbose_name_plural = _("revisjonsutvalg")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Utvalg {self.pk}"


class SampleItem(models.Model):
    class Reason(models.TextChoices):
        DRAWN = "trukket", _("Trukket")
        HAS_PLAN = "har_ip", _("Har aktiv IP")

    sample = models.ForeignKey(AuditSample, on_delete=models.CASCADE, related_name="items")
    reference = models.CharField(_("referanse"), max_length=10)
    # 0-based position in the population (ordered by person id): shows that the
    # draw is systematic; the report shows it 1-based, as the auditor counts.
    position = models.PositiveIntegerField()
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=10, choices=Reason.choices)
    # The auditors' table of a sample: how long, how many services, how many of the municipality's units.
    services_since = models.DateField(_("tjenester siden"), null=True, blank=True)
    service_months = models.PositiveIntegerField(_("varighet (måneder)"), null=True, blank=True)
    service_count = models.PositiveIntegerField(_("antall tjenester"), default=0)
    unit_count = models.PositiveIntegerField(_("antall enheter"), default=0)

    class Meta:
        ordering = ["reference"]
        constraints = [
            models.UniqueConstraint(fields=["sample", "reference"], name="sample_reference_unique")
        ]

    def __str__(self) -> str:
        return self.reference


class Answer(models.TextChoices):
    YES = "ja", _("Ja")
    NO = "nei", _("Nei")
    NOT_APPLICABLE = "ikke_aktuelt", _("Ikke aktuelt")


class ChecklistAnswer(models.Model):
    """One checklist question for one sampled person: pre-filled from data,
    confirmed or overridden (with a comment) by the auditor."""

    item = models.ForeignKey(SampleItem, on_delete=models.CASCADE, related_name="answers")
    key = models.CharField(max_length=20)
    prefilled = models.CharField(max_length=12, choices=Answer.choices)
    value = models.CharField(_("revisors svar"), max_length=12, choices=Answer.choices, blank=True)
    comment = models.TextField(_("kommentar"), max_length=2000, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["item", "key"], name="answer_per_key")]

    def __str__(self) -> str:
        return f"{self.item} {self.key}"

    @property
    def effective(self) -> str:
        return self.value or self.prefilled

    @property
    def overridden(self) -> bool:
        return bool(self.value) and self.value != self.prefilled


class SupervisoryAuthority(models.Model):
    """A supervisor above the municipalities — the state governor
    (Statsforvalteren, kommuneloven § 30-1) — whose campaigns span every
    municipality it supervises (a county-wide supervision covered 30 NAV offices, 28
    municipalities or host-municipality groups took part).

    Its members are users, not municipal staff: they see the campaigns and the
    units' answers, never person data.
    """

    name = models.CharField(_("navn"), max_length=200, unique=True)
    municipalities = models.ManyToManyField(
        Municipality, related_name="authorities", verbose_name=_("kommuner")
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="supervisory_authorities",
        verbose_name=_("medlemmer"),
    )

    class Meta:
        verbose_name = _("tilsynsmyndighet")
        verbose_name_plural = _("tilsynsmyndigheter")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Campaign(models.Model):
    """A self-assessment supervision (a state governor's supervision, docs/compliance.md): the
    supervisor asks, each unit answers for itself and plans its improvement.

    Run either by a supervisory authority across its municipalities
    (``authority``) or inside one municipality by its auditor (``municipality``).
    """

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="campaigns",
        null=True,
        blank=True,
    )
    authority = models.ForeignKey(
        SupervisoryAuthority,
        on_delete=models.PROTECT,
        related_name="campaigns",
        null=True,
        blank=True,
        verbose_name=_("tilsynsmyndighet"),
    )
    topic = models.CharField(_("tema"), max_length=200)
    description = models.TextField(_("beskrivelse"), max_length=4000, blank=True)
    answer_deadline = models.DateField(_("frist for egenvurdering"))
    plan_deadline = models.DateField(_("frist for forbedringsplan"))
    units = models.ManyToManyField(
        Unit, through="Participation", related_name="+", verbose_name=_("enheter")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("egenvurdering")
        verbose_name_plural = _("egenvurderinger")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(municipality__isnull=True, authority__isnull=False)
                | models.Q(municipality__isnull=False, authority__isnull=True),
                name="campaign_has_one_owner",
            )
        ]

    def __str__(self) -> str:
        return self.topic


class CampaignQuestion(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="questions")
    number = models.PositiveIntegerField()
    text = models.CharField(_("spørsmål"), max_length=500)
    legal_basis = models.CharField(_("hjemmel"), max_length=300)

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return self.text


class Milestone(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("milepæl"), max_length=200)
    due_on = models.DateField(_("dato"))

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.title


class Participation(models.Model):
    """One unit's answer: lovbrudd or not, the cause along plan–do–check–correct,
    the improvement plan, and the supervisor's assessment of it."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="participations")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    lovbrudd = models.BooleanField(_("enheten har funnet lovbrudd"), null=True)
    cause_plan = models.TextField(_("årsak – planlegge"), max_length=2000, blank=True)
    cause_do = models.TextField(_("årsak – utføre"), max_length=2000, blank=True)
    cause_check = models.TextField(_("årsak – kontrollere"), max_length=2000, blank=True)
    cause_correct = models.TextField(_("årsak – korrigere"), max_length=2000, blank=True)
    measures = models.TextField(_("tiltak"), max_length=4000, blank=True)
    responsible = models.CharField(_("ansvarlig"), max_length=200, blank=True)
    measures_deadline = models.DateField(_("frist for tiltakene"), null=True, blank=True)
    monitoring = models.TextField(_("slik følger ledelsen opp"), max_length=2000, blank=True)
    submitted_on = models.DateField(_("sendt inn"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The supervisor's assessment of the plan against the four points.
    plan_measures_ok = models.BooleanField(_("tiltakene er egnet"), null=True)
    plan_responsible_ok = models.BooleanField(_("ansvar er plassert"), null=True)
    plan_deadline_ok = models.BooleanField(_("fristen er realistisk"), null=True)
    plan_monitoring_ok = models.BooleanField(_("ledelsens oppfølging er beskrevet"), null=True)
    assessment = models.TextField(_("tilsynets vurdering"), max_length=4000, blank=True)
    assessed_on = models.DateField(_("vurdert"), null=True, blank=True)
    feedback_sent_on = models.DateField(_("tilbakemelding sendt"), null=True, blank=True)

    class Meta:
        ordering = ["unit__name"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "unit"], name="one_participation_per_unit")
        ]

    def __str__(self) -> str:
        return f"{self.campaign} – {self.unit}"


class CampaignAnswer(models.Model):
    class Value(models.TextChoices):
        YES = "ja", _("Ja")
        NO = "nei", _("Nei")
        PARTLY = "delvis", _("Delvis")

    participation = models.ForeignKey(
        Participation, on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(CampaignQuestion, on_delete=models.CASCADE, related_name="answers")
    value = models.CharField(_("svar"), max_length=8, choices=Value.choices)
    # Audits found: answers were hard to compare because units read the questions differently.
    understanding = models.TextField(_("slik forsto vi spørsmålet"), max_length=2000, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["participation", "question"], name="one_answer_per_question"
            )
        ]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.value}"
