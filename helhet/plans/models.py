"""The individual plan (hol § 7-1, pbrl § 2-5, forskrift om habilitering og
rehabilitering, individuell plan og koordinator § 19 a–i).

The plan is *living*: every change goes through ``plans.services`` which bumps
``version`` (refusing a stale save) and stores a ``PlanVersion`` snapshot.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from helhet.organisation.models import ExternalPartner, Unit
from helhet.people.models import Person


class IndividualPlan(models.Model):
    class Kind(models.TextChoices):
        # One plan per person across sectors; other plan types come later and
        # must not need a new model (DOMAIN.md §4.1).
        INDIVIDUAL_PLAN = "ip", _("Individuell plan")

    class Status(models.TextChoices):
        OFFERED = "tilbudt", _("Tilbudt")
        DECLINED = "avslatt", _("Takket nei")
        ACTIVE = "aktiv", _("Aktiv")
        CLOSED = "avsluttet", _("Avsluttet")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="plans")
    kind = models.CharField(
        _("plantype"), max_length=10, choices=Kind.choices, default=Kind.INDIVIDUAL_PLAN
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    offered_on = models.DateField(_("IP tilbudt"))
    answered_on = models.DateField(_("svar på tilbud"), null=True, blank=True)
    # § 19 a: goals (rows), resources and needs for services.
    resources = models.TextField(_("ressurser"), blank=True, max_length=4000)
    needs = models.TextField(_("behov for tjenester"), blank=True, max_length=4000)
    # § 19 d: what the person and relatives contribute (providers' share is per participant).
    person_contribution = models.TextField(_("personens bidrag"), blank=True, max_length=4000)
    relatives_contribution = models.TextField(_("pårørendes bidrag"), blank=True, max_length=4000)
    # § 19 g
    period_start = models.DateField(_("planperiode fra"), null=True, blank=True)
    period_end = models.DateField(_("planperiode til"), null=True, blank=True)
    revision_due = models.DateField(_("neste revisjon"), null=True, blank=True)
    # § 19 i
    cooperation = models.TextField(
        _("samarbeid med andre tjenesteytere, institusjoner og etater"),
        blank=True,
        max_length=4000,
    )
    closed_on = models.DateField(_("avsluttet"), null=True, blank=True)
    # The plan shows a risk of crisis: then the person needs a crisis plan.
    crisis_risk = models.BooleanField(
        _("risiko for krise eller alvorlig forverring"), default=False
    )
    version = models.PositiveIntegerField(_("versjon"), default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("individuell plan")
        verbose_name_plural = _("individuelle planer")
        ordering = ["-offered_on"]
        indexes = [models.Index(fields=["status", "revision_due"])]
        constraints = [
            # One plan per person across sectors (DOMAIN.md §4.1); also holds
            # when two offers race, which a check in Python alone cannot.
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(status__in=["tilbudt", "aktiv"]),
                name="one_open_plan_per_person",
                violation_error_message=_("Personen har allerede en åpen plan."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.person}"

    def clean(self) -> None:
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError(
                {"period_end": _("Planperioden kan ikke slutte før den begynner.")}
            )
        if self.answered_on and self.offered_on and self.answered_on < self.offered_on:
            raise ValidationError({"answered_on": _("Svaret kan ikke være gitt før tilbudet.")})

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.OFFERED, self.Status.ACTIVE)

    @property
    def crisis_plan(self):
        """The person's crisis plan, reached from the plan (None if there is none)."""
        return CrisisPlan.objects.filter(person_id=self.person_id).first()


class Goal(models.Model):
    """A goal in the person's own words (§ 19 a)."""

    class Status(models.TextChoices):
        ACTIVE = "aktiv", _("Aktiv")
        REACHED = "naadd", _("Nådd")
        DROPPED = "avsluttet", _("Avsluttet")

    plan = models.ForeignKey(IndividualPlan, on_delete=models.CASCADE, related_name="goals")
    text = models.CharField(_("mål (med personens egne ord)"), max_length=1000)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("mål")
        verbose_name_plural = _("mål")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text


