"""The access log (pasientjournalloven §§ 16–18, helsepersonelloven § 21a).

Every decision of the access gate is one row: who, in which role and unit,
when, which person, what, on which basis, and whether it was granted. Rows are
never changed or deleted through the application.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from helhet.organisation.models import Municipality
from helhet.people.models import Person


class Action(models.TextChoices):
    VIEW = "vis", _("Lese")
    EDIT = "endre", _("Endre")
    EXPORT = "eksport", _("Eksportere")
    PRINT = "utskrift", _("Skrive ut")
    SEARCH = "sok", _("Søk")
    LIST = "oversikt", _("Oversikt")


class AppendOnlyError(Exception):
    pass


class AccessLogEntry(models.Model):
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    username = models.CharField(max_length=150)
    role = models.CharField(max_length=100, blank=True)
    unit = models.CharField(max_length=200, blank=True)
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, related_name="access_log"
    )
    action = models.CharField(max_length=12, choices=Action.choices)
    category = models.CharField(max_length=20, blank=True)
    what = models.CharField(max_length=200, blank=True)
    basis = models.CharField(max_length=40, blank=True)
    basis_detail = models.CharField(max_length=300, blank=True)
    granted = models.BooleanField()
    emergency = models.BooleanField(default=False)
    # Access with no relation to the person (hpl § 21a snooping) is flagged for the leader.
    flagged = models.BooleanField(default=False, db_index=True)

    class Meta:
        verbose_name = _("tilgangslogg")
        verbose_name_plural = _("tilgangslogg")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["person", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("The access log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("The access log is append-only.")
