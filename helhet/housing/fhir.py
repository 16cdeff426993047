"""Housing as FHIR R4 resources, read through the gate like the other FHIR
views (docs/housing.md, "FHIR"):

* a dwelling is a ``Location`` (mode ``instance``, physical type house): its
  address, type, owner (``managingOrganization`` by name), whether it is
  vacant, let or under repair (``operationalStatus`` from HL7 v2 table 0116,
  bed status — the code system FHIR names for it), and an earmark with its
  basis as extensions. No person data.
* a housing application is a ``Task``: a request the housing office works
  through (received, assessed, on the waiting list, offered, housed), which is
  what ``Task.status`` and ``businessStatus`` describe. ``ServiceRequest`` is
  for orders of clinical services and has no state for a waiting list.
  ``for`` is the Patient, ``owner`` the housing office, ``priority`` the
  assessed urgency, ``output`` the decision.
"""

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.response import Response

from helhet.access import gate
from helhet.access.models import Action
from helhet.api import fhir, fhir_search
from helhet.api.fhir_views import FHIR, PATIENT, FhirView, SearchView, _int_id
from helhet.consent.models import Category
from helhet.housing import access
from helhet.housing.models import Dwelling, DwellingType, HousingApplication
from helhet.organisation.models import Municipality

DWELLING_TYPE = "urn:helhet:dwelling-type"
APPLICATION_STATUS = "urn:helhet:housing-application-status"
BED_STATUS = "http://terminology.hl7.org/CodeSystem/v2-0116"
PHYSICAL_TYPE = "http://terminology.hl7.org/CodeSystem/location-physical-type"

# Dwelling state → HL7 v2 table 0116 (bed status): unoccupied, occupied, closed.
# Keyed by the stored value (the choices are str enums).
OPERATIONAL: dict[str, tuple[str, str]] = {
    Dwelling.State.VACANT: ("U", "Unoccupied"),
    Dwelling.State.LET: ("O", "Occupied"),
    Dwelling.State.REPAIR: ("C", "Closed"),
}
Status = HousingApplication.Status
TASK_STATUS: dict[str, str] = {
    Status.RECEIVED: "received",
    Status.ASSESSED: "in-progress",
    Status.WAITING: "accepted",
    Status.REFUSED: "rejected",
    Status.OFFERED: "in-progress",
    Status.HOUSED: "completed",
    Status.LAPSED: "cancelled",
    Status.WITHDRAWN: "cancelled",
}
PRIORITY = {"akutt": "stat", "hoy": "urgent", "middels": "routine", "lav": "routine"}


def location(dwelling: Dwelling, municipality_number: str) -> dict:
    code, display = OPERATIONAL[dwelling.state]
    return fhir.validate(
        fhir._clean(
            {
                "resourceType": "Location",
                "id": str(dwelling.pk),
                "identifier": [
                    fhir._identifier(fhir.urn("bolig", municipality_number, dwelling.pk))
                ],
                "status": "suspended" if dwelling.state == Dwelling.State.REPAIR else "active",
                "operationalStatus": {"system": BED_STATUS, "code": code, "display": display},
                "name": dwelling.address,
                "mode": "instance",
                "type": [
                    {
                        "coding": [
                            {
                                "system": DWELLING_TYPE,
                                "code": dwelling.kind,
                                "display": dwelling.get_kind_display(),
                            }
                        ]
                    }
                ],
                "address": {"use": "home", "text": dwelling.address, "country": "NO"},
                "physicalType": {"coding": [{"system": PHYSICAL_TYPE, "code": "ho"}]},
                "managingOrganization": {"display": dwelling.owner_name},
                "extension": [
                    fhir._ext("owner-kind", dwelling.owner_kind, "valueCode"),
                    fhir._ext("rooms", dwelling.rooms, "valueInteger"),
                    fhir._ext("earmarked-for", dwelling.earmarked_for, "valueCode"),
                    fhir._ext("earmark-basis", dwelling.earmark_basis, "valueCode"),
                ],
            }
        )
    )


