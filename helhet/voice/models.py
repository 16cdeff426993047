"""The users' voice at system level (hol. § 3-10; docs/around.md): the user
council and user organisations, experience consultants, what they were
consulted on and what came of it, and user surveys — so that user involvement
at system level is shown, not asserted (supervision asked for it).
No person data: bodies, meetings and surveys of the municipality."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from helhet.organisation.models import Municipality, Unit


class UserBody(models.Model):
    class Kind(models.TextChoices):
        COUNCIL = "brukerrad", _("Brukerråd")
        ORGANISATION = "organisasjon", _("Bruker- eller pårørendeorganisasjon")
        EXPERIENCE = "erfaringskonsulent", _("Erfaringskonsulenter")
        YOUTH = "ungdomsrad", _("Ungdomsråd")
        OTHER = "annet", _("Annet brukerorgan")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="user_bodies"
    )
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("navn"), max_length=200)
    contact = models.CharField(_("kontakt"), max_length=200, blank=True)
    active_from = models.DateField(_("fra"))
    active_to = models.DateField(_("til"), null=True, blank=True)

    class Meta:
        verbose_name = _("brukerorgan")
        verbose_name_plural = _("brukerorganer")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.active_to and self.active_from and self.active_to < self.active_from:
            raise ValidationError({"active_to": _("Sluttdato kan ikke være før startdato.")})


class Consultation(models.Model):
    """A meeting or hearing where users were consulted, and what came of it."""

    class Topic(models.TextChoices):
        ROUTINE = "rutine", _("Rutine eller prosedyre")
        PLAN = "plan", _("Plan (for eksempel rusmiddelpolitisk handlingsplan)")
        SERVICE = "tjeneste", _("Tjenestetilbud")
        OTHER = "annet", _("Annet")

    body = models.ForeignKey(
        UserBody, on_delete=models.PROTECT, related_name="consultations", verbose_name=_("hvem")
    )
    held_on = models.DateField(_("dato"))
    topic = models.CharField(_("hva gjaldt det"), max_length=10, choices=Topic.choices)
    subject = models.CharField(_("tema"), max_length=300)
    input = models.TextField(_("hva brukerne mente"), blank=True, max_length=4000)
    outcome = models.TextField(_("hva det førte til"), blank=True, max_length=4000)
    outcome_on = models.DateField(_("resultat registrert"), null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("brukermedvirkning på systemnivå")
        verbose_name_plural = _("brukermedvirkning på systemnivå")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.subject} ({self.held_on:%d.%m.%Y})"


class UserSurvey(models.Model):
    """A user survey, beside the feedback the portal collects."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="user_surveys"
    )
    title = models.CharField(_("tittel"), max_length=200)
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("enhet"),
    )
    carried_out_on = models.DateField(_("gjennomført"))
    respondents = models.PositiveIntegerField(_("antall svar"))
    summary = models.TextField(_("hovedfunn"), blank=True, max_length=4000)
    follow_up = models.TextField(_("oppfølging"), blank=True, max_length=4000)

    class Meta:
        verbose_name = _("brukerundersøkelse")
        verbose_name_plural = _("brukerundersøkelser")
        ordering = ["-carried_out_on", "-id"]

    def __str__(self) -> str:
        return self.title
