"""Around the person (docs/around.md): what the municipality's own units do
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
  supervision found neither followed up).

Each row is a record of the unit that made it (``unit``): that unit's staff
read it on their relation to the person; another unit needs the person's
consent for health information, as for services (hpl. § 22).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from helhet.organisation.models import ExternalPartner, Unit
from helhet.people.models import Person, Relative


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


class Referral(models.Model):
    """A referral sent to, or received from, the specialist services (DPS, TSB,
    detoxification, hospital), with its status and answer (hol. § 6-2 nr. 2:
    cooperation on persons who need coordinated services)."""

    class Direction(models.TextChoices):
        SENT = "sendt", _("Sendt fra kommunen")
        RECEIVED = "mottatt", _("Mottatt av kommunen")

    class Service(models.TextChoices):
        DPS = "dps", _("Distriktspsykiatrisk senter (DPS)")
        TSB = "tsb", _("Tverrfaglig spesialisert rusbehandling (TSB)")
        DETOX = "avrusning", _("Avrusning")
        HOSPITAL = "sykehus", _("Sykehusavdeling")
        OTHER = "annet", _("Annet")

    class Status(models.TextChoices):
        WAITING = "venter", _("Venter på svar")
        ACCEPTED = "tatt_imot", _("Tatt imot / rett til helsehjelp")
        REJECTED = "avvist", _("Avvist")
        WITHDRAWN = "trukket", _("Trukket tilbake")
        DONE = "avsluttet", _("Behandling avsluttet")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="referrals")
    direction = models.CharField(_("retning"), max_length=8, choices=Direction.choices)
    service = models.CharField(_("til eller fra"), max_length=10, choices=Service.choices)
    counterpart = models.CharField(_("tjeneste eller sted"), max_length=200)
    partner = models.ForeignKey(
        ExternalPartner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("samarbeidspartner i tjenesteoversikten"),
    )
    sent_on = models.DateField(_("sendt dato"))
    reason = models.TextField(_("hva henvisningen gjelder"), blank=True, max_length=2000)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.WAITING
    )
    answered_on = models.DateField(_("svar mottatt"), null=True, blank=True)
    answer = models.TextField(_("svar"), blank=True, max_length=2000)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("registrert av enhet")
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    registered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("henvisning")
        verbose_name_plural = _("henvisninger")
        ordering = ["-sent_on", "-id"]
        indexes = [models.Index(fields=["person", "sent_on"])]

    def __str__(self) -> str:
        return f"{self.get_service_display()} {self.sent_on:%d.%m.%Y}"

    def clean(self) -> None:
        from helhet.around import rules

        errors = rules.referral_errors(self.sent_on, self.status, self.answered_on)
        if errors:
            raise ValidationError(errors)


class DischargeNotice(models.Model):
    """Notice that the person will be discharged from the specialist services or
    released from prison, received by the municipality. Aftercare must be in
    place on ``discharge_on`` (hol. § 6-2 nr. 5; the auditors found it was not)."""

    class Source(models.TextChoices):
        SPECIALIST = "spesialist", _("Utskrivning fra spesialisthelsetjenesten")
        PRISON = "fengsel", _("Løslatelse fra fengsel")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="discharge_notices")
    source = models.CharField(_("hva"), max_length=10, choices=Source.choices)
    institution = models.CharField(_("institusjon eller fengsel"), max_length=200)
    partner = models.ForeignKey(
        ExternalPartner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="discharge_notices",
        verbose_name=_("samarbeidspartner i tjenesteoversikten"),
    )
    received_on = models.DateField(_("varsel mottatt"))
    discharge_on = models.DateField(_("dato for utskrivning eller løslatelse"))
    acted_on = models.DateField(_("fulgt opp av kommunen"), null=True, blank=True)
    cancelled = models.BooleanField(_("utskrivningen er avlyst"), default=False)
    note = models.TextField(_("merknad"), blank=True, max_length=2000)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("registrert av enhet")
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    registered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("varsel om utskrivning eller løslatelse")
        verbose_name_plural = _("varsler om utskrivning eller løslatelse")
        ordering = ["-discharge_on", "-id"]
        indexes = [models.Index(fields=["person", "discharge_on"])]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.discharge_on:%d.%m.%Y}"

    def clean(self) -> None:
        if self.acted_on and self.received_on and self.acted_on < self.received_on:
            raise ValidationError(
                {"acted_on": _("Oppfølgingen kan ikke være før varselet ble mottatt.")}
            )


class AftercarePlan(models.Model):
    """What is in place when the person comes out: housing, follow-up, activity,
    and who does what. Made before the day of discharge (an audit: aftercare
    «på plass i god tid før utskrivelse ... eller løslatelse»)."""

    notice = models.OneToOneField(
        DischargeNotice, on_delete=models.CASCADE, related_name="aftercare"
    )
    made_on = models.DateField(_("planen laget"))
    housing = models.TextField(_("bolig"), blank=True, max_length=2000)
    housing_ready_on = models.DateField(_("bolig klar fra"), null=True, blank=True)
    follow_up = models.TextField(_("oppfølging"), blank=True, max_length=2000)
    follow_up_ready_on = models.DateField(_("oppfølging avtalt fra"), null=True, blank=True)
    activity = models.TextField(_("aktivitet og arbeid"), blank=True, max_length=2000)
    responsibilities = models.TextField(_("hvem gjør hva"), blank=True, max_length=2000)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("registrert av enhet")
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("ettervernsplan")
        verbose_name_plural = _("ettervernsplaner")

    def __str__(self) -> str:
        return f"{_('Ettervernsplan')} {self.made_on:%d.%m.%Y}"


class GpMessage(models.Model):
    """A message to or from the person's GP. A message to the GP about the plan
    says what changed, the plan and who the coordinator is (supervision:
    the GP informed of the plan and of changes); it leaves only within the
    person's consent to the GP (hpl. § 22)."""

    class Direction(models.TextChoices):
        TO_GP = "til", _("Til fastlegen")
        FROM_GP = "fra", _("Fra fastlegen")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="gp_messages")
    direction = models.CharField(_("retning"), max_length=4, choices=Direction.choices)
    gp = models.ForeignKey(
        ExternalService,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="messages",
        verbose_name=_("fastlege"),
    )
    sent_on = models.DateField(_("dato"))
    about_plan = models.BooleanField(_("gjelder individuell plan"), default=False)
    what_changed = models.TextField(_("hva er endret"), blank=True, max_length=4000)
    plan_summary = models.TextField(_("planen kort"), blank=True, max_length=4000)
    coordinator = models.CharField(_("koordinator"), max_length=200, blank=True)
    text = models.TextField(_("melding"), blank=True, max_length=4000)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("registrert av enhet")
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    registered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("melding med fastlegen")
        verbose_name_plural = _("meldinger med fastlegen")
        ordering = ["-sent_on", "-id"]
        indexes = [models.Index(fields=["person", "direction", "sent_on"])]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} {self.sent_on:%d.%m.%Y}"


