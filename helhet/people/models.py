"""Persons who receive services, their relatives, and the services they get."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helhet.organisation.models import Municipality, Unit
from helhet.people import identity


class Person(models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="persons")

    class IdType(models.TextChoices):
        FNR = identity.FNR, _("Fødselsnummer")
        DNR = identity.DNR, _("D-nummer")
        HNR = identity.HNR, _("H-nummer (hjelpenummer)")
        FHNR = identity.FHNR, _("FH-nummer (felles hjelpenummer)")

    national_id = models.CharField(_("identitetsnummer"), max_length=11)
    # Derived from the number on every save, stored so lists, exports and FHIR
    # can tell the kinds apart without decoding (and FHIR picks the right system).
    id_type = models.CharField(
        _("type identitetsnummer"),
        max_length=4,
        choices=IdType.choices,
        default=IdType.FNR,
        editable=False,
    )
    given_name = models.CharField(_("fornavn"), max_length=100)
    family_name = models.CharField(_("etternavn"), max_length=100)
    # Derived from the number, except for an FH-number, which carries neither:
    # then they are recorded as given (the form asks for them).
    birth_date = models.DateField(_("fødselsdato"), editable=False)
    gender = models.CharField(_("kjønn"), max_length=1, editable=False)
    phone = models.CharField(_("telefon"), max_length=20, blank=True)
    email = models.EmailField(_("e-post"), blank=True)
    address = models.CharField(_("adresse"), max_length=200, blank=True)
    # The person's own login (portal); empty until they have one.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("personer")
        ordering = ["family_name", "given_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "national_id"], name="person_national_id_per_municipality"
            )
        ]
        indexes = [models.Index(fields=["municipality", "family_name", "given_name"])]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def id_kind(self) -> str:
        return self.id_type

    @property
    def age(self) -> int:
        return identity.age_on(self.birth_date, timezone.localdate())

    def clean(self) -> None:
        if not self.national_id:
            # An empty number is the field's own "required" error (or the
            # form's); reporting it here as well would show it twice.
            return
        try:
            self.national_id = identity.clean_national_id(self.national_id)
        except ValidationError as error:
            raise ValidationError({"national_id": error.messages}) from error

    def save(self, *args, **kwargs) -> None:
        # Birth date and gender are derived, never typed, so they cannot drift
        # from the number — except for an FH-number, which has neither by design.
        self.national_id = identity.clean_national_id(self.national_id)
        self.id_type = identity.kind_of(self.national_id)
        if identity.carries_birth_date(self.national_id):
            self.birth_date = identity.birth_date(self.national_id)
            self.gender = identity.gender(self.national_id)
        elif self.birth_date is None or self.gender not in ("K", "M"):
            raise ValidationError(
                {"national_id": _("Et FH-nummer har ingen fødselsdato eller kjønn; oppgi begge.")}
            )
        super().save(*args, **kwargs)


class Relative(models.Model):
    class Relation(models.TextChoices):
        PARENT = "forelder", _("Forelder")
        PARTNER = "partner", _("Ektefelle / samboer")
        CHILD = "barn", _("Barn")
        SIBLING = "sosken", _("Søsken")
        OTHER = "annen", _("Annen")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relatives")
    name = models.CharField(_("navn"), max_length=200)
    relation = models.CharField(_("relasjon"), max_length=20, choices=Relation.choices)
    phone = models.CharField(_("telefon"), max_length=20, blank=True)
    email = models.EmailField(_("e-post"), blank=True)
    is_guardian = models.BooleanField(_("verge"), default=False)
    is_proxy = models.BooleanField(_("fullmektig"), default=False)

    class Meta:
        verbose_name = _("pårørende")
        verbose_name_plural = _("pårørende")

    def __str__(self) -> str:
        return self.name


class ServiceType(models.Model):
    """A kind of service, with the law it is given under and whether it needs
    an individual decision.

    pbrl. § 2-7 with hol. § 3-2 first paragraph no. 6, §§ 3-6 and 3-8: the
    health and care services listed there need an individual decision when
    expected to last more than two weeks. Low-threshold offers (hol. § 3-3) are
    given without one by design, and NAV's social services follow
    sosialtjenesteloven (decisions under its § 41, audited by the NAV criteria),
    so neither is judged by that rule. The catalogue is data (seeded by a
    migration), so a municipality can add its own types.
    """

    class Kind(models.TextChoices):
        HEALTH_CARE = "helse_omsorg", _("Helse- og omsorgstjeneste")
        LOW_THRESHOLD = "lavterskel", _("Lavterskeltilbud")
        SOCIAL = "sosial", _("Sosial tjeneste i NAV")
        OTHER = "annet", _("Annen tjeneste")

    code = models.SlugField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("navn"), max_length=120)
    kind = models.CharField(_("art"), max_length=20, choices=Kind.choices)
    # Key into helhet.core.legal.REFERENCES.
    legal_basis = models.CharField(_("hjemmel"), max_length=60)
    needs_decision = models.BooleanField(
        _("krever enkeltvedtak når den varer mer enn to uker (pbrl. § 2-7)"), default=False
    )

    class Meta:
        verbose_name = _("tjenestetype")
        verbose_name_plural = _("tjenestetyper")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def legal_text(self) -> str:
        from helhet.core.legal import REFERENCES

        return REFERENCES.get(self.legal_basis, "")

    def clean(self) -> None:
        from helhet.core.legal import REFERENCES

        if self.legal_basis not in REFERENCES:
            raise ValidationError(
                {"legal_basis": _("Ukjent hjemmel: velg en nøkkel fra lovhenvisningene.")}
            )


class Service(models.Model):
    """A service a unit gives a person: the unit's lawful relation to the person."""

    class Basis(models.TextChoices):
        DECISION = "vedtak", _("Enkeltvedtak")
        LOW_THRESHOLD = "lavterskel", _("Lavterskeltilbud uten vedtak")
        OTHER = "annet", _("Annet grunnlag")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="services")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="services")
    name = models.CharField(_("tjeneste"), max_length=120)
    # Which kind of service, with its law; empty only for rows imported without one.
    type = models.ForeignKey(
        ServiceType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="services",
        verbose_name=_("tjenestetype"),
    )
    basis = models.CharField(_("grunnlag"), max_length=20, choices=Basis.choices)
    decision_reference = models.CharField(_("vedtaksreferanse"), max_length=40, blank=True)
    valid_from = models.DateField(_("fra"))
    valid_to = models.DateField(_("til"), null=True, blank=True)

    class Meta:
        verbose_name = _("tjeneste")
        verbose_name_plural = _("tjenester")
        ordering = ["valid_from"]
        indexes = [models.Index(fields=["unit", "person"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.unit})"

    def clean(self) -> None:
        if self.valid_to and self.valid_from and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("Sluttdato kan ikke være før startdato.")})

    @staticmethod
    def active_on(day: dt.date, prefix: str = "") -> Q:
        """Services running on ``day``; ``prefix`` reaches them through a relation."""
        return Q(**{f"{prefix}valid_from__lte": day}) & (
            Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": day})
        )

    def is_active_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or self.valid_to >= day)
