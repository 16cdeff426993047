"""Housing: dwellings, written allocation criteria, applications and the
waiting list, offers, and emergency housing (docs/housing.md).

The municipality's housing duties are in boligsosialloven (lov 20. desember
2022 nr. 121, in force 1 July 2023); sotjl. § 15 only points to it. Emergency
housing is the NAV office's duty under sotjl. § 27. See docs/housing.md.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from helhet.organisation.models import Municipality, Unit
from helhet.people.models import Person

# Decision types in the appeal table (helhet.core.legal.APPEAL_ROUTES).
ALLOCATION_DECISION = "bolig_tildeling"
EMERGENCY_DECISION = "bolig_midlertidig"


class DwellingType(models.TextChoices):
    CARE = "omsorgsbolig", _("Omsorgsbolig")
    ELDERLY = "trygdebolig", _("Trygdebolig")
    YOUTH = "ungdomsbolig", _("Ungdomsbolig / hybel")
    SHARED = "bofellesskap", _("Bofellesskap")
    STAFFED = "bemannet", _("Bolig med bemanning (heldøgns)")
    EMERGENCY = "akuttbolig", _("Akuttbolig")
    RENTAL = "utleiebolig", _("Ordinær utleiebolig")


class Group(models.TextChoices):
    """The groups a dwelling may be earmarked for (audits found a dwelling earmarked for mental health let to others)."""

    MENTAL_HEALTH = "psykisk_helse", _("Personer med psykiske helseproblemer")
    SUBSTANCE = "rus", _("Personer med rusmiddelproblemer")
    YOUNG = "unge", _("Unge")


class Urgency(models.TextChoices):
    ACUTE = "akutt", _("Akutt – uten bolig nå")
    HIGH = "hoy", _("Høy")
    MEDIUM = "middels", _("Middels")
    LOW = "lav", _("Lav")


class HousingRoutine(models.Model):
    """The municipality's own limit for a stay in emergency housing.

    The law sets no number of days (sotjl. § 27 speaks of a temporary place);
    a municipality may set one in its own routine. It is data per municipality,
    shown with the routine's own name, never cited as law.
    """

    municipality = models.OneToOneField(
        Municipality, on_delete=models.CASCADE, related_name="housing_routine"
    )
    name = models.CharField(_("rutinens navn"), max_length=200)
    emergency_stay_days = models.PositiveSmallIntegerField(
        _("lengste opphold i midlertidig bolig (dager)"),
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    adopted_on = models.DateField(_("vedtatt"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sist endret av"),
    )
    updated_at = models.DateTimeField(_("sist endret"), auto_now=True, null=True)

    class Meta:
        verbose_name = _("kommunens boligrutine")
        verbose_name_plural = _("kommunenes boligrutiner")

    def __str__(self) -> str:
        return self.name

    @property
    def citation(self) -> str:
        return _("%(name)s: inntil %(days)s dager") % {
            "name": self.name,
            "days": self.emergency_stay_days,
        }


class HousingRoutineVersion(models.Model):
    """Every change of the municipality's housing routine, kept as a version:
    who changed what and when, and why. Removing the limit is a version too
    (``emergency_stay_days`` empty). What a stay was judged against can be
    read back from here."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="housing_routine_versions"
    )
    number = models.PositiveIntegerField(_("versjon"))
    name = models.CharField(_("rutinens navn"), max_length=200, blank=True)
    emergency_stay_days = models.PositiveSmallIntegerField(
        _("lengste opphold i midlertidig bolig (dager)"), null=True, blank=True
    )
    adopted_on = models.DateField(_("vedtatt"), null=True, blank=True)
    change_note = models.CharField(_("hva er endret, og hvorfor"), max_length=300)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(_("endret"), auto_now_add=True)

    class Meta:
        verbose_name = _("versjon av kommunens boligrutine")
        verbose_name_plural = _("versjoner av kommunens boligrutine")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "number"], name="housing_routine_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name or '-'} v{self.number}"


