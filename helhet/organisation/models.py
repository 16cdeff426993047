"""Municipalities, their units, external partners and staff.

Every record in Helhet belongs to one municipality, so one installation can
serve a host-municipality group (vertskommune) or many municipalities while no
municipality sees another's data (docs/people-and-organisation.md).
"""

from typing import Any

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Municipality(models.Model):
    number = models.CharField(
        _("kommunenummer"),
        max_length=4,
        unique=True,
        validators=[RegexValidator(r"^\d{4}$", _("Kommunenummer er fire siffer."))],
    )
    name = models.CharField(_("navn"), max_length=100)
    # Only demo municipalities may be wiped by `helhet demo --reset`.
    is_demo = models.BooleanField(_("demokommune"), default=False)
    # The sender block of every letter and PDF the municipality sends (its
    # units may have their own; these are the fallback). A default in the
    # database too, so code written before these fields (older migrations,
    # imports) still inserts rows.
    address = models.CharField(
        _("postadresse"), max_length=200, blank=True, default="", db_default=""
    )
    phone = models.CharField(_("telefon"), max_length=20, blank=True, default="", db_default="")
    email = models.EmailField(_("e-post"), blank=True, default="", db_default="")

    class Meta:
        verbose_name = _("kommune")
        verbose_name_plural = _("kommuner")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.number})"


class Unit(models.Model):
    class Kind(models.TextChoices):
        COORDINATING = "ke", _("Koordinerende enhet")
        ALLOCATION = "tildeling", _("Tildelingsenhet")
        MENTAL_HEALTH = "psykisk_rus", _("Psykisk helse og rus")
        HOME_CARE = "hjemmetjeneste", _("Hjemmetjeneste")
        SUPPORT_WORK = "miljoarbeid", _("Miljøarbeidertjeneste")
        NAV = "nav", _("NAV")
        HOUSING = "bolig", _("Boligkontor")
        HEALTHY_LIFE = "frisklivs", _("Frisklivssentral")
        SECTOR_HEAD = "kommunalsjef", _("Kommunalsjef")
        ADMINISTRATION = "administrasjon", _("IT og administrasjon")
        AUDIT = "revisjon", _("Revisjon og tilsyn")
        OTHER = "annet", _("Annen enhet")

    # Units that give no services to persons: never offered where persons or
    # their services are chosen (the consent form, plan participants, the
    # coordinating unit's assignment). Consent names who may receive
    # information (pasientjournalloven § 19); IT, the auditors and the head of
    # sector's office are not among them.
    NOT_SERVICE_KINDS = frozenset({"kommunalsjef", "administrasjon", "revisjon"})

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="units")
    code = models.SlugField(_("kode"), max_length=40)
    name = models.CharField(_("navn"), max_length=120)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    address = models.CharField(
        _("postadresse"), max_length=200, blank=True, default="", db_default=""
    )
    phone = models.CharField(_("telefon"), max_length=20, blank=True, default="", db_default="")
    email = models.EmailField(_("e-post"), blank=True, default="", db_default="")

    class Meta:
        verbose_name = _("enhet")
        verbose_name_plural = _("enheter")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "code"], name="unit_code_per_municipality"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def contact(self) -> dict:
        """Where a person writes or calls about a letter from this unit: the
        unit's own address and contact, else the municipality's."""
        muni = self.municipality
        return {
            "address": self.address or muni.address,
            "phone": self.phone or muni.phone,
            "email": self.email or muni.email,
        }

    def gives_services(self) -> bool:
        return self.kind not in self.NOT_SERVICE_KINDS

    @classmethod
    def services_of(cls, municipality_id: int) -> "models.QuerySet[Unit]":
        """The municipality's service units (see ``NOT_SERVICE_KINDS``)."""
        return cls.objects.filter(municipality_id=municipality_id).exclude(
            kind__in=cls.NOT_SERVICE_KINDS
        )