def task(application: HousingApplication, municipality_number: str) -> dict:
    decision = getattr(application, "decision", None)
    output = []
    if decision is not None:
        output.append(
            {
                "type": {"text": "Vedtak"},
                "valueString": f"{decision.get_outcome_display()} "
                f"{decision.decided_on:%d.%m.%Y} ({decision.reference})",
            }
        )
    return fhir.validate(
        fhir._clean(
            {
                "resourceType": "Task",
                "id": str(application.pk),
                "identifier": [
                    fhir._identifier(fhir.urn("boligsoknad", municipality_number, application.pk))
                ],
                "status": TASK_STATUS[application.status],
                "businessStatus": {
                    "coding": [
                        {
                            "system": APPLICATION_STATUS,
                            "code": application.status,
                            "display": application.get_status_display(),
                        }
                    ]
                },
                "intent": "order",
                "priority": PRIORITY.get(application.urgency),
                "code": {
                    "coding": [
                        {
                            "system": DWELLING_TYPE,
                            "code": application.kind,
                            "display": application.get_kind_display(),
                        }
                    ],
                    "text": _("Søknad om bolig"),
                },
                "description": application.need,
                "for": {"reference": f"Patient/{application.person_id}"},
                "authoredOn": fhir._date(application.received_on),
                "owner": fhir._party(unit=application.unit),
                "output": output,
            }
        )
    )


def _municipality(request) -> Municipality:
    staff = getattr(request.user, "staff", None)
    if staff is None:
        raise exceptions.PermissionDenied(_("Bare ansatte i kommunen."))
    return staff.municipality


class LocationRead(FhirView):
    """A dwelling of the user's own municipality (no person data)."""

    def get(self, request, dwelling_id):
        municipality = _municipality(request)
        found = (
            Dwelling.objects.filter(pk=_int_id(dwelling_id), municipality=municipality)
            .select_related("municipality")
            .first()
        )
        if found is None:
            raise Http404(_("Fant ikke ressursen."))
        return Response(location(found, municipality.number))


class LocationSearch(SearchView):
    """``Location?type=<dwelling type>``: the municipality's dwellings (no person
    data), paged like every FHIR search (``helhet.api.fhir_search``)."""

    resource_type = "Location"
    search_params = (fhir_search.Param("type", "token", "Boligtype, f.eks. omsorgsbolig."),)

    def find(self, search: fhir_search.Search) -> QuerySet[Dwelling]:
        municipality = _municipality(self.request)
        found = Dwelling.objects.filter(municipality=municipality).select_related("municipality")
        if "type" in search.params:
            kind = search.params["type"].rpartition("|")[2]
            if kind not in DwellingType.values:
                raise exceptions.ValidationError({"type": [_("Ukjent boligtype.")]})
            found = found.filter(kind=kind)
        return found.order_by("pk")

    def resource(self, row: Dwelling) -> dict:
        return location(row, row.municipality.number)


def _task(application: HousingApplication) -> dict:
    return task(application, application.person.municipality.number)


class TaskRead(FhirView):
    """A housing application: what its page would open (the gate, logged)."""

    def get(self, request, housing_application_id):
        found = access.application_for(
            request, _int_id(housing_application_id), Action.VIEW, what="Task" + FHIR
        )
        return Response(_task(found))


class TaskSearch(SearchView):
    """``Task?patient=Patient/<id>``: the person's housing applications the
    gate opens, one decision per owning unit (as the list pages)."""

    resource_type = "Task"
    search_params = (PATIENT,)
    what = "Task-søk" + FHIR

    def find(self, search: fhir_search.Search) -> QuerySet[HousingApplication]:
        person_id = self.patient_id(search)
        if person_id is None:
            raise exceptions.ValidationError(
                {"patient": [_("Oppgi personen: patient=Patient/<id>.")]}
            )
        person = gate.person_for(
            self.request, person_id, Action.VIEW, category=gate.BASIC, what=self.what
        )
        readable = access.readable(
            self.request.user,
            HousingApplication.objects.filter(person=person).select_related("person"),
        )
        return (
            HousingApplication.objects.filter(pk__in=[a.pk for a in readable])
            .select_related("person__municipality", "unit", "decision")
            .order_by("pk")
        )

    def shown(self, rows: list[HousingApplication]) -> None:
        if rows:
            gate.log_many(
                self.request.user,
                [rows[0].person],
                Action.VIEW,
                what=self.what,
                category=Category.SOCIAL,
            )

    def resource(self, row: HousingApplication) -> dict:
        return _task(row)
