"""Cooperation around a person and between services (docs/cooperation.md).

Responsibility groups, meetings and action items (hol § 3-4, forskrift om
habilitering og rehabilitering, individuell plan og koordinator § 21), secure
messages with attachments, the service directory (an audit: "make contact
information visible and current"), written cooperation routines between the municipality's own units (hol. § 3-4,
forskrift om ledelse og kvalitetsforbedring § 6), the cooperation agreement
with the health trust and its sub-agreements (hol. §§ 6-1, 6-2) and strategic
forums at system level.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from helhet.organisation.models import ExternalPartner, Municipality, Unit
from helhet.people.models import Person


class DirectoryEntry(models.Model):
    """What one unit or external partner offers and whom to call."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="directory_entries"
    )
    unit = models.OneToOneField(
        Unit, on_delete=models.CASCADE, null=True, blank=True, related_name="directory_entry"
    )
    partner = models.OneToOneField(
        ExternalPartner,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="directory_entry",
    )
    purpose = models.TextField(_("formål"), max_length=1000)
    services = models.TextField(_("tjenester"), max_length=2000)
    target_groups = models.TextField(_("målgrupper"), max_length=1000)
    low_threshold = models.TextField(
        _("lavterskeltilbud (uten søknad)"), max_length=1000, blank=True
    )
    how_to_apply = models.TextField(_("slik søker du"), max_length=1000, blank=True)
    contact_person = models.CharField(_("kontaktperson"), max_length=200)
    phone = models.CharField(_("telefon"), max_length=20)
    email = models.EmailField(_("e-post"), blank=True)
    opening_hours = models.CharField(_("åpningstider"), max_length=200, blank=True)
    last_verified = models.DateField(_("sist bekreftet"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="directory_entries",
        verbose_name=_("ansvarlig for oppføringen"),
    )

    class Meta:
        verbose_name = _("oppføring i tjenesteoversikten")
        verbose_name_plural = _("oppføringer i tjenesteoversikten")
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=False, partner__isnull=True)
                | Q(unit__isnull=True, partner__isnull=False),
                name="directory_entry_unit_xor_partner",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return str(self.unit or self.partner)


class CooperationRoutine(models.Model):
    """A written routine between units (audits and supervision: cooperation
    must not depend on individuals)."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="cooperation_routines"
    )
    title = models.CharField(_("tittel"), max_length=200)
    units = models.ManyToManyField(
        Unit, related_name="cooperation_routines", verbose_name=_("parter")
    )
    content = models.TextField(_("innhold"), max_length=20000)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="cooperation_routines",
        verbose_name=_("eier"),
    )
    approved_by = models.CharField(_("godkjent av"), max_length=200)
    approved_on = models.DateField(_("godkjent dato"))
    version = models.CharField(_("versjon"), max_length=20)
    review_due = models.DateField(_("neste revisjon"))

    class Meta:
        verbose_name = _("samarbeidsrutine")
        verbose_name_plural = _("samarbeidsrutiner")
        ordering = ["title"]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"


class AgreementTopic(models.TextChoices):
    """What hol. § 6-2 first paragraph says the agreement covers at least (nos. 1–11),
    with services for people with mental illness and substance problems (ROP)
    named on their own: supervision and docs/cooperation.md ask for them, and
    they are the coordinated services of no. 2."""

    TASKS = "oppgavefordeling", _("Oppgavefordeling mellom kommune og helseforetak (nr. 1)")
    COORDINATED = (
        "koordinerte",
        _(
            "Innleggelse, utskrivning, habilitering, rehabilitering og lærings- og mestringstilbud "
            "for pasienter med behov for koordinerte tjenester (nr. 2)"
        ),
    )
    ADMISSION = "innleggelse", _("Innleggelse i sykehus (nr. 3)")
    EMERGENCY_BEDS = "oyeblikkelig_hjelp", _("Døgnopphold for øyeblikkelig hjelp (nr. 4)")
    DISCHARGE = "utskrivning", _("Utskrivningsklare pasienter (nr. 5)")
    KNOWLEDGE = (
        "kunnskapsoverforing",
        _("Kunnskapsoverføring, informasjonsutveksling, faglige nettverk og hospitering (nr. 6)"),
    )
    RESEARCH = "forskning", _("Forskning, utdanning, praksis og læretid (nr. 7)")
    MIDWIFE = "jordmor", _("Jordmortjenester (nr. 8)")
    ICT = "ikt", _("IKT-løsninger lokalt (nr. 9)")
    PREVENTION = "forebygging", _("Forebygging (nr. 10)")
    PREPAREDNESS = "beredskap", _("Beredskapsplaner og den akuttmedisinske kjeden (nr. 11)")
    ROP = (
        "psykisk_helse_rus",
        _("Tjenester til personer med psykiske lidelser og rusproblemer (ROP, nr. 2)"),
    )


class CooperationAgreement(models.Model):
    """The municipality's cooperation agreement with the regional health trust
    (hol. § 6-1): one in force per municipality, with its owner and revision date."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="cooperation_agreements"
    )
    title = models.CharField(_("tittel"), max_length=200)
    health_trust = models.CharField(_("helseforetak"), max_length=200)
    signed_on = models.DateField(_("inngått"))
    owner = models.CharField(_("eier i kommunen"), max_length=200)
    revision_due = models.DateField(_("neste revisjon"))
    reference = models.CharField(_("dokumentreferanse"), max_length=200, blank=True)
    ended_on = models.DateField(_("opphørt"), null=True, blank=True)

    class Meta:
        verbose_name = _("samarbeidsavtale med helseforetaket")
        verbose_name_plural = _("samarbeidsavtaler med helseforetaket")
        ordering = ["-signed_on", "-id"]

    def __str__(self) -> str:
        return self.title


