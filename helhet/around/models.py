"""Around the person (DOMAIN.md §4.12): what the municipality's own units do
not hold, but an auditor needs to judge whom the law covers.

* ``ExternalService``: services and contacts outside the municipality's health
  and care units — the GP, DPS, TSB, hospital wards, child welfare, the
  correctional service, the county's follow-up service, NAV. They count when
  judging who needs an individual plan (hol. § 7-1, pbrl. § 2-5: "langvarige og
  koordinerte tjenester", whoever gives them). Later work adds referrals and
  discharge notices next to it, in this app.
* ``NeedAssessment``: the municipality's assessment of whether the person needs
  long-term and coordinated services — the fact the IP criteria judge by, so
  they no longer guess from service counts for assessed persons.
* ``SomaticFollowUp``: somatic health checked, and the GP informed (hol. § 4-1;
  the ROP supervision found neither followed up).

Each row is a record of the unit that made it (``unit``): that unit's staff
read it on their relation to the person; another unit needs the person's
consent for health information, as for services (hpl. § 22).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from helhet.organisation.models import ExternalPartner, Unit
from helhet.people.models import Person


class ExternalService(models.Model):
    class Kind(models.TextChoices):
        GP = "fastlege", _("Fastlege")
        DPS = "dps", _("Distriktspsykiatrisk senter (DPS)")
        TSB = "tsb", _("Tverrfaglig spesialisert rusbehandling (TSB)")
        HOSPITAL = "sykehus", _("Sykehusavdeling")
        CHILD_WELFARE = "barnevern", _("Barnevernstjenesten")
        CORRECTIONAL = "kriminalomsorg", _("Kriminalomsorgen")
        FOLLOW_UP = "oppfolgingstjenesten", _("Oppfølgingstjenesten (fylkeskommunen)")
        NAV = "nav", _("NAV")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="external_services")
    kind = models.CharField(_("type"), max_length=24, choices=Kind.choices)
    name = models.CharField(_("tjeneste eller sted"), max_length=200)
    # The directory entry, when the partner is registered (consent names partners).
    partner = models.ForeignKey(
        ExternalPartner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="person_services",
        verbose_name=_("samarbeidspartner i tjenesteoversikten"),
    )
    contact_person = models.CharField(_("kontaktperson"), max_length=200, blank=True)
    phone = models.CharField(_("telefon"), max_length=20, blank=True)
    valid_from = models.DateField(_("fra"))
    valid_to = models.DateField(_("til"), null=True, blank=True)
    note = models.TextField(_("merknad"), blank=True, max_length=2000)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("registrert av enhet")
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    registered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tjeneste utenfor kommunens enheter")
        verbose_name_plural = _("tjenester utenfor kommunens enheter")
        ordering = ["-valid_from", "-id"]
        indexes = [models.Index(fields=["person", "valid_from"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.name}"

    def clean(self) -> None:
        if self.valid_to and self.valid_from and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("Sluttdato kan ikke være før startdato.")})


class NeedAssessment(models.Model):
    """Does the person need long-term and coordinated services (hol. § 7-1)?
    The latest assessment counts; earlier ones stay as history."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="need_assessments")
    needs_coordinated = models.BooleanField(
        _("har behov for langvarige og koordinerte tjenester"),
    )
    assessed_on = models.DateField(_("vurdert dato"))
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    assessed_by_name = models.CharField(_("vurdert av"), max_length=200)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("enhet")
    )
    note = models.TextField(_("begrunnelse"), blank=True, max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("vurdering av behov for koordinerte tjenester")
        verbose_name_plural = _("vurderinger av behov for koordinerte tjenester")
        ordering = ["-assessed_on", "-id"]
        indexes = [models.Index(fields=["person", "assessed_on"])]

    def __str__(self) -> str:
        return f"{self.assessed_on:%d.%m.%Y}: {'ja' if self.needs_coordinated else 'nei'}"


class SomaticFollowUp(models.Model):
    """A somatic health check, or the GP informed of health help given."""

    class Kind(models.TextChoices):
        CHECK = "undersokelse", _("Somatisk helse undersøkt")
        GP_INFORMED = "fastlege_informert", _("Fastlegen informert")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="somatic_follow_ups")
    kind = models.CharField(_("hva"), max_length=20, choices=Kind.choices)
    done_on = models.DateField(_("dato"))
    done_by = models.CharField(_("utført av"), max_length=200)
    # A check the GP did leaves the GP informed.
    by_gp = models.BooleanField(_("utført av fastlegen"), default=False)
    note = models.TextField(_("merknad"), blank=True, max_length=2000)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("registrert av enhet")
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    registered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("somatisk oppfølging")
        verbose_name_plural = _("somatisk oppfølging")
        ordering = ["-done_on", "-id"]
        indexes = [models.Index(fields=["person", "kind", "done_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.done_on:%d.%m.%Y}"
