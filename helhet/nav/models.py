"""NAV's work after the decision (docs/nav.md): activity conditions for
recipients under 30 (sotjl. § 20 a) with follow-up and evaluation, the
qualification programme (§ 29), and financial counselling (§ 17).

Audits found the work ending at the decision: conditions set
without follow-up, the programme not assessed, economic advice not given.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from helhet.organisation.models import Unit
from helhet.people.models import Person


class ActivityCondition(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "aktivt", _("Aktivt")
        ENDED = "avsluttet", _("Avsluttet")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="activity_conditions")
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("NAV-kontor")
    )
    condition = models.TextField(_("vilkåret"), max_length=2000)
    activity = models.CharField(_("aktiviteten"), max_length=300)
    set_on = models.DateField(_("satt i vedtak"))
    # The intake decision on financial assistance the condition was set in
    # (sotjl. § 20 a: a condition is part of a decision under § 18).
    decision = models.ForeignKey(
        "intake.Decision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activity_conditions",
        verbose_name=_("vedtaket vilkåret ble satt i"),
    )
    follow_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("følges opp av"),
    )
    person_view = models.TextField(_("den unges eget syn på vilkåret"), max_length=2000, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE
    )

    class Meta:
        verbose_name = _("aktivitetsvilkår")
        verbose_name_plural = _("aktivitetsvilkår")
        ordering = ["-set_on", "-pk"]

    def __str__(self) -> str:
        return self.activity


class Evaluation(models.Model):
    class Result(models.TextChoices):
        MET = "oppfylt", _("Vilkåret er oppfylt")
        PARTLY = "delvis", _("Delvis oppfylt")
        NOT_MET = "ikke_oppfylt", _("Vilkåret er ikke oppfylt")

    condition = models.ForeignKey(
        ActivityCondition, on_delete=models.CASCADE, related_name="evaluations"
    )
    due_on = models.DateField(_("evalueres"))
    done_on = models.DateField(_("evaluert"), null=True, blank=True)
    result = models.CharField(_("resultat"), max_length=12, choices=Result.choices, blank=True)
    note = models.TextField(_("notat"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("evaluering av aktivitetsvilkår")
        verbose_name_plural = _("evalueringer av aktivitetsvilkår")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return f"{self.condition} {self.due_on:%d.%m.%Y}"


class NonComplianceDecision(models.Model):
    """A condition not met changes the benefit only by a new decision with
    reasons and appeal information (sotjl. § 20 a fourth paragraph: never a
    silent reduction)."""

    condition = models.ForeignKey(
        ActivityCondition, on_delete=models.CASCADE, related_name="noncompliance"
    )
    decided_on = models.DateField(_("vedtaksdato"))
    reduces = models.BooleanField(_("stønaden reduseres"))
    reasons = models.TextField(_("begrunnelse"), max_length=4000)
    appeal_body = models.CharField(_("klageinstans"), max_length=300)
    appeal_weeks = models.PositiveSmallIntegerField(_("klagefrist i uker"))
    appeal_law = models.CharField(_("klageregler"), max_length=300, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("vedtak ved brudd på aktivitetsvilkår")
        verbose_name_plural = _("vedtak ved brudd på aktivitetsvilkår")
        ordering = ["-decided_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.condition} {self.decided_on:%d.%m.%Y}"

    @property
    def reference(self) -> str:
        return f"NAV-{self.decided_on:%Y}-{self.pk}"


class QualificationProgramme(models.Model):
    class State(models.TextChoices):
        ASSESSED = "vurdert", _("Vurdert")
        OFFERED = "tilbudt", _("Tilbudt")
        STARTED = "startet", _("Startet")
        ENDED = "avsluttet", _("Avsluttet")
        NOT_ELIGIBLE = "ikke_aktuelt", _("Fyller ikke vilkårene")

    class EndReason(models.TextChoices):
        WORK = "arbeid", _("Over i arbeid")
        EDUCATION = "utdanning", _("Over i utdanning")
        PERIOD = "periode", _("Programperioden er over")
        DROPPED = "avbrutt", _("Avbrutt")
        OTHER = "annet", _("Annet")

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="qualification_programmes"
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("status"), max_length=14, choices=State.choices)
    assessed_on = models.DateField(_("vurdert"))
    assessment = models.TextField(_("vurdering etter § 29"), max_length=3000)
    offered_on = models.DateField(_("tilbudt"), null=True, blank=True)
    started_on = models.DateField(_("startet"), null=True, blank=True)
    programme_plan = models.TextField(_("programplan"), max_length=4000, blank=True)
    ended_on = models.DateField(_("avsluttet"), null=True, blank=True)
    end_reason = models.CharField(
        _("hvorfor avsluttet"), max_length=12, choices=EndReason.choices, blank=True
    )

    class Meta:
        verbose_name = _("kvalifiseringsprogram")
        verbose_name_plural = _("kvalifiseringsprogram")
        ordering = ["-assessed_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_state_display()} {self.assessed_on:%d.%m.%Y}"


class AdviceCase(models.Model):
    """Information, advice and guidance (sotjl. § 17): financial counselling
    and debt advice, recorded as such, with the outcome."""

    class Kind(models.TextChoices):
        BUDGET = "okonomi", _("Økonomisk rådgivning")
        DEBT = "gjeld", _("Gjeldsrådgivning")
        INFORMATION = "informasjon", _("Opplysning og råd")

    class Outcome(models.TextChoices):
        OPEN = "", _("Pågår")
        BUDGET_MADE = "budsjett", _("Budsjett laget")
        SETTLEMENT = "gjeldsordning", _("Søknad om gjeldsordning")
        AGREEMENT = "avtale", _("Avtale med kreditorer")
        REFERRED = "henvist", _("Henvist videre")
        ENDED = "avsluttet", _("Avsluttet uten tiltak")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="advice_cases")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices)
    opened_on = models.DateField(_("startet"))
    given = models.TextField(_("hva som er gitt av opplysning, råd og veiledning"), max_length=4000)
    closed_on = models.DateField(_("avsluttet"), null=True, blank=True)
    outcome = models.CharField(_("utfall"), max_length=14, choices=Outcome.choices, blank=True)

    class Meta:
        verbose_name = _("sak om økonomisk rådgivning")
        verbose_name_plural = _("saker om økonomisk rådgivning")
        ordering = ["-opened_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.opened_on:%d.%m.%Y}"