class SubAgreement(models.Model):
    """A sub-agreement (tjenesteavtale) under the cooperation agreement (hol. § 6-2):
    the topics it covers, its owner and revision date."""

    agreement = models.ForeignKey(
        CooperationAgreement, on_delete=models.CASCADE, related_name="sub_agreements"
    )
    title = models.CharField(_("tittel"), max_length=200)
    # AgreementTopic values; one sub-agreement often covers several topics.
    topics = models.JSONField(_("tema"), default=list)
    owner = models.CharField(_("eier i kommunen"), max_length=200)
    approved_on = models.DateField(_("vedtatt"))
    revision_due = models.DateField(_("neste revisjon"))

    class Meta:
        verbose_name = _("delavtale")
        verbose_name_plural = _("delavtaler")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    @property
    def topic_labels(self) -> list[str]:
        labels = dict(AgreementTopic.choices)
        return [str(labels.get(code, code)) for code in self.topics]


class ResponsibilityGroup(models.Model):
    """The person's responsibility group (ansvarsgruppe)."""

    person = models.OneToOneField(
        Person, on_delete=models.PROTECT, related_name="responsibility_group"
    )
    # Agreed with the person; missed meetings are counted against it.
    frequency_weeks = models.PositiveSmallIntegerField(_("møtefrekvens (uker)"), default=6)
    created_on = models.DateField(_("opprettet"))

    class Meta:
        verbose_name = _("ansvarsgruppe")
        verbose_name_plural = _("ansvarsgrupper")

    def __str__(self) -> str:
        return f"Ansvarsgruppe {self.pk}"


class GroupMember(models.Model):
    class Kind(models.TextChoices):
        STAFF = "ansatt", _("Ansatt i kommunen")
        PARTNER = "ekstern", _("Ekstern samarbeidspartner")
        PERSON = "personen", _("Personen selv")
        RELATIVE = "parorende", _("Pårørende")

    group = models.ForeignKey(ResponsibilityGroup, on_delete=models.CASCADE, related_name="members")
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="group_memberships",
        verbose_name=_("ansatt"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("enhet")
    )
    partner = models.ForeignKey(
        ExternalPartner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("ekstern part"),
    )
    name = models.CharField(_("navn"), max_length=200)
    role = models.CharField(_("rolle i gruppen"), max_length=100, blank=True)
    phone = models.CharField(_("telefon"), max_length=20, blank=True)
    email = models.EmailField(_("e-post"), blank=True)
    # Members leave rather than vanish: minutes and action items keep their history.
    left_on = models.DateField(_("gått ut av gruppen"), null=True, blank=True)

    class Meta:
        verbose_name = _("medlem")
        verbose_name_plural = _("medlemmer")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Meeting(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planlagt", _("Planlagt")
        HELD = "holdt", _("Gjennomført")
        CANCELLED = "avlyst", _("Avlyst")

    group = models.ForeignKey(
        ResponsibilityGroup, on_delete=models.CASCADE, related_name="meetings"
    )
    starts_at = models.DateTimeField(_("tidspunkt"))
    duration_minutes = models.PositiveSmallIntegerField(_("varighet (minutter)"), default=60)
    place = models.CharField(_("sted"), max_length=200)
    agenda = models.TextField(_("saksliste"), max_length=4000, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    attendees = models.ManyToManyField(
        GroupMember, blank=True, related_name="meetings_attended", verbose_name=_("til stede")
    )
    minutes = models.TextField(_("referat"), max_length=20000, blank=True)

    class Meta:
        verbose_name = _("møte")
        verbose_name_plural = _("møter")
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["group", "starts_at"])]

    def __str__(self) -> str:
        return f"Møte {self.starts_at:%d.%m.%Y}"


