"""Coordinator responsibility (hol § 7-2, § 7-3; forskrift § 21).

A coordinator is a person-level fact, not a part of the plan: a person who
declines an individual plan must still be offered a coordinator, and
"coordinator without IP" is a valid state (docs/plan.md).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from helhet.organisation.models import Unit
from helhet.people.models import Person


class CoordinatorAssignment(models.Model):
    class Response(models.TextChoices):
        PENDING = "venter", _("Venter på svar")
        ACCEPTED = "takket_ja", _("Takket ja")
        DECLINED = "takket_nei", _("Takket nei")

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="coordinator_assignments"
    )
    offered_on = models.DateField(_("koordinator tilbudt"))
    response = models.CharField(
        _("svar"), max_length=20, choices=Response.choices, default=Response.PENDING
    )
    # KE assigns responsibility to a unit; the unit head then names a person.
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="coordinator_assignments",
        verbose_name=_("ansvarlig enhet"),
    )
    assigned_on = models.DateField(_("ansvar tildelt enhet"), null=True, blank=True)
    person_wishes = models.TextField(_("personens ønsker"), blank=True)
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="coordinator_assignments",
        verbose_name=_("koordinator"),
    )
    named_on = models.DateField(_("koordinator oppnevnt"), null=True, blank=True)
    named_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("oppnevnt av"),
    )
    # Where the municipality's own routine sets a deadline (LocalRoutine), a
    # unit that has not named a coordinator by then is escalated to the head of
    # sector; the date stays as history after naming.
    escalated_on = models.DateField(_("eskalert til kommunalsjef"), null=True, blank=True)
    # KE's letter to the person naming the coordinator (hol § 7-3).
    letter_sent_on = models.DateField(_("brev om koordinator sendt"), null=True, blank=True)
    ended_on = models.DateField(_("avsluttet"), null=True, blank=True)

    class Meta:
        verbose_name = _("koordinatoransvar")
        verbose_name_plural = _("koordinatoransvar")
        ordering = ["-offered_on"]
        indexes = [models.Index(fields=["coordinator", "ended_on"])]

    def __str__(self) -> str:
        return f"{self.person} – {self.coordinator or self.unit or '-'}"


class LocalRoutine(models.Model):
    """A deadline a municipality has set for itself in its own routine.

    The law (hol. §§ 7-2, 7-3) sets no number of days for naming a coordinator;
    a municipality may (an audit: within two weeks, then escalation to the head of
    sector). Such a deadline is the municipality's own data, shown and cited
    with the name of *its* routine — never as law, and never another
    municipality's. Where none is set, no local deadline applies.
    """

    class Kind(models.TextChoices):
        COORDINATOR_NAMING = (
            "koordinator_oppnevnt",
            _("Koordinator oppnevnt etter at enheten fikk ansvaret"),
        )

    municipality = models.ForeignKey(
        "organisation.Municipality", on_delete=models.CASCADE, related_name="local_routines"
    )
    kind = models.CharField(_("frist for"), max_length=30, choices=Kind.choices)
    days = models.PositiveSmallIntegerField(
        _("antall dager"),
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("Fristen i kalenderdager."),
    )
    name = models.CharField(
        _("rutinens navn"),
        max_length=200,
        help_text=_("Navnet på kommunens egen rutine, slik det skal vises i brev og rapporter."),
    )
    adopted_on = models.DateField(_("vedtatt"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sist endret av"),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("kommunens egen rutine (frist)")
        verbose_name_plural = _("kommunens egne rutiner (frister)")
        ordering = ["municipality", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "kind"],
                name="one_local_routine_per_kind",
                violation_error_message=_("Kommunen har allerede en frist av denne typen."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.days} dager)"

    @property
    def citation(self) -> str:
        return _("%(name)s: innen %(days)s dager") % {"name": self.name, "days": self.days}


def naming_routine(municipality_id) -> LocalRoutine | None:
    """The municipality's own deadline for naming a coordinator, if it has set one."""
    return LocalRoutine.objects.filter(
        municipality_id=municipality_id, kind=LocalRoutine.Kind.COORDINATOR_NAMING
    ).first()


# Where a municipality has set nothing, the picker warns above this many.
DEFAULT_CASELOAD_WARNING = 10


class CoordinatorCaseloadSetting(models.Model):
    """How many persons a coordinator may coordinate before the picker warns.

    The law sets no number (hol. § 7-3 only asks that the coordinator has the
    capacity to follow the person up); this is the municipality's own choice,
    data and not law, kept by the coordinating unit with its routines."""

    municipality = models.OneToOneField(
        "organisation.Municipality",
        on_delete=models.CASCADE,
        related_name="coordinator_caseload_setting",
    )
    warn_above = models.PositiveSmallIntegerField(
        _("varsle over"),
        default=DEFAULT_CASELOAD_WARNING,
        validators=[MinValueValidator(1), MaxValueValidator(200)],
        help_text=_("Varsle når en kandidat allerede er koordinator for flere personer enn dette."),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sist endret av"),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("kommunens grense for antall personer per koordinator")
        verbose_name_plural = _("kommunens grenser for antall personer per koordinator")

    def __str__(self) -> str:
        return str(self.warn_above)


def caseload_warning(municipality_id) -> int:
    """Above how many coordinated persons this municipality wants a warning."""
    found = (
        CoordinatorCaseloadSetting.objects.filter(municipality_id=municipality_id)
        .values_list("warn_above", flat=True)
        .first()
    )
    return found or DEFAULT_CASELOAD_WARNING
