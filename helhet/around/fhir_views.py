"""FHIR R4 read and search for what is around the person (docs/around.md):

* ``Organization`` and, for the GP, ``Practitioner`` — an outside service;
* ``ServiceRequest`` — a referral;
* ``Communication`` — a message to or from the GP;
* ``RelatedPerson`` — a relative.

The same gate and log as the pages: an outside service, a referral and a
message are the health record of the unit that made them, opened per unit
(another unit's only within the person's consent, hpl. § 22); a message that
carries the plan needs the plan category too, as its export does. Relatives
are the person's basic data. A search (``?patient=``) lists only what the gate
opens, one logged decision per unit.
"""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from helhet.access import gate
from helhet.access.models import Action
from helhet.api import fhir_search
from helhet.api.fhir_views import FHIR, PATIENT, FhirView, SearchView, _int_id
from helhet.around import fhir
from helhet.around.access import CATEGORY, visible
from helhet.around.models import ExternalService, GpMessage, Referral
from helhet.consent.models import Category
from helhet.people.models import Person, Relative


def _number(person) -> str:
    return person.municipality.number


def _row(request, model, kwarg: str, value, what: str):
    """The row, if the gate opens its unit's record of the person (logged)."""
    pk = _int_id(value)
    unit_id = model.objects.filter(pk=pk).values_list("unit_id", flat=True).first()
    person = gate.person_for_kwarg(
        request, kwarg, pk, Action.VIEW, category=CATEGORY, what=what + FHIR, owner_unit=unit_id
    )
    return person, model.objects.select_related("person__municipality").get(pk=pk)


class _PatientSearch(SearchView):
    """``?patient=Patient/<id>`` (required): the person's rows whose unit the gate
    opens (one logged decision per unit, in ``find``), paged like every FHIR
    search (``helhet.api.fhir_search``)."""

    search_params = (PATIENT,)
    what = ""
    searched: Person  # the person ``find`` opened

    def rows(self) -> QuerySet[Any]:
        raise NotImplementedError

    def person(self, search: fhir_search.Search) -> Person:
        person_id = self.patient_id(search)
        if person_id is None:
            raise ValidationError({"patient": [_("Oppgi personen: patient=Patient/<id>.")]})
        return gate.person_for(
            self.request, person_id, Action.VIEW, category=gate.BASIC, what=self.what + FHIR
        )

    def find(self, search: fhir_search.Search) -> QuerySet[Any]:
        person = self.searched = self.person(search)
        rows = list(self.rows().filter(person=person))
        shown, _hidden = visible(self.request.user, person, rows, self.what + FHIR)
        return self.rows().filter(pk__in=[row.pk for row in shown]).order_by("pk")


# --- Organization / Practitioner (outside services) ---------------------------------


def _services():
    return ExternalService.objects.select_related("partner", "person__municipality")


class OrganizationRead(FhirView):
    def get(self, request, external_id):
        person, row = _row(request, ExternalService, "external_id", external_id, "Organization")
        row = _services().get(pk=row.pk)
        return Response(fhir.organization(row, _number(person), timezone.localdate()))


class OrganizationSearch(_PatientSearch):
    resource_type = "Organization"
    what = "Organization-søk"

    def rows(self) -> QuerySet[ExternalService]:
        return _services()

    def resource(self, row: ExternalService) -> dict[str, Any]:
        return fhir.organization(row, _number(row.person), timezone.localdate())


class PractitionerRead(FhirView):
    def get(self, request, external_id):
        person, row = _row(request, ExternalService, "external_id", external_id, "Practitioner")
        if row.kind != ExternalService.Kind.GP:
            # Only the GP is a practitioner; other services are organisations.
            raise Http404(_("Fant ikke ressursen."))
        return Response(fhir.practitioner(row, _number(person), timezone.localdate()))


class PractitionerSearch(_PatientSearch):
    resource_type = "Practitioner"
    what = "Practitioner-søk"

    def rows(self) -> QuerySet[ExternalService]:
        return _services().filter(kind=ExternalService.Kind.GP)

    def resource(self, row: ExternalService) -> dict[str, Any]:
        return fhir.practitioner(row, _number(row.person), timezone.localdate())


# --- ServiceRequest (referrals) -----------------------------------------------------


class ServiceRequestRead(FhirView):
    def get(self, request, referral_id):
        person, row = _row(request, Referral, "referral_id", referral_id, "ServiceRequest")
        return Response(fhir.service_request(row, _number(person)))


class ServiceRequestSearch(_PatientSearch):
    resource_type = "ServiceRequest"
    what = "ServiceRequest-søk"

    def rows(self) -> QuerySet[Referral]:
        return Referral.objects.select_related("partner", "unit", "person__municipality")

    def resource(self, row: Referral) -> dict[str, Any]:
        return fhir.service_request(row, _number(row.person))


# --- Communication (messages with the GP) ----------------------------------------------


def _plan_opened(request, person, what: str) -> bool:
    decision = gate.check(
        request.user, person, Action.VIEW, category=Category.PLAN, what=what + FHIR
    )
    return decision.granted


class CommunicationRead(FhirView):
    def get(self, request, gp_message_id):
        person, row = _row(request, GpMessage, "gp_message_id", gp_message_id, "Communication")
        if row.about_plan and not _plan_opened(request, person, "Communication"):
            raise PermissionDenied(
                _("Meldingen inneholder planen, og du har ikke tilgang til den.")
            )
        return Response(fhir.communication(row, _number(person)))


class CommunicationSearch(_PatientSearch):
    resource_type = "Communication"
    what = "Communication-søk"

    def rows(self) -> QuerySet[GpMessage]:
        return GpMessage.objects.select_related("gp__partner", "unit", "person__municipality")

    def find(self, search: fhir_search.Search) -> QuerySet[GpMessage]:
        found = super().find(search)
        if found.filter(about_plan=True).exists() and not _plan_opened(
            self.request, self.searched, "Communication-søk"
        ):
            # Messages carrying the plan are left out, as the plan page would be.
            found = found.filter(about_plan=False)
        return found

    def resource(self, row: GpMessage) -> dict[str, Any]:
        return fhir.communication(row, _number(row.person))


# --- RelatedPerson (relatives) ---------------------------------------------------------


class RelatedPersonRead(FhirView):
    def get(self, request, relative_id):
        pk = _int_id(relative_id)
        person = gate.person_for_kwarg(
            request,
            "relative_id",
            pk,
            Action.VIEW,
            category=gate.BASIC,
            what="RelatedPerson" + FHIR,
        )
        return Response(fhir.related_person(Relative.objects.get(pk=pk), _number(person)))


class RelatedPersonSearch(_PatientSearch):
    """Relatives are the person's basic data: the gate's decision for the
    person (``?patient=``, logged) opens them all."""

    resource_type = "RelatedPerson"
    what = "RelatedPerson-søk"

    def find(self, search: fhir_search.Search) -> QuerySet[Relative]:
        person = self.person(search)
        return (
            Relative.objects.filter(person=person)
            .select_related("person__municipality")
            .order_by("pk")
        )

    def resource(self, row: Relative) -> dict[str, Any]:
        return fhir.related_person(row, _number(row.person))
