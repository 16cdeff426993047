"""Staff: competence and safety (docs/around.md; the auditors found
neither a competence plan nor risk assessments of staff safety).

* ``TrainingRequirement`` — a unit's competence plan, one row per required
  training (optionally for one role), and how long it stays valid.
* ``TrainingRecord`` — a staff member has the training (when; expires when).
* ``SafetyAssessment`` — a risk assessment of staff safety for home visits or
  services with a known risk of violence: risks, measures, next review.

About employees, not about persons receiving services: not the gate's data."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from helhet.organisation.models import Role, StaffMember, Unit


class TrainingRequirement(models.Model):
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="training_requirements",
        verbose_name=_("enhet"),
    )
    name = models.CharField(_("opplæring"), max_length=200)
    role = models.CharField(
        _("gjelder rolle"),
        max_length=20,
        choices=Role.choices,
        blank=True,
        help_text=_("Tom: gjelder alle ansatte i enheten."),
    )
    valid_months = models.PositiveSmallIntegerField(
        _("gyldig i måneder"),
        null=True,
        blank=True,
        help_text=_("Tom: utløper ikke."),
    )
    reason = models.CharField(_("hvorfor"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("krav til opplæring")
        verbose_name_plural = _("kompetanseplan")
        ordering = ["unit__name", "name"]

    def __str__(self) -> str:
        return f"{self.unit}: {self.name}"


class TrainingRecord(models.Model):
    requirement = models.ForeignKey(
        TrainingRequirement,
        on_delete=models.CASCADE,
        related_name="records",
        verbose_name=_("opplæring"),
    )
    staff = models.ForeignKey(
        StaffMember,
        on_delete=models.CASCADE,
        related_name="training_records",
        verbose_name=_("ansatt"),
    )
    completed_on = models.DateField(_("gjennomført"))
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("gjennomført opplæring")
        verbose_name_plural = _("gjennomført opplæring")
        ordering = ["-completed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.requirement.name} {self.completed_on:%d.%m.%Y}"


class SafetyAssessment(models.Model):
    class Concern(models.TextChoices):
        HOME_VISITS = "hjemmebesok", _("Hjemmebesøk og arbeid alene")
        VIOLENCE = "vold", _("Tjenester med kjent risiko for vold og trusler")
        OTHER = "annet", _("Annet")

    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="safety_assessments",
        verbose_name=_("enhet"),
    )
    concern = models.CharField(_("gjelder"), max_length=12, choices=Concern.choices)
    assessed_on = models.DateField(_("vurdert dato"))
    risks = models.TextField(_("risiko"), max_length=4000)
    measures = models.TextField(_("tiltak"), max_length=4000)
    review_due = models.DateField(_("neste gjennomgang"))
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("risikovurdering av ansattes sikkerhet")
        verbose_name_plural = _("risikovurderinger av ansattes sikkerhet")
        ordering = ["-assessed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.unit}: {self.get_concern_display()}"