class ActionItem(models.Model):
    class Status(models.TextChoices):
        OPEN = "apen", _("Åpen")
        ONGOING = "pagar", _("Pågår")
        CLOSED = "lukket", _("Lukket")

    group = models.ForeignKey(
        ResponsibilityGroup, on_delete=models.CASCADE, related_name="action_items"
    )
    raised_in = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="action_items")
    text = models.CharField(_("oppgave"), max_length=500)
    owner = models.ForeignKey(
        GroupMember,
        on_delete=models.PROTECT,
        related_name="action_items",
        verbose_name=_("ansvarlig"),
    )
    due_on = models.DateField(_("frist"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    # The moment the item stopped being carried: the start of the meeting that
    # closed it, so it still shows on that meeting's agenda.
    closed_at = models.DateTimeField(_("lukket"), null=True, blank=True)

    class Meta:
        verbose_name = _("oppfølgingspunkt")
        verbose_name_plural = _("oppfølgingspunkter")
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.text


def _attachment_path(instance, filename: str) -> str:
    return f"cooperation/{instance.stored_name}"


class Message(models.Model):
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="cooperation_messages"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cooperation_messages"
    )
    author_name = models.CharField(max_length=200)
    body = models.TextField(_("melding"), max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("melding")
        verbose_name_plural = _("meldinger")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["person", "created_at"])]

    def __str__(self) -> str:
        return f"Melding {self.pk}"


class Attachment(models.Model):
    message = models.ForeignKey(Message, on_delete=models.PROTECT, related_name="attachments")
    original_name = models.CharField(_("filnavn"), max_length=200)
    # Sniffed from the bytes, never taken from the browser.
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    # A random name: the original name never reaches the file system.
    stored_name = models.CharField(max_length=64, unique=True)
    file = models.FileField(upload_to=_attachment_path, max_length=200)

    class Meta:
        verbose_name = _("vedlegg")
        verbose_name_plural = _("vedlegg")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name


class CalendarFeed(models.Model):
    """A secret per-user calendar address; only its hash is stored."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("kalenderabonnement")
        verbose_name_plural = _("kalenderabonnement")

    def __str__(self) -> str:
        return f"Kalender for {self.user_id}"


class Forum(models.Model):
    """A strategic cooperation forum at system level (no person data)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="forums")
    name = models.CharField(_("navn"), max_length=200)
    purpose = models.TextField(_("mandat"), max_length=4000)
    units = models.ManyToManyField(
        Unit, blank=True, related_name="forums", verbose_name=_("enheter")
    )
    partners = models.ManyToManyField(
        ExternalPartner, blank=True, related_name="forums", verbose_name=_("eksterne parter")
    )
    members = models.TextField(
        _("medlemmer (navn og rolle, én per linje)"), max_length=4000, blank=True
    )
    frequency = models.CharField(_("møtefrekvens"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("strategisk forum")
        verbose_name_plural = _("strategiske forum")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ForumMeeting(models.Model):
    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField(_("dato"))
    place = models.CharField(_("sted"), max_length=200, blank=True)
    agenda = models.TextField(_("saksliste"), max_length=4000, blank=True)
    minutes = models.TextField(_("referat"), max_length=20000, blank=True)

    class Meta:
        verbose_name = _("forummøte")
        verbose_name_plural = _("forummøter")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.forum} {self.held_on:%d.%m.%Y}"


class ForumDecision(models.Model):
    class Status(models.TextChoices):
        OPEN = "apen", _("Til oppfølging")
        DONE = "gjennomfort", _("Gjennomført")

    meeting = models.ForeignKey(ForumMeeting, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField(_("vedtak"), max_length=2000)
    responsible = models.CharField(_("ansvarlig"), max_length=200)
    due_on = models.DateField(_("frist"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    follow_up = models.TextField(_("oppfølging"), max_length=4000, blank=True)

    class Meta:
        verbose_name = _("vedtak i forum")
        verbose_name_plural = _("vedtak i forum")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text[:60]
