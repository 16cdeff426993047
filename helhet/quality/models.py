"""Internal control (kommuneloven § 25-1, sosialtjenesteloven § 5, forskrift om
ledelse og kvalitetsforbedring i helse- og omsorgstjenesten §§ 6–9).

Supervision found procedures that existed only on paper and deviations
recorded in other systems, with no routine for NAV's deviations to reach top
management; an audit found violence against NAV staff and no risk assessment.
So: one deviation register for every unit, NAV included, with violence and
threats against staff as a kind of their own; and procedures that are
versioned, owned, reviewed and acknowledged by the staff who must follow them.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from helhet.organisation.models import Municipality, Unit
from helhet.people.models import Person


class Deviation(models.Model):
    class Kind(models.TextChoices):
        SERVICE = "tjeneste", _("Svikt i tjenesteytingen")
        COOPERATION = "samhandling", _("Svikt i samhandling mellom tjenester")
        CONFIDENTIALITY = "taushetsplikt", _("Brudd på taushetsplikt eller personvern")
        ROUTINE = "rutine", _("Rutine ikke fulgt")
        VIOLENCE = "vold", _("Vold eller trusler mot ansatte")
        WORK_ENVIRONMENT = "hms", _("Annet HMS / arbeidsmiljø")
        OTHER = "annet", _("Annet")

    class Severity(models.TextChoices):
        LOW = "lav", _("Lav")
        MEDIUM = "middels", _("Middels")
        HIGH = "alvorlig", _("Alvorlig")

    class Status(models.TextChoices):
        REPORTED = "meldt", _("Meldt")
        ASSESSED = "vurdert", _("Vurdert – årsak undersøkes")
        MEASURES = "tiltak", _("Tiltak besluttet")
        CLOSED = "lukket", _("Lukket")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="deviations"
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="deviations",
        verbose_name=_("ansvarlig enhet"),
    )
    kind = models.CharField(_("type avvik"), max_length=20, choices=Kind.choices)
    severity = models.CharField(_("alvorlighet"), max_length=10, choices=Severity.choices)
    title = models.CharField(_("kort beskrivelse"), max_length=200)
    description = models.TextField(_("hva skjedde"), max_length=4000)
    occurred_on = models.DateField(_("dato for hendelsen"))
    reported_on = models.DateField(_("meldt dato"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # Optional: most deviations are about the system, not a person. When set,
    # the name is shown only to those the access gate lets see the person.
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deviations",
        verbose_name=_("gjelder person"),
    )
    deadline = models.DateField(_("frist for behandling"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.REPORTED
    )
    assessment = models.TextField(_("leders vurdering"), blank=True, max_length=4000)
    assessed_on = models.DateField(_("vurdert"), null=True, blank=True)
    cause = models.TextField(_("årsak"), blank=True, max_length=4000)
    measures = models.TextField(_("tiltak"), blank=True, max_length=4000)
    measures_on = models.DateField(_("tiltak besluttet"), null=True, blank=True)
    learning = models.TextField(_("læringspunkt"), blank=True, max_length=2000)
    closed_on = models.DateField(_("lukket"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("behandlet av"),
    )
    # Supervision found no routine that informed the chief executive of NAV's deviations.
    top_management_informed_on = models.DateField(
        _("toppledelsen informert"), null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("avvik")
        verbose_name_plural = _("avvik")
        ordering = ["-reported_on", "-id"]
        indexes = [
            models.Index(fields=["municipality", "reported_on"]),
            models.Index(fields=["unit", "status"]),
        ]

    def __str__(self) -> str:
        return f"Avvik {self.pk}: {self.title}"

    @property
    def reference(self) -> str:
        return f"A-{self.reported_on:%Y}-{self.pk}"

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED


class Procedure(models.Model):
    """A written procedure (rutine): owned, reviewed, and read by those who follow it."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="procedures"
    )
    title = models.CharField(_("tittel"), max_length=200)
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="procedures",
        verbose_name=_("gjelder enhet (tomt: hele kommunen)"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_procedures",
        verbose_name=_("eier"),
    )
    review_due = models.DateField(_("neste gjennomgang"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("rutine")
        verbose_name_plural = _("rutiner")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class ProcedureVersion(models.Model):
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("versjon"))
    content = models.TextField(_("innhold"), max_length=20000)
    change_note = models.CharField(_("hva er endret"), max_length=300, blank=True)
    approved_on = models.DateField(_("godkjent"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("rutineversjon")
        verbose_name_plural = _("rutineversjoner")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "number"], name="procedure_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.procedure} v{self.number}"


class Acknowledgement(models.Model):
    """A staff member confirms having read one version; a new version needs a new one."""

    version = models.ForeignKey(
        ProcedureVersion, on_delete=models.CASCADE, related_name="acknowledgements"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    acknowledged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("lesebekreftelse")
        verbose_name_plural = _("lesebekreftelser")
        constraints = [
            models.UniqueConstraint(fields=["version", "user"], name="acknowledged_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.version}"
