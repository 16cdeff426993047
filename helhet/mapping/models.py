"""Needs mapping (kartlegging) across eight life domains, screenings, and rounds.

docs/mapping.md: a structured mapping per person across eight life domains on a
three-level scale plus "not known" (the BrukerPlan practice in Norwegian
municipalities), repeated over time so outcomes show; AUDIT and DUDIT as the
national ROP guideline recommends; an annual round in which every person is
counted once.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from helhet.organisation.models import Municipality, Unit
from helhet.people.models import Person
from helhet.plans.models import Goal, IndividualPlan


class Domain(models.TextChoices):
    SUBSTANCE = "rus", _("Rusmiddelbruk")
    ECONOMY = "okonomi", _("Økonomi")
    MENTAL = "psykisk", _("Psykisk helse")
    PHYSICAL = "fysisk", _("Fysisk helse")
    HOUSING = "bolig", _("Bolig")
    SOCIAL = "sosial", _("Sosial fungering")
    NETWORK = "nettverk", _("Nettverk")
    WORK = "arbeid", _("Arbeid og aktivitet")


class Level(models.IntegerChoices):
    # 0 keeps "not known" apart from "no problem": a blank is not good news.
    UNKNOWN = 0, _("Ikke kjent")
    NONE = 1, _("Ingen eller lite problem")
    MODERATE = 2, _("Moderat problem")
    SERIOUS = 3, _("Alvorlig problem")


class MappingRound(models.Model):
    """The annual round: KE opens it for a period and the units taking part."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="mapping_rounds"
    )
    name = models.CharField(_("navn"), max_length=120)
    starts_on = models.DateField(_("fra"))
    ends_on = models.DateField(_("til"))
    units = models.ManyToManyField(Unit, related_name="mapping_rounds", verbose_name=_("enheter"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_on = models.DateField(_("avsluttet"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("kartleggingsrunde")
        verbose_name_plural = _("kartleggingsrunder")
        ordering = ["-starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality"],
                condition=Q(closed_on__isnull=True),
                name="one_open_mapping_round",
                violation_error_message=_("Det finnes allerede en åpen kartleggingsrunde."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


class Mapping(models.Model):
    class Children(models.TextChoices):
        NO = "nei", _("Nei")
        YES = "ja", _("Ja")
        UNKNOWN = "ukjent", _("Ikke kjent")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="mappings")
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="mappings", verbose_name=_("enhet")
    )
    mapped_on = models.DateField(_("kartlagt dato"))
    mapped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    mapped_by_name = models.CharField(_("kartlagt av"), max_length=200)
    person_present = models.BooleanField(_("personen var til stede"))
    services_received = models.TextField(
        _("tjenester personen mottar"), blank=True, max_length=2000
    )
    cares_for_children = models.CharField(
        _("omsorg for barn under 18 år"), max_length=10, choices=Children.choices
    )
    children_note = models.TextField(_("merknad om barn"), blank=True, max_length=1000)
    # The mapping shows a risk of crisis or serious deterioration: the person then
    # needs a crisis plan (supervision; audit criterion «crisis_plan»).
    crisis_risk = models.BooleanField(
        _("risiko for krise eller alvorlig forverring"), default=False
    )
    round = models.ForeignKey(
        MappingRound,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mappings",
        verbose_name=_("kartleggingsrunde"),
    )
    # The IP offer made in one step from this mapping (intake will own requests later).
    requested_plan = models.ForeignKey(
        IndividualPlan, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("kartlegging")
        verbose_name_plural = _("kartlegginger")
        ordering = ["-mapped_on", "-id"]
        indexes = [
            models.Index(fields=["person", "mapped_on"]),
            models.Index(fields=["mapped_on"]),
        ]

    def __str__(self) -> str:
        return f"Kartlegging {self.mapped_on:%d.%m.%Y}"


class DomainScore(models.Model):
    mapping = models.ForeignKey(Mapping, on_delete=models.CASCADE, related_name="scores")
    domain = models.CharField(_("livsområde"), max_length=12, choices=Domain.choices)
    level = models.PositiveSmallIntegerField(_("nivå"), choices=Level.choices)
    note = models.TextField(_("merknad"), blank=True, max_length=1000)

    class Meta:
        verbose_name = _("vurdering av livsområde")
        verbose_name_plural = _("vurderinger av livsområder")
        constraints = [
            models.UniqueConstraint(fields=["mapping", "domain"], name="one_score_per_domain"),
            models.CheckConstraint(condition=Q(level__lte=3), name="domain_level_on_scale"),
        ]

    def __str__(self) -> str:
        return f"{self.get_domain_display()}: {self.get_level_display()}"


class Screening(models.Model):
    """AUDIT or DUDIT: the answers as given, and the score they add up to."""

    class Instrument(models.TextChoices):
        AUDIT = "audit", "AUDIT"
        DUDIT = "dudit", "DUDIT"

    mapping = models.ForeignKey(Mapping, on_delete=models.CASCADE, related_name="screenings")
    instrument = models.CharField(_("instrument"), max_length=10, choices=Instrument.choices)
    # Index of the chosen option per item, in item order.
    answers = models.JSONField(_("svar"))
    score = models.PositiveSmallIntegerField(_("skår"))
    result = models.CharField(_("tolkning"), max_length=30)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("screening")
        verbose_name_plural = _("screeninger")
        constraints = [
            models.UniqueConstraint(
                fields=["mapping", "instrument"], name="one_screening_per_instrument"
            ),
            models.CheckConstraint(condition=Q(score__lte=44), name="screening_score_on_scale"),
        ]

    def __str__(self) -> str:
        return f"{self.instrument.upper()} {self.score}"


class Referral(models.Model):
    """A need for another unit's service found in the mapping.

    Stands in for an intake application until intake can receive one from here.
    """

    mapping = models.ForeignKey(Mapping, on_delete=models.CASCADE, related_name="referrals")
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="mapping_referrals",
        verbose_name=_("til enhet"),
    )
    need = models.TextField(_("behov"), max_length=2000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("henvisning fra kartlegging")
        verbose_name_plural = _("henvisninger fra kartlegging")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Henvisning til {self.unit}"


class GoalDomain(models.Model):
    """Which life domain an IP goal works on, so evaluation can compare mappings.

    Lives here until plans.Goal gets its own ``domain`` field.
    """

    goal = models.OneToOneField(Goal, on_delete=models.CASCADE, related_name="mapping_domain")
    domain = models.CharField(_("livsområde"), max_length=12, choices=Domain.choices)

    class Meta:
        verbose_name = _("livsområde for mål")
        verbose_name_plural = _("livsområder for mål")

    def __str__(self) -> str:
        return f"{self.goal_id}: {self.domain}"
