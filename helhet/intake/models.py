"""Enquiries, applications and individual decisions (fvl §§ 11a, 17, 24–29;
hol § 3-2; sosialtjenesteloven §§ 17, 18, 20a, 29; docs/intake.md).

An application is addressed to a receiving unit (tildelingsenhet, koordinerende
enhet or NAV). That unit must process it (fvl § 11a, § 17), so its caseworkers
may read it before the person has any other relation to the unit. A granted
decision, once the providing unit confirms the start, becomes the person's
``people.Service`` with basis «vedtak» — the providing unit's lawful relation.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from helhet.coordination.models import CoordinatorAssignment
from helhet.core import legal
from helhet.intake import rules
from helhet.organisation.models import Unit
from helhet.people.models import Person, Service


class Application(models.Model):
    class Kind(models.TextChoices):
        HEALTH_CARE = "helse_omsorg", _("Helse- og omsorgstjenester (hol. § 3-2)")
        COORDINATION = "ip_koordinator", _("Individuell plan / koordinator (hol. §§ 7-1–7-3)")
        FINANCIAL = "okonomisk", _("Økonomisk stønad (sosialtjenesteloven § 18)")
        GUIDANCE = "veiledning", _("Opplysning, råd og veiledning (sosialtjenesteloven § 17)")
        OTHER = "annet", _("Annen henvendelse")

    class Channel(models.TextChoices):
        WRITTEN = "skriftlig", _("Skriftlig")
        ORAL = "muntlig", _("Muntlig (skrevet ned)")

    class Source(models.TextChoices):
        PERSON = "person", _("Personen selv")
        RELATIVE = "parorende", _("Pårørende")
        STAFF = "ansatt", _("Ansatt / tjenesteyter")
        GP = "fastlege", _("Fastlege")

    class Status(models.TextChoices):
        RECEIVED = "mottatt", _("Mottatt")
        INVESTIGATING = "utredes", _("Under utredning")
        DECIDED = "vedtatt", _("Vedtak fattet")
        WITHDRAWN = "trukket", _("Trukket")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="applications")
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="applications", verbose_name=_("mottaker")
    )
    kind = models.CharField(_("gjelder"), max_length=20, choices=Kind.choices)
    channel = models.CharField(_("form"), max_length=10, choices=Channel.choices)
    source = models.CharField(_("fra"), max_length=10, choices=Source.choices)
    source_name = models.CharField(_("navn på innsender"), max_length=200, blank=True)
    received_on = models.DateField(_("mottatt"))
    summary = models.TextField(_("hva henvendelsen gjelder"), max_length=4000)
    # Oral applications are written down; who did it is part of the record.
    written_down_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("skrevet ned av"),
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    registered_at = models.DateTimeField(auto_now_add=True)
    urgent = models.BooleanField(_("haster"), default=False)
    urgency_note = models.CharField(_("vurdering av hast"), max_length=500, blank=True)
    acknowledged_on = models.DateField(_("kvittering sendt"), null=True, blank=True)
    # fvl § 11a third paragraph: a preliminary answer when an application
    # cannot be answered within one month, with reason and expected date.
    preliminary_sent_on = models.DateField(_("foreløpig svar sendt"), null=True, blank=True)
    preliminary_reason = models.CharField(_("årsak til forsinkelse"), max_length=500, blank=True)
    expected_answer_by = models.DateField(_("forventet svar innen"), null=True, blank=True)
    assessment = models.TextField(_("vurdering"), blank=True, max_length=8000)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RECEIVED
    )

    class Meta:
        verbose_name = _("søknad / henvendelse")
        verbose_name_plural = _("søknader / henvendelser")
        ordering = ["-received_on", "-id"]
        indexes = [
            models.Index(fields=["unit", "status"]),
            models.Index(fields=["status", "received_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.received_on:%d.%m.%Y})"

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.RECEIVED, self.Status.INVESTIGATING)


class InvestigationNote(models.Model):
    """Information gathered while investigating (fvl § 17: the case well informed)."""

    class Kind(models.TextChoices):
        CONVERSATION = "samtale", _("Samtale med personen")
        HOME_VISIT = "hjemmebesok", _("Hjemmebesøk")
        MAPPING = "kartlegging", _("Kartleggingssamtale")
        GP = "fastlege", _("Opplysninger fra fastlege")
        OTHER_SERVICE = "tjeneste", _("Opplysninger fra annen tjeneste")
        OTHER = "annet", _("Annet")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    noted_on = models.DateField(_("dato"))
    text = models.TextField(_("notat"), max_length=4000)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("utredningsnotat")
        verbose_name_plural = _("utredningsnotater")
        ordering = ["noted_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.noted_on:%d.%m.%Y}"


class SocialAssistanceFacts(models.Model):
    """What sosialtjenesteloven requires to be recorded for financial assistance
    to young people (§§ 17, 20a, 29; barnekonvensjonen art. 3 and 12)."""

    class Wish(models.TextChoices):
        UNKNOWN = "", _("Ikke registrert")
        WANTS = "onsker", _("Ønsker veiledning")
        DECLINES = "onsker_ikke", _("Ønsker ikke veiledning")

    class Kvp(models.TextChoices):
        NOT_ASSESSED = "", _("Ikke vurdert")
        MEETS = "ja", _("Fyller vilkårene")
        DOES_NOT_MEET = "nei", _("Fyller ikke vilkårene")

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="social_facts"
    )
    guidance_informed = models.BooleanField(
        _("informert om og oppfordret til å søke veiledning (§ 17)"), default=False
    )
    guidance_wish = models.CharField(
        _("søkerens ønske om veiledning"), max_length=12, choices=Wish.choices, blank=True
    )
    guidance_given = models.BooleanField(_("veiledning etter § 17 gitt"), default=False)
    guidance_decided_on = models.DateField(_("vedtak etter § 17 fattet"), null=True, blank=True)
    activity_condition = models.TextField(
        _("vilkår om aktivitet (§ 20 a)"), blank=True, max_length=2000
    )
    weighty_reasons = models.TextField(
        _("tungtveiende grunner mot aktivitetsvilkår"), blank=True, max_length=2000
    )
    kvp_criteria = models.CharField(
        _("vilkårene for kvalifiseringsprogrammet (§ 29)"),
        max_length=3,
        choices=Kvp.choices,
        blank=True,
    )
    kvp_assessed_on = models.DateField(
        _("vurdert for kvalifiseringsprogrammet"), null=True, blank=True
    )
    covers_child_17 = models.BooleanField(
        _("søknaden omfatter en 17-åring i husstanden"), default=False
    )
    child_heard_on = models.DateField(_("17-åringen ble hørt"), null=True, blank=True)
    best_interests = models.TextField(_("vurdering av barnets beste"), blank=True, max_length=4000)

    class Meta:
        verbose_name = _("opplysninger om økonomisk stønad")
        verbose_name_plural = _("opplysninger om økonomisk stønad")

    def __str__(self) -> str:
        return f"NAV – {self.application_id}"


class LetterDelivery(models.TextChoices):
    # Values are intake.rules.Delivery's.
    HAND = "personlig", _("Levert personlig")
    POST = "post", _("Sendt med post")
    DIGITAL = "digital", _("Digital postkasse")


class Decision(models.Model):
    """An individual decision (enkeltvedtak), signed by caseworker and unit head."""

    # Set on the start page's list: who is to co-sign (workday.services).
    signers: list[str]

    class Outcome(models.TextChoices):
        GRANTED = "innvilget", _("Innvilget")
        REFUSED = "avslag", _("Avslag")

    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="decision"
    )
    outcome = models.CharField(_("resultat"), max_length=10, choices=Outcome.choices)
    decided_on = models.DateField(_("vedtaksdato"))
    service_name = models.CharField(_("tjeneste"), max_length=120, blank=True)
    scope = models.CharField(_("omfang"), max_length=200, blank=True)
    provider = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="provided_decisions",
        verbose_name=_("utførende enhet"),
    )
    period_from = models.DateField(_("fra"), null=True, blank=True)
    period_to = models.DateField(_("til"), null=True, blank=True)
    # Supervision found decisions lacking evaluation; every grant carries a date.
    evaluation_on = models.DateField(_("evalueres innen"), null=True, blank=True)
    reasons = models.TextField(_("begrunnelse"), blank=True, max_length=8000)
    caseworker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("saksbehandler"),
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("leder"),
    )
    approved_on = models.DateField(_("signert av leder"), null=True, blank=True)
    letter_sent_on = models.DateField(_("vedtaksbrev sendt"), null=True, blank=True)
    # The appeal deadline runs from when the letter reached the person (fvl.
    # § 29; pbrl. § 7-5), so how it went and when it arrived are recorded;
    # intake.rules.deemed_received says which day counts.
    letter_delivery = models.CharField(
        _("levert som"), max_length=10, choices=LetterDelivery.choices, blank=True
    )
    letter_received_on = models.DateField(_("brevet kom fram"), null=True, blank=True)
    started_on = models.DateField(_("tjenesten startet"), null=True, blank=True)
    started_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    service = models.OneToOneField(
        Service, on_delete=models.SET_NULL, null=True, blank=True, related_name="intake_decision"
    )
    coordinator_assignment = models.OneToOneField(
        CoordinatorAssignment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="intake_decision",
    )

    class Meta:
        verbose_name = _("vedtak")
        verbose_name_plural = _("vedtak")
        ordering = ["-decided_on", "-id"]
        indexes = [models.Index(fields=["provider", "started_on"])]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"V-{self.decided_on:%Y}-{self.pk}"

    @property
    def is_granted(self) -> bool:
        return self.outcome == self.Outcome.GRANTED

    @property
    def is_signed(self) -> bool:
        return self.approved_by_id is not None

    @property
    def appeal_route(self):
        return legal.appeal_route(self.application.kind)

    @property
    def letter_deemed_received(self):
        return rules.deemed_received(
            self.letter_delivery, self.letter_sent_on, self.letter_received_on
        )

    @property
    def appeal_deadline(self):
        """The last day to appeal; None while the deadline is not yet running."""
        received = self.letter_deemed_received
        return rules.appeal_deadline(self.appeal_route, received) if received else None


class Appeal(models.Model):
    """A klage (fvl §§ 28–34): the unit may reverse, otherwise it is sent on."""

    class Status(models.TextChoices):
        RECEIVED = "mottatt", _("Mottatt, under behandling")
        REVERSED = "omgjort", _("Omgjort av kommunen")
        FORWARDED = "oversendt", _("Oversendt Statsforvalteren")
        UPHELD = "stadfestet", _("Stadfestet av Statsforvalteren")
        CHANGED = "endret", _("Endret / opphevet av Statsforvalteren")
        WITHDRAWN = "trukket", _("Trukket")

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="appeals")
    received_on = models.DateField(_("klage mottatt"))
    # fvl. § 30: an appeal posted before the deadline ends is in time.
    posted_on = models.DateField(_("klage postlagt"), null=True, blank=True)
    grounds = models.TextField(_("hva klagen gjelder"), max_length=4000)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.RECEIVED
    )
    status_changed_on = models.DateField(_("status endret"), null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("klage")
        verbose_name_plural = _("klager")
        ordering = ["-received_on", "-id"]

    def __str__(self) -> str:
        return f"Klage {self.received_on:%d.%m.%Y}"

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.RECEIVED, self.Status.FORWARDED)

    @property
    def timing(self) -> str:
        d = self.decision
        return rules.appeal_timing(
            d.appeal_route, d.letter_deemed_received, self.received_on, self.posted_on
        )


class ReminderSent(models.Model):
    """One row per reminder mailed: running `helhet reminders` twice sends once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    item = models.CharField(max_length=60)
    kind = models.CharField(max_length=12)
    day = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "item", "kind", "day"], name="reminder_once_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.item} {self.kind} {self.day}"
