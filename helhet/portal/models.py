"""The person's own portal (Min side): representatives, the person's comments
on goals, who acted for whom, notices of emergency access, and user feedback.

docs/portal.md: the person sees and edits their own goals, consents and who has
read their data; relatives, guardians and proxies act for them within the
rights given. Every write in the portal records who acted and for whom.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helhet.access.models import AccessLogEntry, EmergencyAccess
from helhet.consent.models import Consent
from helhet.organisation.models import Municipality, Unit
from helhet.people.models import Person
from helhet.plans.models import Goal


class Right(models.TextChoices):
    READ_PLAN = "read_plan", _("Se planen")
    EDIT_GOALS = "edit_goals", _("Skrive og endre mål")
    CONSENTS = "consents", _("Gi og trekke tilbake samtykker")
    MESSAGES = "messages", _("Lese og sende meldinger")


class Representation(models.Model):
    """A user who acts for the person: a proxy (fullmektig) the person gave in
    the portal, or a guardian (verge) registered by staff from the guardianship
    decision (vergemålsloven § 33)."""

    class Kind(models.TextChoices):
        PROXY = "fullmektig", _("Fullmektig")
        GUARDIAN = "verge", _("Verge")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="representations")
    representative = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="representations",
        verbose_name=_("representant"),
    )
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices)
    read_plan = models.BooleanField(_("se planen"), default=True)
    edit_goals = models.BooleanField(_("skrive og endre mål"), default=False)
    consents = models.BooleanField(_("gi og trekke tilbake samtykker"), default=False)
    messages = models.BooleanField(_("lese og sende meldinger"), default=False)
    valid_from = models.DateField(_("gyldig fra"))
    valid_to = models.DateField(_("gyldig til"))
    # The person for a proxy; the staff member who registered a guardian.
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # A guardian's reference: the guardianship decision (e.g. the state
    # governor's case number), as vergemålsloven § 33 appoints it.
    reference = models.CharField(_("referanse til vergemålet"), max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(_("tilbakekalt"), null=True, blank=True)

    class Meta:
        verbose_name = _("representant")
        verbose_name_plural = _("representanter")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["representative", "person"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}"

    def has_right(self, right: str) -> bool:
        return bool(getattr(self, right))

    def rights(self) -> list[str]:
        return [str(label) for value, label in Right.choices if self.has_right(value)]


class StaffAct(models.Model):
    """Staff acted on the person's behalf in a way that changes who may see
    their data (docs/consent.md): registered a consent (a signed paper form or an
    oral consent), withdrew one at the person's request, or registered a
    guardian. Privileged: ``log_entry`` is the gate's flagged row, which the
    leader reviews on the control page; the person is told on Min side (until
    seen) and by an e-mail that names no service, unit or person."""

    class Kind(models.TextChoices):
        CONSENT_GIVEN = "samtykke", _("Samtykke registrert av ansatt")
        CONSENT_WITHDRAWN = "trukket", _("Samtykke trukket tilbake av ansatt")
        GUARDIAN = "verge", _("Verge registrert av ansatt")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="staff_acts")
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices)
    at = models.DateTimeField(_("tidspunkt"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    consent = models.ForeignKey(
        Consent, on_delete=models.PROTECT, null=True, blank=True, related_name="staff_acts"
    )
    representation = models.ForeignKey(
        "Representation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The units the employee worked in (case roles) at the time: the leader
    # sees whether the act opened access for the employee's own unit.
    actor_unit_ids = models.JSONField(default=list)
    # No database constraint: the log is partitioned on PostgreSQL (see
    # access.AccessReview); log rows are never deleted.
    log_entry = models.OneToOneField(
        AccessLogEntry, on_delete=models.PROTECT, related_name="staff_act", db_constraint=False
    )
    # How many addresses the e-mail went to (0: Min side only).
    emailed = models.PositiveSmallIntegerField(_("sendt på e-post til"), default=0)
    seen_at = models.DateTimeField(_("lest"), null=True, blank=True)
    seen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("handling av ansatt på personens vegne")
        verbose_name_plural = _("handlinger av ansatte på personens vegne")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}"


class PortalAction(models.Model):
    """Every write in the portal, and every refused attempt: who acted, for
    whom, and whether it was done. Rows are only added."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="portal_actions")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    representation = models.ForeignKey(
        Representation, on_delete=models.PROTECT, null=True, blank=True, related_name="actions"
    )
    kind = models.CharField(max_length=40)
    detail = models.CharField(max_length=300, blank=True)
    accepted = models.BooleanField(default=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["person", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Portal actions are append-only.")
        super().save(*args, **kwargs)


class GoalComment(models.Model):
    """The person's own comment on a goal (how it is going, in their words)."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="portal_comments")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="goal_comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    author_name = models.CharField(max_length=200)
    # Set when a proxy or guardian wrote it for the person.
    on_behalf = models.BooleanField(default=False)
    text = models.CharField(_("kommentar"), max_length=1000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("kommentar til mål")
        verbose_name_plural = _("kommentarer til mål")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Kommentar {self.pk}"


class NoticePreference(models.Model):
    """The person asks to be told when emergency access is used on their data."""

    person = models.OneToOneField(
        Person, on_delete=models.CASCADE, related_name="notice_preference"
    )
    email = models.EmailField(_("e-post"), blank=True)
    emergency = models.BooleanField(_("varsle meg når det brukes nødtilgang"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("varslingsvalg")
        verbose_name_plural = _("varslingsvalg")

    def __str__(self) -> str:
        return f"Varsling {self.person_id}"


class EmergencyNotice(models.Model):
    """A notice sent (or tried) to the person about an emergency access."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="emergency_notices")
    emergency_access = models.ForeignKey(
        EmergencyAccess, on_delete=models.PROTECT, related_name="notices"
    )
    sent_at = models.DateTimeField(default=timezone.now)
    delivered = models.BooleanField(default=True)

    class Meta:
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return f"Varsel {self.pk}"


class FeedbackGiven(models.Model):
    """That the person answered the survey for one occasion — never what they
    answered. Kept apart from the answer so no answer can be traced back."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    occasion = models.CharField(max_length=40)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "occasion"], name="feedback_once_per_occasion"
            )
        ]

    def __str__(self) -> str:
        return self.occasion


class FeedbackAnswer(models.Model):
    """ "Gjør hjelpen ting bedre?" — anonymous: a unit, a month and the answer;
    no person, no time of day (docs/around.md)."""

    class Occasion(models.TextChoices):
        MEETING = "mote", _("Etter møte i ansvarsgruppen")
        EVALUATION = "evaluering", _("Etter evaluering av planen")

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    occasion = models.CharField(max_length=12, choices=Occasion.choices)
    month = models.DateField()
    score = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=1000, blank=True)

    class Meta:
        indexes = [models.Index(fields=["municipality", "unit"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5), name="feedback_score_1_5"
            )
        ]

    def __str__(self) -> str:
        return f"Svar {self.pk}"
