"""The consent register (hpl § 22, fvl § 13a, sosialtjenesteloven § 44, GDPR art. 9).

A consent is the person's own act (or their guardian's/proxy's); Selbu found a
consent "signed" by an employee, which is invalid, so staff can never be the
giver. Every consent has an explicit end date (Selbu: "until the case is closed"
is too vague; NAV's practice is 12 months).
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helhet.organisation.models import ExternalPartner, Unit
from helhet.people.models import Person


class Category(models.TextChoices):
    PLAN = "plan", _("Individuell plan og koordinering")
    HEALTH = "helse", _("Helseopplysninger")
    SOCIAL = "sosial", _("Opplysninger fra NAV / sosiale tjenester")
    MAPPING = "kartlegging", _("Kartlegging")
    COOPERATION = "samarbeid", _("Samarbeidsmøter og referater")


class Consent(models.Model):
    class GivenHow(models.TextChoices):
        SIGNED = "signert", _("Signert skjema")
        DIGITAL = "digitalt", _("Digitalt")
        ORAL = "muntlig", _("Muntlig (notert av ansatt)")

    class GivenBy(models.TextChoices):
        PERSON = "person", _("Personen selv")
        GUARDIAN = "verge", _("Verge")
        PROXY = "fullmektig", _("Fullmektig")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="consents")
    purpose = models.CharField(_("formål"), max_length=300)
    categories = models.JSONField(_("kategorier"), default=list)
    units = models.ManyToManyField(
        Unit, blank=True, related_name="consents", verbose_name=_("enheter")
    )
    partners = models.ManyToManyField(
        ExternalPartner, blank=True, related_name="consents", verbose_name=_("eksterne parter")
    )
    # Forskrift § 19 h: consent to the plan itself.
    covers_plan = models.BooleanField(_("samtykke til individuell plan"), default=False)
    valid_from = models.DateField(_("gyldig fra"))
    valid_to = models.DateField(_("gyldig til"))
    given_how = models.CharField(_("hvordan gitt"), max_length=20, choices=GivenHow.choices)
    given_by = models.CharField(
        _("gitt av"), max_length=20, choices=GivenBy.choices, default=GivenBy.PERSON
    )
    noted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("notert av"),
    )
    form_version = models.CharField(_("skjemaversjon"), max_length=20, default="2026-1")
    withdrawn_at = models.DateTimeField(_("trukket tilbake"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("samtykke")
        verbose_name_plural = _("samtykker")
        ordering = ["-valid_from"]

    def __str__(self) -> str:
        return f"{self.purpose} ({self.valid_from:%d.%m.%Y}–{self.valid_to:%d.%m.%Y})"

    def clean(self) -> None:
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("«Gyldig til» kan ikke være før «gyldig fra».")})
        if self.given_how == self.GivenHow.ORAL and not self.noted_by_id:
            raise ValidationError(
                {"noted_by": _("Et muntlig samtykke må ha navnet på den som noterte det.")}
            )
        unknown = set(self.categories or []) - set(Category.values)
        if unknown:
            raise ValidationError({"categories": _("Ukjent kategori.")})

    def is_valid_at(self, moment: dt.datetime | None = None) -> bool:
        moment = moment or timezone.now()
        day = timezone.localdate(moment)
        if self.withdrawn_at and self.withdrawn_at <= moment:
            return False
        return self.valid_from <= day <= self.valid_to
