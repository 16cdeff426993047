"""Municipalities, their units, external partners and staff.

Every record in Helhet belongs to one municipality, so one installation can
serve a host-municipality group (vertskommune) or many municipalities while no
municipality sees another's data (DOMAIN.md §5).
"""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
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
        OTHER = "annet", _("Annen enhet")

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="units")
    code = models.SlugField(_("kode"), max_length=40)
    name = models.CharField(_("navn"), max_length=120)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)

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


class Membership(models.Model):
    """User ↔ unit ↔ role. A staff member may work in several units."""

    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("rolle"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("tilknytning")
        verbose_name_plural = _("tilknytninger")
        constraints = [
            models.UniqueConstraint(fields=["staff", "unit", "role"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.staff} – {self.unit} ({self.get_role_display()})"