class Dwelling(models.Model):
    class OwnerKind(models.TextChoices):
        MUNICIPALITY = "kommunen", _("Kommunen")
        FOUNDATION = "stiftelse", _("Boligstiftelse")
        ORGANISATION = "organisasjon", _("Organisasjon")
        PRIVATE = "privat", _("Privat utleier")

    class State(models.TextChoices):
        VACANT = "ledig", _("Ledig")
        LET = "utleid", _("Utleid")
        REPAIR = "vedlikehold", _("Under vedlikehold")

    class EarmarkBasis(models.TextChoices):
        EASEMENT = "servitutt", _("Tinglyst servitutt")
        GRANT = "tilskudd", _("Vilkår for tilskudd")
        RESOLUTION = "vedtak", _("Politisk vedtak")
        AGREEMENT = "avtale", _("Avtale med eier")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="dwellings"
    )
    address = models.CharField(_("adresse"), max_length=200)
    kind = models.CharField(_("boligtype"), max_length=20, choices=DwellingType.choices)
    owner_kind = models.CharField(_("eierform"), max_length=20, choices=OwnerKind.choices)
    owner_name = models.CharField(_("eier"), max_length=200)
    rooms = models.PositiveSmallIntegerField(_("antall rom"), default=2)
    state = models.CharField(
        _("status"), max_length=20, choices=State.choices, default=State.VACANT
    )
    earmarked_for = models.CharField(
        _("øremerket for"), max_length=20, choices=Group.choices, blank=True
    )
    earmark_basis = models.CharField(
        _("grunnlag for øremerkingen"), max_length=20, choices=EarmarkBasis.choices, blank=True
    )
    earmark_note = models.CharField(_("om øremerkingen"), max_length=300, blank=True)
    earmark_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="earmarked_dwellings",
        verbose_name=_("enheten øremerkingen tjener"),
    )

    class Meta:
        verbose_name = _("bolig")
        verbose_name_plural = _("boliger")
        ordering = ["address", "pk"]
        constraints = [
            # An earmark without its basis is what an audit could not check.
            models.CheckConstraint(
                condition=models.Q(earmarked_for="") | ~models.Q(earmark_basis=""),
                name="dwelling_earmark_has_basis",
            )
        ]

    def __str__(self) -> str:
        return f"{self.address} ({self.get_kind_display()})"