class RelativeNeed(models.Model):
    """A relative's own need — information, guidance, relief, involvement —
    mapped and followed up (the national guideline for relatives). Information
    about the person's health, and involvement in the plan, are given only when
    the person consents (pbrl. § 3-3, hpl. § 22); guidance and relief for the
    relative's own sake need no such consent."""

    class Kind(models.TextChoices):
        INFORMATION = "informasjon", _("Informasjon om personens helsehjelp")
        GUIDANCE = "veiledning", _("Veiledning og samtaler for egen del")
        RELIEF = "avlastning", _("Avlastning")
        INVOLVEMENT = "medvirkning", _("Å bli involvert i planen og tjenestene")

    relative = models.ForeignKey(Relative, on_delete=models.CASCADE, related_name="needs")
    kind = models.CharField(_("behov"), max_length=12, choices=Kind.choices)
    person_consented = models.BooleanField(
        _("personen har samtykket til at den pårørende får informasjon eller blir involvert"),
        default=False,
    )
    mapped_on = models.DateField(_("kartlagt dato"))
    description = models.TextField(_("beskrivelse"), blank=True, max_length=2000)
    follow_up = models.TextField(_("oppfølging"), blank=True, max_length=2000)
    followed_up_on = models.DateField(_("fulgt opp dato"), null=True, blank=True)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("registrert av enhet")
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("pårørendes behov")
        verbose_name_plural = _("pårørendes behov")
        ordering = ["-mapped_on", "-id"]

    def __str__(self) -> str:
        return self.get_kind_display()

    def clean(self) -> None:
        from helhet.around import rules

        errors = rules.relative_need_errors(self.kind, self.person_consented, self.followed_up_on)
        if errors:
            raise ValidationError(errors)


class ChildrenCheck(models.Model):
    """Has it been clarified whether the patient has minor children (hpl. § 10 a
    second paragraph)? The latest check counts."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="children_checks")
    checked_on = models.DateField(_("avklart dato"))
    has_minor_children = models.BooleanField(_("har mindreårige barn"))
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("registrert av enhet")
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("avklaring av mindreårige barn")
        verbose_name_plural = _("avklaringer av mindreårige barn")
        ordering = ["-checked_on", "-id"]

    def __str__(self) -> str:
        return f"{self.checked_on:%d.%m.%Y}"


class ChildRelative(models.Model):
    """A minor child of the patient, as a relative (hpl. § 10 a; § 10 b when the
    patient dies): the child's need for information and follow-up assessed and
    what was done documented. Only a first name and birth year: the child is not
    the municipality's patient here."""

    class Condition(models.TextChoices):
        MENTAL = "psykisk", _("Psykisk sykdom")
        SUBSTANCE = "rus", _("Rusmiddelavhengighet")
        SOMATIC = "somatisk", _("Alvorlig somatisk sykdom eller skade")
        DEATH = "dodsfall", _("Forelderen er død (§ 10 b)")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="child_relatives")
    first_name = models.CharField(_("barnets fornavn"), max_length=100)
    birth_year = models.PositiveSmallIntegerField(_("fødselsår"))
    condition = models.CharField(
        _("forelderens tilstand"), max_length=10, choices=Condition.choices
    )
    lives_with_patient = models.BooleanField(_("bor med forelderen"), default=False)
    assessed_on = models.DateField(_("behov vurdert dato"), null=True, blank=True)
    needs = models.TextField(_("barnets behov for informasjon og oppfølging"), blank=True)
    measures = models.TextField(_("hva som er gjort"), blank=True, max_length=2000)
    responsible = models.CharField(_("barneansvarlig"), max_length=200, blank=True)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("registrert av enhet")
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    registered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("barn som pårørende")
        verbose_name_plural = _("barn som pårørende")
        ordering = ["birth_year", "id"]

    def __str__(self) -> str:
        return f"{self.first_name} ({self.birth_year})"
