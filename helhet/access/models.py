"""The access log (pasientjournalloven §§ 16–18, helsepersonelloven § 21a).

Every decision of the access gate is one row: who, in which role and unit,
when, which person, what, on which basis, and whether it was granted. Rows are
never changed or deleted through the application.
"""

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helhet.consent.models import Consent
from helhet.organisation.models import Municipality
from helhet.people.models import Person


class Action(models.TextChoices):
    VIEW = "vis", _("Lese")
    EDIT = "endre", _("Endre")
    EXPORT = "eksport", _("Eksportere")
    PRINT = "utskrift", _("Skrive ut")
    SEARCH = "sok", _("Søk")
    LIST = "oversikt", _("Oversikt")
    EMERGENCY = "nodtilgang", _("Nødtilgang")
    # Administrative acts: a basis that allows reading does not allow these
    # (a unit that may read the plan may not close it).
    OFFER = "tilby", _("Tilby plan")
    CLOSE = "avslutte", _("Avslutte eller gjenåpne plan")
    SIGN = "signere", _("Signere vedtak")
    START = "starte", _("Bekrefte oppstart")
    REGISTER_CONSENT = "reg_samtykke", _("Registrere samtykke")
    WITHDRAW_CONSENT = "trekk_samtyk", _("Trekke samtykke")
    REGISTER_GUARDIAN = "reg_verge", _("Registrere verge eller fullmakt")


class AppendOnlyError(Exception):
    pass


