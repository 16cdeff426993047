"""Low-threshold, outreach and activity offers (hol. § 3-3; docs/around.md):
offers given without a decision, with opening hours and, anonymously, how many
used them. No person data: a count per offer and month, never who came — so
they can be shown in statistics and are never judged for lacking a decision."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from helhet.organisation.models import Municipality, Unit


class Offer(models.Model):
    class Kind(models.TextChoices):
        DROP_IN = "dropin", _("Drop-in og åpen dør")
        OUTREACH = "oppsokende", _("Oppsøkende team")
        ACTIVITY_HOUSE = "aktivitetshus", _("Aktivitetshus og møteplass")
        PEER_GROUP = "likeperson", _("Likepersons- og samtalegrupper")
        YOUNG_ADULTS = "unge_voksne", _("Aktivitetstilbud for unge voksne")
        OTHER = "annet", _("Annet lavterskeltilbud")

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="offers")
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="offers",
        verbose_name=_("enhet"),
    )
    kind = models.CharField(_("type"), max_length=14, choices=Kind.choices)
    name = models.CharField(_("navn"), max_length=200)
    description = models.TextField(_("beskrivelse"), blank=True, max_length=2000)
    target_group = models.CharField(_("for hvem"), max_length=300, blank=True)
    opening_hours = models.CharField(_("åpningstider"), max_length=300)
    place = models.CharField(_("sted"), max_length=200, blank=True)
    active = models.BooleanField(_("aktivt"), default=True)

    class Meta:
        verbose_name = _("lavterskeltilbud")
        verbose_name_plural = _("lavterskeltilbud")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OfferUse(models.Model):
    """How many used the offer in a month — a count, never who."""

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="uses")
    month = models.DateField(_("måned"))
    visits = models.PositiveIntegerField(_("antall besøk"))
    distinct_visitors = models.PositiveIntegerField(
        _("antall ulike brukere (anslag)"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("bruk av lavterskeltilbud")
        verbose_name_plural = _("bruk av lavterskeltilbud")
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(fields=["offer", "month"], name="offer_use_month_unique")
        ]

    def __str__(self) -> str:
        return f"{self.offer}: {self.month:%m.%Y}"

    def clean(self) -> None:
        if self.month and self.month.day != 1:
            self.month = self.month.replace(day=1)
        if (
            self.distinct_visitors is not None
            and self.visits is not None
            and self.distinct_visitors > self.visits
        ):
            raise ValidationError(
                {"distinct_visitors": _("Kan ikke være flere ulike brukere enn besøk.")}
            )
