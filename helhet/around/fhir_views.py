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

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from helhet.access import gate
from helhet.access.models import Action
from helhet.api import fhir as base
from helhet.api.fhir_views import FHIR, FhirView, _int_id
from helhet.around import fhir
from helhet.around.access import CATEGORY, visible
from helhet.around.models import ExternalService, GpMessage, Referral
from helhet.consent.models import Category
from helhet.people.models import Relative


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


def _rows(request, view: FhirView, model, what: str, queryset=None):
    """The person's rows whose unit the gate opens (``?patient=``)."""
    person_id = view.patient_param(view.params({"patient"}))
    person = gate.person_for(request, person_id, Action.VIEW, category=gate.BASIC, what=what + FHIR)
    rows = list((queryset if queryset is not None else model.objects).filter(person=person))
    shown, _hidden = visible(request.user, person, rows, what + FHIR)
    return person, sorted(shown, key=lambda row: row.pk)


def _searchset(view: FhirView, resources: list[dict]) -> Response:
    return Response(base.searchset(resources, len(resources), view.base()))


# --- Organization / Practitioner (outside services) ---------------------------------


def _services():
    return ExternalService.objects.select_related("partner", "person__municipality")


class OrganizationRead(FhirView):
    def get(self, request, external_id):
        person, row = _row(request, ExternalService, "external_id", external_id, "Organization")
        row = _services().get(pk=row.pk)
        return Response(fhir.organization(row, _number(person), timezone.localdate()))


class OrganizationSearch(FhirView):
    def get(self, request):
        person, rows = _rows(request, self, ExternalService, "Organization-søk", _services())
        today = timezone.localdate()
        return _searchset(self, [fhir.organization(r, _number(person), today) for r in rows])


class PractitionerRead(FhirView):
    def get(self, request, external_id):
        person, row = _row(request, ExternalService, "external_id", external_id, "Practitioner")
        if row.kind != ExternalService.Kind.GP:
            # Only the GP is a practitioner; other services are organisations.
            raise Http404(_("Fant ikke ressursen."))
        return Response(fhir.practitioner(row, _number(person), timezone.localdate()))


class PractitionerSearch(FhirView):
    def get(self, request):
        gps = _services().filter(kind=ExternalService.Kind.GP)
        person, rows = _rows(request, self, ExternalService, "Practitioner-søk", gps)
        today = timezone.localdate()
        return _searchset(self, [fhir.practitioner(r, _number(person), today) for r in rows])


# --- ServiceRequest (referrals) -----------------------------------------------------


class ServiceRequestRead(FhirView):
    def get(self, request, referral_id):
        person, row = _row(request, Referral, "referral_id", referral_id, "ServiceRequest")
        return Response(fhir.service_request(row, _number(person)))


class ServiceRequestSearch(FhirView):
    def get(self, request):
        referrals = Referral.objects.select_related("partner", "unit", "person__municipality")
        person, rows = _rows(request, self, Referral, "ServiceRequest-søk", referrals)
        return _searchset(self, [fhir.service_request(r, _number(person)) for r in rows])


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


class CommunicationSearch(FhirView):
    def get(self, request):
        messages = GpMessage.objects.select_related("gp__partner", "unit", "person__municipality")
        person, rows = _rows(request, self, GpMessage, "Communication-søk", messages)
        if any(row.about_plan for row in rows) and not _plan_opened(
            request, person, "Communication-søk"
        ):
            # Messages carrying the plan are left out, as the plan page would be.
            rows = [row for row in rows if not row.about_plan]
        return _searchset(self, [fhir.communication(r, _number(person)) for r in rows])


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


class RelatedPersonSearch(FhirView):
    def get(self, request):
        person_id = self.patient_param(self.params({"patient"}))
        person = gate.person_for(
            request, person_id, Action.VIEW, category=gate.BASIC, what="RelatedPerson-søk" + FHIR
        )
        relatives = Relative.objects.filter(person=person).order_by("pk")
        return _searchset(self, [fhir.related_person(r, _number(person)) for r in relatives])