class AppendOnlyQuerySet(models.QuerySet[Any]):
    """Bulk update/delete would bypass ``save``/``delete``; refuse them too."""

    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("The access log is append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        from helhet.access.purge import purging

        if not purging():
            raise AppendOnlyError("The access log is append-only.")
        return super().delete()


class EmergencyAccess(models.Model):
    """ "Break the glass": time-limited access with a stated reason, always
    flagged for the leader's review (docs/consent.md)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="emergency_accesses"
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="emergency_accesses")
    reason = models.TextField(_("begrunnelse"), max_length=1000)
    granted_at = models.DateTimeField(_("gitt"), default=timezone.now)
    expires_at = models.DateTimeField(_("utløper"))

    class Meta:
        verbose_name = _("nødtilgang")
        verbose_name_plural = _("nødtilganger")
        ordering = ["-granted_at"]
        indexes = [models.Index(fields=["user", "person", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.granted_at:%Y-%m-%d %H:%M} {self.user}"


class AccessLogEntry(models.Model):
    """One decision of the access gate. The columns are what the logging duty
    asks for and no more (pasientjournalloven §§ 16 and 18, helsepersonelloven
    § 21a, docs/law.md): who (user, with the name and the role and unit at the
    time, as these change later), when, about whom, what kind of access and to
    which information, on which basis, and whether it was granted.

    Indexes (docs/performance.md, "The access log at scale"): only the
    composite ones the queries use. ``at`` is the partition key on PostgreSQL,
    so a date bound prunes to the months asked for; the foreign keys that a
    composite index starts with (person, municipality) have no index of their
    own, and the rare ones (emergency access, consent) a partial index over the
    few rows that have them.
    """

    at = models.DateTimeField(default=timezone.now)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    username = models.CharField(max_length=150)
    role = models.CharField(max_length=100, blank=True)
    unit = models.CharField(max_length=200, blank=True)
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, related_name="access_log", db_index=False
    )
    action = models.CharField(max_length=12, choices=Action.choices)
    category = models.CharField(max_length=20, blank=True)
    what = models.CharField(max_length=200, blank=True)
    basis = models.CharField(max_length=40, blank=True)
    basis_detail = models.CharField(max_length=300, blank=True)
    granted = models.BooleanField()
    emergency = models.BooleanField(default=False)
    emergency_access = models.ForeignKey(
        EmergencyAccess,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
        db_index=False,
    )
    # The consent that carried information across units, when one was needed.
    consent = models.ForeignKey(
        Consent, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    # Access with no relation to the person (hpl § 21a snooping) is flagged for the leader.
    flagged = models.BooleanField(default=False)
    # The hash chain that makes a changed or deleted row detectable (pjl § 16:
    # the log must be trustworthy). Set once, after the insert, by
    # ``helhet seal-log`` (helhet/operations/logchain.py): sealing in batches
    # keeps writers from queueing on the chain's head. The triggers allow exactly
    # this one update, NULL to a value, with every other column unchanged. Each
    # month (of ``at``, UTC) is a chain of its own, so one partition is sealed
    # and verified alone; the position tells the chain (logchain.month_of).
    chain_position = models.BigIntegerField(null=True, blank=True, editable=False)
    chain_hash = models.CharField(max_length=64, null=True, blank=True, editable=False)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("tilgangslogg")
        verbose_name_plural = _("tilgangslogg")
        ordering = ["-at", "-id"]
        indexes = [
            # The person's log (pjl § 18), Min side's «innsyn», the coordinator's
            # view: one page newest first, keyset on (at, id), read in index order.
            models.Index(fields=["person", "at", "id"], name="access_log_person"),
            # The leader's review of flagged access (hpl § 21a): partial, as one
            # row in a few hundred is flagged. Over all rows, with flagged in
            # the key, it was the largest index (two insertion points per
            # municipality half-fill its pages).
            models.Index(
                fields=["municipality", "at", "id"],
                condition=models.Q(flagged=True),
                name="access_log_flagged",
            ),
            # The sealer's work list, month by month: small, as rows leave it
            # within a minute.
            models.Index(
                fields=["at", "id"],
                condition=models.Q(chain_hash__isnull=True),
                name="access_log_unsealed_by_time",
            ),
            # Foreign keys that hold on few rows: a deleted emergency access or
            # consent is checked against the log (PROTECT) without a scan.
            models.Index(
                fields=["emergency_access"],
                condition=models.Q(emergency_access__isnull=False),
                name="access_log_emergency",
            ),
            models.Index(
                fields=["consent"],
                condition=models.Q(consent__isnull=False),
                name="access_log_consent",
            ),
        ]
        constraints = [
            # Partial, so SQLite adds it as an index instead of rebuilding the
            # table (which would drop the append-only triggers).
            models.UniqueConstraint(
                fields=["chain_position"],
                condition=models.Q(chain_position__isnull=False),
                name="access_log_unique_chain_position",
            )
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("The access log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("The access log is append-only.")


class LogChainAnchor(models.Model):
    """Where one month's chain of the access log starts: the head of the chain
    before it (the previous month's, or the chain sealed before monthly chains)
    at the moment the month's first row was sealed. The month's first hash is
    computed from ``anchor_hash``, so a changed anchor breaks the month's chain;
    ``verify-log`` checks that the anchor is still in the earlier chain with the
    same hash (helhet/operations/logchain.py, docs/security.md)."""

    month = models.DateField(unique=True)
    # 0 and 64 zeros: no chain before this one.
    anchor_position = models.BigIntegerField()
    anchor_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["month"]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} <- {self.anchor_position}:{self.anchor_hash}"


class AccessReview(models.Model):
    """The leader's review of a flagged log entry. A row of its own, because the
    log itself can never be changed."""

    # No database constraint: on PostgreSQL the log is partitioned by month and
    # its key is (id, at), which a foreign key to id alone cannot point at
    # (migration 0006). Log rows are never deleted, so the reference holds.
    entry = models.OneToOneField(
        AccessLogEntry, on_delete=models.PROTECT, related_name="review", db_constraint=False
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(default=timezone.now)
    note = models.CharField(_("merknad"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("gjennomgang av tilgang")
        verbose_name_plural = _("gjennomganger av tilgang")

    def __str__(self) -> str:
        return f"{self.reviewed_at:%Y-%m-%d} {self.reviewed_by}"


class AccessBlock(models.Model):
    """The person has blocked a named staff member from their data. The gate
    refuses that member whatever their basis; only emergency access gets
    through, and it is flagged (helsepersonelloven § 45: sharing with
    cooperating personnel stands back when the person objects)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="access_blocks")
    staff_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="blocked_by_persons",
        verbose_name=_("sperret ansatt"),
    )
    # The person, or their proxy/guardian, who set or lifted the block.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("sperret"), default=timezone.now)
    lifted_at = models.DateTimeField(_("opphevet"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("sperring")
        verbose_name_plural = _("sperringer")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "staff_user"],
                condition=models.Q(lifted_at__isnull=True),
                name="one_active_block_per_staff_user",
            )
        ]

    def __str__(self) -> str:
        return f"Sperring {self.pk}"