class Participant(models.Model):
    """Who takes part in the plan work (§ 19 b) and what they contribute (§ 19 d)."""

    class Kind(models.TextChoices):
        STAFF = "ansatt", _("Ansatt i kommunen")
        PARTNER = "ekstern", _("Ekstern samarbeidspartner")
        RELATIVE = "parorende", _("Pårørende")

    plan = models.ForeignKey(IndividualPlan, on_delete=models.CASCADE, related_name="participants")
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plan_participations",
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True)
    partner = models.ForeignKey(ExternalPartner, on_delete=models.PROTECT, null=True, blank=True)
    name = models.CharField(_("navn"), max_length=200)
    contribution = models.TextField(_("bidrag"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("deltaker")
        verbose_name_plural = _("deltakere")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Measure(models.Model):
    """A measure under a goal (§ 19 e–f)."""

    class Status(models.TextChoices):
        PLANNED = "planlagt", _("Planlagt")
        ONGOING = "pagar", _("Pågår")
        DONE = "fullfort", _("Fullført")
        STOPPED = "avbrutt", _("Avbrutt")

    plan = models.ForeignKey(IndividualPlan, on_delete=models.CASCADE, related_name="measures")
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="measures")
    title = models.CharField(_("tiltak"), max_length=300)
    scope = models.CharField(_("omfang"), max_length=200, blank=True)
    responsible_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("ansvarlig enhet")
    )
    responsible_partner = models.ForeignKey(
        ExternalPartner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("ansvarlig ekstern part"),
    )
    # e.g. "personen selv" or a relative: responsibility outside the organisation.
    responsible_other = models.CharField(_("annen ansvarlig"), max_length=200, blank=True)
    how = models.TextField(_("slik gjennomføres tiltaket"), blank=True, max_length=2000)
    starts_on = models.DateField(_("start"), null=True, blank=True)
    ends_on = models.DateField(_("slutt"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PLANNED
    )

    class Meta:
        verbose_name = _("tiltak")
        verbose_name_plural = _("tiltak")
        ordering = ["goal_id", "id"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if not (self.responsible_unit_id or self.responsible_partner_id or self.responsible_other):
            raise ValidationError(_("Tiltaket må ha en ansvarlig."), code="no_responsible")
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("Tiltaket kan ikke slutte før det starter.")})


class CrisisPlan(models.Model):
    """The person's crisis plan (ROP supervision: crisis plans not used as
    recommended). It belongs to the person, not to one plan: a person whose
    mapping shows a risk of crisis needs one before any IP exists, and it
    outlives a closed plan. The open plan shows it and edits it as part of the
    plan (``IndividualPlan.crisis_plan``, a plan version per change)."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="crisis_plan")
    # The national ROP guideline: the crisis plan states the warning signs,
    # what is to be done and whom to contact, «praktisk og konkret, med
    # navngitte tjenesteytere og telefonnummer».
    warning_signs = models.TextField(_("varselsignaler"), blank=True, max_length=2000)
    what_helps = models.TextField(_("dette hjelper meg"), blank=True, max_length=2000)
    what_does_not_help = models.TextField(_("dette hjelper ikke"), blank=True, max_length=2000)
    # Whom to call, day and night: rows of {"name", "role", "phone", "when"}
    # (``rules.CONTACT_TIMES``); several rows, kept in order.
    contacts = models.JSONField(_("hvem som kontaktes"), default=list, blank=True)
    medication = models.TextField(_("avtaler om medisiner"), blank=True, max_length=2000)
    admission = models.TextField(_("avtaler om innleggelse"), blank=True, max_length=2000)
    own_words = models.TextField(_("med mine egne ord"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("kriseplan")
        verbose_name_plural = _("kriseplaner")

    updated_on = models.DateField(_("sist endret"), auto_now=True)

    def __str__(self) -> str:
        return f"Kriseplan – {self.person_id}"

    @property
    def missing(self) -> list[str]:
        """What the crisis plan lacks to be complete (``rules.crisis_plan_missing``)."""
        from helhet.plans import rules

        return rules.crisis_plan_missing(self.warning_signs, self.what_helps, self.contacts)

    @property
    def is_complete(self) -> bool:
        return not self.missing

    @property
    def day_contacts(self) -> list[dict]:
        from helhet.plans import rules

        return rules.contacts_at(self.contacts, "dag")

    @property
    def night_contacts(self) -> list[dict]:
        from helhet.plans import rules

        return rules.contacts_at(self.contacts, "natt")


class PlanVersion(models.Model):
    """One saved state of a plan: who changed what, when (the plan is living)."""

    plan = models.ForeignKey(IndividualPlan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    author_name = models.CharField(max_length=200)
    summary = models.CharField(max_length=300)
    snapshot = models.JSONField()
    changes = models.JSONField(default=list)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_version_unique")
        ]

    def __str__(self) -> str:
        return f"Versjon {self.number}"


class PlanCompleteness(models.Model):
    """The stored answer of ``rules.missing_items`` for one plan, so the coordinating
    unit's overview (hol § 7-3) can filter, count and page in SQL (issue 10).

    A cache, never a second rule: ``plans.completeness`` writes it from
    ``facts_for_rows``. No row means "not computed"; every change of a § 19 fact
    deletes the rows of the plans it concerns, and a row is stale from
    ``valid_until``, the first moment a consent starts, ends or is withdrawn.
    """

    plan = models.OneToOneField(
        IndividualPlan, on_delete=models.CASCADE, primary_key=True, related_name="completeness"
    )
    # The § 19 letters the plan lacks, in order ("" = complete), e.g. "ch".
    missing = models.CharField(max_length=9, blank=True)
    valid_until = models.DateTimeField(null=True, blank=True)
    # The person's current coordinator responsibility (the newest unended one):
    # the overview filters and counts plans by its unit.
    assignment = models.ForeignKey(
        "coordination.CoordinatorAssignment",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    computed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.plan_id}: {self.missing or '-'}"
