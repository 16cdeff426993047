"""Coordinator responsibility (hol § 7-2, § 7-3; forskrift § 21).

A coordinator is a person-level fact, not a part of the plan: a person who
declines an individual plan must still be offered a coordinator, and
"coordinator without IP" is a valid state (DOMAIN.md §4.1).
"""

from django.conf import settings
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
    # Nes routine: a unit that has not named a coordinator within two weeks is
    # escalated to the head of sector; the date stays as history after naming.
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
