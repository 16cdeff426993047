"""Personal API tokens and the identifiers of imported records.

A token is shown once and only its SHA-256 hash is kept: a leaked database
then holds no usable credential (Normen: secrets are not stored in clear).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from helhet.consent.models import Consent
from helhet.organisation.models import Municipality
from helhet.plans.models import IndividualPlan


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("navn"), max_length=100)
    token_hash = models.CharField(max_length=64, unique=True)
    # The first characters, so the owner can tell their tokens apart.
    prefix = models.CharField(max_length=12)
    created_at = models.DateTimeField(_("opprettet"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("sist brukt"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("trukket tilbake"), null=True, blank=True)

    class Meta:
        verbose_name = _("API-nøkkel")
        verbose_name_plural = _("API-nøkler")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class ImportedIdentifier(models.Model):
    """A record's identifier in the system it was imported from, so that a
    repeated import updates the record instead of duplicating it."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    value = models.CharField(max_length=200)
    plan = models.ForeignKey(
        IndividualPlan, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    consent = models.ForeignKey(
        Consent, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "value"], name="imported_identifier_unique"
            ),
            models.CheckConstraint(
                condition=(models.Q(plan__isnull=False) & models.Q(consent__isnull=True))
                | (models.Q(plan__isnull=True) & models.Q(consent__isnull=False)),
                name="imported_identifier_one_record",
            ),
        ]

    def __str__(self) -> str:
        return self.value