class ExternalPartner(models.Model):
    """A body outside the municipality: DPS, GP, hospital, child welfare..."""

    class Kind(models.TextChoices):
        DPS = "dps", _("Distriktspsykiatrisk senter")
        GP = "fastlege", _("Fastlege")
        HOSPITAL = "sykehus", _("Sykehus / spesialisthelsetjeneste")
        OTHER = "annet", _("Annen samarbeidspartner")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="partners"
    )
    code = models.SlugField(_("kode"), max_length=40)
    name = models.CharField(_("navn"), max_length=120)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)

    class Meta:
        verbose_name = _("ekstern samarbeidspartner")
        verbose_name_plural = _("eksterne samarbeidspartnere")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "code"], name="partner_code_per_municipality"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    COORDINATING_UNIT = "ke", _("Koordinerende enhet")
    CASEWORKER = "saksbehandler", _("Saksbehandler")
    SERVICE_PROVIDER = "tjenesteyter", _("Tjenesteyter")
    NAV_ADVISER = "nav", _("NAV-veileder")
    LEADER = "leder", _("Leder")
    SECTOR_HEAD = "kommunalsjef", _("Kommunalsjef")
    QUALITY = "kvalitet", _("Kvalitetsansvarlig")
    AUDITOR = "revisor", _("Revisor / tilsyn")
    SYSTEM_ADMIN = "admin", _("Systemadministrator")


class StaffMember(models.Model):
    """A user who works for a municipality. Persons receiving services are not staff."""

    # The confirmed memberships, loaded once per object (organisation.services.memberships_of).
    _helhet_memberships: "list[Membership]"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff"
    )
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="staff")
    title = models.CharField(_("stilling"), max_length=100, blank=True)
    phone = models.CharField(_("telefon"), max_length=20, blank=True)
    coordinator_trained_on = models.DateField(_("koordinatoropplæring"), null=True, blank=True)

    class Meta:
        verbose_name = _("ansatt")
        verbose_name_plural = _("ansatte")

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.get_username()

    @property
    def memberships(self) -> "MembershipQuerySet":
        """The memberships in force: confirmed by a unit head. Everything that
        decides what a user may do reads these; ``all_memberships`` also holds
        those still waiting for confirmation (separation of duties: the
        administrator who registers a membership cannot make it take effect)."""
        return self.all_memberships.confirmed()


class MembershipQuerySet(models.QuerySet["Membership"]):
    def confirmed(self) -> "MembershipQuerySet":
        return self.filter(confirmed_at__isnull=False)

    def pending(self) -> "MembershipQuerySet":
        return self.filter(confirmed_at__isnull=True)


class Membership(models.Model):
    """User ↔ unit ↔ role. A staff member may work in several units.

    A membership takes effect only once confirmed by the head of its unit (or,
    where the unit has no head, by a head of sector in the municipality), and
    nobody confirms their own (see ``organisation.rules``). Changing the
    staff member, unit or role of a membership makes it unconfirmed again.
    """

    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="all_memberships")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="all_memberships")
    role = models.CharField(_("rolle"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(_("registrert"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("registrert av"),
    )
    confirmed_at = models.DateTimeField(_("bekreftet"), null=True, blank=True, editable=False)
    # Empty on a confirmed membership: confirmed when the rule was introduced
    # (memberships that existed before) or by operations at start-up.
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("bekreftet av"),
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("tilknytning")
        verbose_name_plural = _("tilknytninger")
        constraints = [
            models.UniqueConstraint(fields=["staff", "unit", "role"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.staff} – {self.unit} ({self.get_role_display()})"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and self.confirmed_at is not None:
            before = (
                Membership.objects.filter(pk=self.pk)
                .values_list("staff_id", "unit_id", "role")
                .first()
            )
            if before is not None and before != (self.staff_id, self.unit_id, self.role):
                # Another person, unit or role is another membership: it needs
                # its own confirmation.
                self.confirmed_at = None
                self.confirmed_by = None
                if kwargs.get("update_fields") is not None:
                    kwargs["update_fields"] = {
                        *kwargs["update_fields"],
                        "confirmed_at",
                        "confirmed_by",
                    }
        super().save(*args, **kwargs)