FIELD_LABELS = {
    "username": _("brukernavn"),
    "first_name": _("fornavn"),
    "last_name": _("etternavn"),
    "email": _("e-post"),
    "password": _("passord"),
    "is_active": _("aktiv"),
    "is_staff": _("adgang til systemadministrasjon"),
    "is_superuser": _("alle administratorrettigheter"),
    "role": _("rolle"),
    "unit_id": _("enhet"),
    "staff_id": _("ansatt"),
    "user_id": _("brukerkonto"),
    "municipality_id": _("kommune"),
    "confirmed_at": _("bekreftelse"),
    "confirmed_by_id": _("bekreftet av"),
    "created_by_id": _("registrert av"),
    "name": _("navn"),
    "code": _("kode"),
    "kind": _("type"),
    "number": _("kommunenummer"),
    "is_demo": _("demokommune"),
    "title": _("stilling"),
    "phone": _("telefon"),
    "coordinator_trained_on": _("koordinatoropplæring"),
    "confirmed": _("tatt i bruk"),
    "key": _("nøkkel"),
    "groups": _("tilgangsgrupper"),
    "user_permissions": _("rettigheter"),
}


class AdminLogEntry(models.Model):
    """One administrative change: users, staff, memberships, units,
    municipalities, second-factor devices, resets of a login (Normen: the
    administration of access must itself be traceable). Append-only like the
    access log (migration 0008 adds the triggers), and shown to leaders.

    No foreign keys: the entry must outlive what it describes (a deleted user,
    a demo municipality), and must not hold up their deletion.
    """

    class Kind(models.TextChoices):
        USER = "bruker", _("Brukerkonto")
        STAFF = "ansatt", _("Ansatt")
        MEMBERSHIP = "tilknytning", _("Tilknytning")
        UNIT = "enhet", _("Enhet")
        MUNICIPALITY = "kommune", _("Kommune")
        PARTNER = "partner", _("Samarbeidspartner")
        DEVICE = "tofaktor", _("Tofaktorenhet")
        GROUP = "gruppe", _("Tilgangsgruppe")

    class Change(models.TextChoices):
        CREATED = "opprettet", _("Opprettet")
        CHANGED = "endret", _("Endret")
        DELETED = "slettet", _("Slettet")
        CONFIRMED = "bekreftet", _("Bekreftet")
        REJECTED = "avvist", _("Avvist")
        RESET = "tilbakestilt", _("Innlogging tilbakestilt")
        LINK_SENT = "lenke", _("Engangslenke sendt")
        LINK_REFUSED = "ingen_lenke", _("Engangslenke ikke sendt")

    at = models.DateTimeField(default=timezone.now, db_index=True)
    # Who did it; empty when done outside a request (a command run by operations).
    actor_id = models.IntegerField(null=True, blank=True)
    actor = models.CharField(max_length=150, blank=True)
    # The municipality the changed object belongs to; empty for accounts that
    # belong to none (administrators, portal users): all leaders see those.
    municipality_id = models.IntegerField(null=True, blank=True, db_index=True)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    change = models.CharField(max_length=12, choices=Change.choices)
    object_id = models.CharField(max_length=40, blank=True)
    # The user the change is about (the account, the staff member, the
    # device's owner), so an account's history can be asked for.
    subject_user_id = models.IntegerField(null=True, blank=True, db_index=True)
    summary = models.CharField(max_length=300)
    # Names of the fields that changed, comma-separated (e.g. "email,password").
    fields = models.CharField(max_length=300, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("administrasjonslogg")
        verbose_name_plural = _("administrasjonslogg")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.summary}"

    @property
    def field_list(self) -> list[str]:
        return [f for f in self.fields.split(",") if f]

    @property
    def field_labels(self) -> str:
        return ", ".join(str(FIELD_LABELS.get(f, _("annet"))) for f in self.field_list)

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("The administration log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("The administration log is append-only.")