class AllocationCriteria(models.Model):
    """Written allocation criteria for one dwelling type; the text lives in versions."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="allocation_criteria"
    )
    kind = models.CharField(_("boligtype"), max_length=20, choices=DwellingType.choices)
    title = models.CharField(_("tittel"), max_length=200)

    class Meta:
        verbose_name = _("tildelingskriterier")
        verbose_name_plural = _("tildelingskriterier")
        ordering = ["kind"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "kind"], name="criteria_one_per_kind")
        ]

    def __str__(self) -> str:
        return self.title

    def current(self):
        return self.versions.order_by("-number").first()


class CriteriaVersion(models.Model):
    criteria = models.ForeignKey(
        AllocationCriteria, on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("versjon"))
    content = models.TextField(_("kriteriene"), max_length=20000)
    change_note = models.CharField(_("hva er endret"), max_length=300, blank=True)
    # How many refusals without a reason the criteria accept before the place is lost.
    refusals_kept = models.PositiveSmallIntegerField(
        _("antall avslag på tilbud som beholder plassen"),
        default=1,
        validators=[MaxValueValidator(5)],
    )
    approved_on = models.DateField(_("godkjent"))
    approved_by = models.CharField(_("godkjent av"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("versjon av tildelingskriterier")
        verbose_name_plural = _("versjoner av tildelingskriterier")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["criteria", "number"], name="criteria_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.criteria} v{self.number}"


class HousingApplication(models.Model):
    class Channel(models.TextChoices):
        PORTAL = "min_side", _("Søkt selv på Min side")
        STAFF = "ansatt", _("Registrert av ansatt")

    class Source(models.TextChoices):
        OWN = "egen", _("Personens egen henvendelse")
        MAPPING = "kartlegging", _("Boligbehov i kartleggingen")
        PLAN = "plan", _("Boligbehov i individuell plan")
        DISCHARGE = "utskriving", _("Utskriving eller løslatelse")

    class Status(models.TextChoices):
        RECEIVED = "mottatt", _("Mottatt")
        ASSESSED = "vurdert", _("Behov vurdert")
        WAITING = "venteliste", _("Innvilget – på ventelisten")
        REFUSED = "avslatt", _("Avslått")
        OFFERED = "tilbudt", _("Bolig tilbudt")
        HOUSED = "tildelt", _("Bolig tildelt")
        LAPSED = "bortfalt", _("Plassen på ventelisten er bortfalt")
        WITHDRAWN = "trukket", _("Trukket")

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="housing_applications"
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="housing_applications",
        verbose_name=_("boligkontor"),
    )
    kind = models.CharField(_("boligtype søkt"), max_length=20, choices=DwellingType.choices)
    received_on = models.DateField(_("mottatt"))
    channel = models.CharField(_("kanal"), max_length=20, choices=Channel.choices)
    source = models.CharField(
        _("bakgrunn"), max_length=20, choices=Source.choices, default=Source.OWN
    )
    need = models.TextField(_("personens beskrivelse av behovet"), max_length=4000)
    group = models.CharField(
        _("personen hører til gruppen"), max_length=20, choices=Group.choices, blank=True
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    urgency = models.CharField(_("hastegrad"), max_length=10, choices=Urgency.choices, blank=True)
    assessment = models.TextField(_("vurdering av behov og hastegrad"), max_length=4000, blank=True)
    assessed_on = models.DateField(_("vurdert"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED
    )
    status_reason = models.CharField(_("begrunnelse for status"), max_length=500, blank=True)
    # fvl. § 11a third paragraph: not answered within a month → a preliminary
    # answer with the reason and when a decision can be expected.
    preliminary_sent_on = models.DateField(_("foreløpig svar sendt"), null=True, blank=True)
    preliminary_reason = models.CharField(
        _("hvorfor saken tar tid, og når svar kan ventes"), max_length=1000, blank=True
    )

    class Meta:
        verbose_name = _("boligsøknad")
        verbose_name_plural = _("boligsøknader")
        ordering = ["-received_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.received_on:%d.%m.%Y})"


class HousingDecision(models.Model):
    class Outcome(models.TextChoices):
        GRANTED = "innvilget", _("Innvilget")
        REFUSED = "avslag", _("Avslag")

    application = models.OneToOneField(
        HousingApplication, on_delete=models.CASCADE, related_name="decision"
    )
    outcome = models.CharField(_("utfall"), max_length=20, choices=Outcome.choices)
    criteria_version = models.ForeignKey(
        CriteriaVersion,
        on_delete=models.PROTECT,
        related_name="decisions",
        verbose_name=_("tildelingskriteriene som er brukt"),
    )
    reasons = models.TextField(_("begrunnelse"), max_length=6000)
    decided_on = models.DateField(_("vedtaksdato"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # The appeal route as printed in the decision (the table may change later).
    appeal_body = models.CharField(_("klageinstans"), max_length=300)
    appeal_weeks = models.PositiveSmallIntegerField(_("klagefrist i uker"))
    appeal_law = models.CharField(_("klageregler"), max_length=300)

    class Meta:
        verbose_name = _("boligvedtak")
        verbose_name_plural = _("boligvedtak")

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} {self.decided_on:%d.%m.%Y}"

    @property
    def reference(self) -> str:
        return f"B-{self.decided_on:%Y}-{self.pk}"

    @property
    def is_granted(self) -> bool:
        return self.outcome == self.Outcome.GRANTED


class Offer(models.Model):
    class Answer(models.TextChoices):
        PENDING = "", _("Ikke svart")
        ACCEPTED = "akseptert", _("Takket ja")
        REFUSED = "avslatt", _("Takket nei")

    class RefusalReason(models.TextChoices):
        UNSUITABLE = "ikke_egnet", _("Boligen dekker ikke det vurderte behovet")
        LOCATION = "beliggenhet", _("Beliggenhet")
        RENT = "husleie", _("Husleien")
        NEIGHBOURS = "bomiljo", _("Bomiljø og naboer")
        OTHER = "annet", _("Annet")

    application = models.ForeignKey(
        HousingApplication, on_delete=models.CASCADE, related_name="offers"
    )
    dwelling = models.ForeignKey(Dwelling, on_delete=models.PROTECT, related_name="offers")
    offered_on = models.DateField(_("tilbudt"))
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    position = models.PositiveIntegerField(_("plass på ventelisten da tilbudet ble gitt"))
    skip_reason = models.TextField(
        _("hvorfor søkere foran på listen ble hoppet over"), max_length=2000, blank=True
    )
    outside_group_reason = models.TextField(
        _("hvorfor en øremerket bolig tildeles utenfor gruppen"), max_length=2000, blank=True
    )
    answer = models.CharField(
        _("svar"), max_length=20, choices=Answer.choices, default="", blank=True
    )
    answered_on = models.DateField(_("svart"), null=True, blank=True)
    refusal_reason = models.CharField(
        _("grunn til å takke nei"), max_length=20, choices=RefusalReason.choices, blank=True
    )
    refusal_note = models.CharField(_("personens egne ord"), max_length=1000, blank=True)
    kept_place = models.BooleanField(_("beholdt plassen"), null=True)
    place_note = models.CharField(_("hvorfor"), max_length=500, blank=True)
    contract_start = models.DateField(_("leiekontrakt fra"), null=True, blank=True)

    class Meta:
        verbose_name = _("botilbud")
        verbose_name_plural = _("botilbud")
        ordering = ["-offered_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.dwelling} {self.offered_on:%d.%m.%Y}"


class EarmarkNotice(models.Model):
    """The unit an earmark serves is told when its dwelling is let outside the
    group (audits found an earmarked dwelling let to others without the mental-health service
    knowing). No person data: the dwelling, the date and the reason."""

    offer = models.OneToOneField(Offer, on_delete=models.CASCADE, related_name="earmark_notice")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="earmark_notices")
    sent_on = models.DateField(_("sendt"))
    text = models.TextField(_("melding"), max_length=3000)
    read_on = models.DateField(_("lest"), null=True, blank=True)

    class Meta:
        verbose_name = _("varsel om øremerket bolig")
        verbose_name_plural = _("varsler om øremerkede boliger")
        ordering = ["-sent_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.unit} {self.sent_on:%d.%m.%Y}"


class EmergencyStay(models.Model):
    """A stay in temporary housing found by the NAV office (sotjl. § 27)."""

    class Place(models.TextChoices):
        EMERGENCY_FLAT = "akuttbolig", _("Kommunens akuttbolig")
        HOTEL = "hotell", _("Hotell")
        CAMPSITE = "camping", _("Campingplass")
        PRIVATE = "privat", _("Privat utleie")
        SHELTER = "herberge", _("Hospits / herberge")
        OTHER = "annet", _("Annet")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="emergency_stays")
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="emergency_stays",
        verbose_name=_("NAV-kontor"),
    )
    place = models.CharField(_("sted"), max_length=20, choices=Place.choices)
    place_name = models.CharField(_("navn på stedet"), max_length=200)
    dwelling = models.ForeignKey(
        Dwelling,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="emergency_stays",
        verbose_name=_("akuttbolig"),
    )
    reason = models.TextField(_("hvorfor personen trenger midlertidig botilbud"), max_length=3000)
    decided_on = models.DateField(_("vedtaksdato"))
    started_on = models.DateField(_("fra"))
    ended_on = models.DateField(_("til"), null=True, blank=True)
    follow_up = models.TextField(_("oppfølging mot varig bolig"), max_length=4000, blank=True)
    follow_up_on = models.DateField(_("sist fulgt opp"), null=True, blank=True)
    application = models.ForeignKey(
        HousingApplication,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="emergency_stays",
        verbose_name=_("søknad om varig bolig"),
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("opphold i midlertidig botilbud")
        verbose_name_plural = _("opphold i midlertidig botilbud")
        ordering = ["-started_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="emergency_stay_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_place_display()} {self.started_on:%d.%m.%Y}"


class EmergencyRefusal(models.Model):
    """A refusal of temporary housing (sotjl. § 27) is an individual decision:
    written, with reasons (fvl. §§ 24–25) and the appeal route from the one
    table (the state governor, sotjl. § 48, three weeks, fvl. § 29). The NAV
    office records it; a person turned away without a decision is what the
    reports warned against."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="emergency_refusals")
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="emergency_refusals",
        verbose_name=_("NAV-kontor"),
    )
    asked_on = models.DateField(_("personen ba om hjelp"))
    decided_on = models.DateField(_("vedtaksdato"))
    reasons = models.TextField(_("begrunnelse"), max_length=4000)
    other_help = models.TextField(
        _("annen hjelp som er gitt eller anvist"), max_length=2000, blank=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # The appeal route as printed in the decision (the table may change later).
    appeal_body = models.CharField(_("klageinstans"), max_length=300)
    appeal_weeks = models.PositiveSmallIntegerField(_("klagefrist i uker"))
    appeal_law = models.CharField(_("klageregler"), max_length=300)

    class Meta:
        verbose_name = _("avslag på midlertidig botilbud")
        verbose_name_plural = _("avslag på midlertidig botilbud")
        ordering = ["-decided_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(decided_on__gte=models.F("asked_on")),
                name="emergency_refusal_after_request",
            )
        ]

    def __str__(self) -> str:
        return f"{_('Avslag')} {self.decided_on:%d.%m.%Y}"

    @property
    def reference(self) -> str:
        return f"MB-{self.decided_on:%Y}-{self.pk}"
