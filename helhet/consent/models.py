"""The consent register (hpl § 22, fvl § 13a, sosialtjenesteloven § 44, GDPR art. 9).

A consent is the person's own act (or their guardian's/proxy's); an audit found a
consent "signed" by an employee, which is invalid, so staff can never be the
giver. Every consent has an explicit end date (an audit: "until the case is closed"
is too vague; NAV's practice is 12 months).

What a consent covers is a set of *scopes*: one party (a unit or an external
partner) × one category. The printed form has a box per party and category so
that narrowing is one unticked box. ``categories``, ``units`` and
``partners`` on ``Consent`` are the union of its scopes, kept for readers that
need only "who is named at all" (forskrift § 19 h in plans.services).

A consent is never edited: it is withdrawn (from that moment) or renewed (a new
consent that names the old one). ``ConsentEvent`` is the append-only history,
and also records each scope the person *declined*, so the municipality can
evaluate its form (docs/consent.md).
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helhet.consent import rules
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
        # Registered where the person gave it and brought over by the FHIR
        # import; how it was given there is that system's record.
        IMPORTED = "importert", _("Importert fra et annet system")

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
    # The guardian's or proxy's name when the person did not give it themself.
    giver_name = models.CharField(_("navn på verge/fullmektig"), max_length=200, blank=True)
    # Who typed the consent in: a clerk, never the giver.
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registrert av"),
    )
    # How a consent registered by staff was given (docs/consent.md): the day the
    # form was signed or the person said it, and the person's own words, if any.
    given_on = models.DateField(_("dato gitt"), null=True, blank=True)
    person_words = models.TextField(_("personens egne ord"), max_length=1000, blank=True)
    renews = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="renewals",
        verbose_name=_("fornyer"),
    )

    class Meta:
        verbose_name = _("samtykke")
        verbose_name_plural = _("samtykker")
        ordering = ["-valid_from"]

    def __str__(self) -> str:
        return f"{self.purpose} ({self.valid_from:%d.%m.%Y}–{self.valid_to:%d.%m.%Y})"

    def clean(self) -> None:
        period = rules.period_errors(self.valid_from, self.valid_to)
        if period:
            raise ValidationError(period)
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

    def status(self, moment: dt.datetime | None = None) -> str:
        moment = moment or timezone.now()
        if self.withdrawn_at and self.withdrawn_at <= moment:
            return Status.WITHDRAWN
        day = timezone.localdate(moment)
        if day < self.valid_from:
            return Status.FUTURE
        if day > self.valid_to:
            return Status.EXPIRED
        return Status.VALID

    def get_status_display(self) -> str:
        return Status(self.status()).label


class Status(models.TextChoices):
    VALID = "gyldig", _("Gyldig")
    FUTURE = "fremtidig", _("Ikke gyldig ennå")
    EXPIRED = "utlopt", _("Utløpt")
    WITHDRAWN = "trukket", _("Trukket tilbake")


class ConsentScope(models.Model):
    """One ticked box on the form: this party may receive this category."""

    consent = models.ForeignKey(Consent, on_delete=models.CASCADE, related_name="scopes")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True)
    partner = models.ForeignKey(ExternalPartner, on_delete=models.PROTECT, null=True, blank=True)
    category = models.CharField(_("kategori"), max_length=20, choices=Category.choices)

    class Meta:
        verbose_name = _("samtykkeomfang")
        verbose_name_plural = _("samtykkeomfang")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(unit__isnull=False) & models.Q(partner__isnull=True))
                | (models.Q(unit__isnull=True) & models.Q(partner__isnull=False)),
                name="consent_scope_one_party",
            ),
            models.UniqueConstraint(
                fields=["consent", "unit", "category"],
                condition=models.Q(unit__isnull=False),
                name="consent_scope_unit_unique",
            ),
            models.UniqueConstraint(
                fields=["consent", "partner", "category"],
                condition=models.Q(partner__isnull=False),
                name="consent_scope_partner_unique",
            ),
        ]
        indexes = [models.Index(fields=["unit", "category"])]

    def __str__(self) -> str:
        return f"{self.unit or self.partner}: {self.get_category_display()}"


class RequestedHow(models.TextChoices):
    """How the person asked staff to act for them (a withdrawal)."""

    IN_PERSON = "oppmote", _("Muntlig ved oppmøte eller hjemmebesøk")
    PHONE = "telefon", _("På telefon")
    WRITING = "skriftlig", _("Skriftlig (brev, e-post eller melding)")
    # Withdrawn in another system and brought over by the FHIR import.
    IMPORTED = "importert", _("I et annet system (importert)")


# What a member of staff can choose on the withdrawal form: an import is not.
STAFF_REQUESTED_HOW = [c for c in RequestedHow.choices if c[0] != RequestedHow.IMPORTED]


class ConsentEvent(models.Model):
    """The consent register's history; rows are only ever added."""

    class Kind(models.TextChoices):
        GIVEN = "gitt", _("Samtykke registrert")
        DECLINED = "avslatt", _("Samtykke ikke gitt")
        WITHDRAWN = "trukket", _("Trukket tilbake")
        RENEWED = "fornyet", _("Fornyet")
        PRINTED = "skrevet_ut", _("Skjema skrevet ut")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="consent_events")
    consent = models.ForeignKey(
        Consent, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    kind = models.CharField(_("hendelse"), max_length=12, choices=Kind.choices)
    at = models.DateTimeField(_("tidspunkt"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    actor_name = models.CharField(_("utført av"), max_length=200, blank=True)
    # For a declined scope: which party and category the person said no to.
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True)
    partner = models.ForeignKey(ExternalPartner, on_delete=models.PROTECT, null=True, blank=True)
    category = models.CharField(_("kategori"), max_length=20, blank=True)
    form_version = models.CharField(_("skjemaversjon"), max_length=20, blank=True)
    note = models.CharField(_("merknad"), max_length=300, blank=True)
    # A withdrawal registered by staff: how and when the person asked for it.
    requested_how = models.CharField(
        _("hvordan personen ba om det"), max_length=12, choices=RequestedHow.choices, blank=True
    )
    requested_on = models.DateField(_("når personen ba om det"), null=True, blank=True)

    class Meta:
        verbose_name = _("samtykkehendelse")
        verbose_name_plural = _("samtykkehendelser")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["kind", "form_version"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Consent history is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Consent history is append-only.")


class ConsentReminder(models.Model):
    """A reminder to the person that they have consented and can withdraw
    (an audit; docs/consent.md): shown on Min side until it is seen, and e-mailed
    to the person and to those who may consent for them, where they have an
    address. Made by the daily ``helhet reminders``; at most one per consent,
    kind and day."""

    class Kind(models.TextChoices):
        REMINDER = rules.REMINDER, _("Påminnelse om samtykke")
        EXPIRY = rules.EXPIRY, _("Samtykket utløper snart")

    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, related_name="reminders")
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices)
    created_on = models.DateField(_("dato"))
    # How many addresses the e-mail went to (0: Min side only).
    emailed = models.PositiveSmallIntegerField(_("sendt på e-post til"), default=0)
    seen_at = models.DateTimeField(_("lest"), null=True, blank=True)
    seen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("påminnelse om samtykke")
        verbose_name_plural = _("påminnelser om samtykke")
        ordering = ["-created_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["consent", "kind", "created_on"], name="one_consent_reminder_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created_on:%d.%m.%Y}"
