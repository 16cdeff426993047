"""FHIR R4 endpoints: read and search, a capability statement, and the
transaction import. The same gate and access log as the pages; every error is
an OperationOutcome with a 4xx status."""

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, renderers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from helhet.access import gate
from helhet.access.models import Action
from helhet.api import access, fhir, fhir_import, fhir_search, parsers
from helhet.api.models import ImportedIdentifier
from helhet.consent.models import Category, Consent
from helhet.cooperation import access as cooperation_access
from helhet.cooperation.models import ResponsibilityGroup
from helhet.mapping import access as mapping_access
from helhet.mapping.models import Mapping
from helhet.people.models import Person
from helhet.plans import services as plan_services
from helhet.plans.access import plan_for
from helhet.plans.models import IndividualPlan

FHIR = " (FHIR)"
PATIENT = fhir_search.Param("patient", "reference", "Personen: Patient/<id>.")


class FhirRenderer(renderers.JSONRenderer):
    media_type = fhir.CONTENT_TYPE
    format = "fhir"


class FhirParser(parsers.BoundedJSONParser):
    media_type = fhir.CONTENT_TYPE


def _outcome_handler(exc, context):
    if isinstance(exc, fhir.Invalid):
        return Response(fhir.outcome(exc.issues), status=status.HTTP_400_BAD_REQUEST)
    response = parsers.exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(data, dict) and "detail" in data:
        issues = [("", str(data["detail"]))]
    elif isinstance(data, dict):
        issues = [
            (str(k), " ".join(str(m) for m in v) if isinstance(v, list) else str(v))
            for k, v in data.items()
        ]
    else:
        issues = [("", " ".join(str(m) for m in data))]
    code = {
        401: "login",
        403: "forbidden",
        404: "not-found",
        412: "conflict",
        413: "too-costly",
    }.get(response.status_code, "invalid")
    response.data = fhir.outcome(issues, code)
    return response


class FhirView(APIView):
    renderer_classes = [FhirRenderer, renderers.JSONRenderer]
    parser_classes = [FhirParser, parsers.BoundedJSONParser]
    # Not in the REST API's OpenAPI schema: FHIR describes itself (/metadata).
    schema = None

    def get_exception_handler(self):
        return _outcome_handler

    def base(self) -> str:
        return self.request.build_absolute_uri(reverse("fhir:base"))


class SearchView(fhir_search.SearchMixin, FhirView):
    """A FHIR search-type interaction; see ``helhet.api.fhir_search``."""

    def patient_id(self, search: fhir_search.Search) -> int | None:
        """``patient=Patient/<id>`` (or just the id), or None when no patient
        is named. An id we never issued is a 404, as reading it would be."""
        value = search.params.get("patient", "").removeprefix("Patient/")
        return _int_id(value) if value else None


def _int_id(value) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError) as error:
        raise Http404(_("Fant ikke ressursen.")) from error
    if not 0 < number < 2**63:
        raise Http404(_("Fant ikke ressursen."))
    return number


def _municipality_number(person) -> str:
    return person.municipality.number


def _imported(**record) -> list[str]:
    return list(ImportedIdentifier.objects.filter(**record).values_list("value", flat=True))


# --- metadata ----------------------------------------------------------------------


class Metadata(FhirView):
    permission_classes = [AllowAny]

    def get(self, request):
        version = getattr(settings, "HELHET_VERSION", "0.1.0")
        searches = {
            view.resource_type: [(p.name, p.type, p.documentation) for p in view.declared()]
            for view in search_views()
        }
        return Response(fhir.capability_statement(self.base(), version, searches))


def search_views() -> list[type[SearchView]]:
    """The search views the FHIR address book routes, so the
    CapabilityStatement declares exactly what is served."""
    from helhet.api import fhir_urls

    return [
        view
        for pattern in fhir_urls.urlpatterns
        if isinstance(view := getattr(pattern.callback, "view_class", None), type)
        and issubclass(view, SearchView)
    ]


# --- Patient -------------------------------------------------------------------------


def _identifier_param(value: str) -> tuple[str, str]:
    system, _bar, number = value.rpartition("|")
    if (system and system not in fhir.KIND_OF_SYSTEM) or not number:
        raise exceptions.ValidationError(
            {"identifier": [_("Bruk identifier=%(fnr)s|<fødselsnummer>.") % {"fnr": fhir.FNR}]}
        )
    return system, number


class PatientRead(FhirView):
    def get(self, request, person_id):
        person = gate.person_for(
            request, _int_id(person_id), Action.VIEW, category=gate.BASIC, what="Patient" + FHIR
        )
        return Response(fhir.patient(person))


class PatientSearch(SearchView):
    resource_type = "Patient"
    search_params = (
        fhir_search.Param("identifier", "token", f"Fødselsnummer o.l.: {fhir.FNR}|<nummer>."),
    )

    def find(self, search: fhir_search.Search) -> QuerySet[Person]:
        persons = access.persons(self.request.user).select_related("municipality")
        if "identifier" in search.params:
            system, number = _identifier_param(search.params["identifier"])
            persons = persons.filter(national_id=number)
            if system:  # a number searched under another kind's system is not that person
                persons = persons.filter(id_type=fhir.KIND_OF_SYSTEM[system])
        return persons

    def shown(self, rows: list[Person]) -> None:
        access.log_list(self.request.user, rows, "Patient-søk" + FHIR)

    def resource(self, row: Person) -> dict:
        return fhir.patient(row)


# --- CarePlan ---------------------------------------------------------------------------


def _care_plan(plan_id: int) -> dict:
    plan = (
        plan_services.with_content(queryset=IndividualPlan.objects.filter(pk=plan_id))
        .select_related("person__municipality")
        .get()
    )
    return fhir.care_plan(plan, _municipality_number(plan.person), _imported(plan_id=plan_id))


class CarePlanRead(FhirView):
    def get(self, request, plan_id):
        plan = plan_for(request, _int_id(plan_id), Action.VIEW, what="CarePlan" + FHIR)
        return Response(_care_plan(plan.pk), headers={"ETag": f'W/"{plan.version}"'})


# FHIR's request-status codes: a valid code we never use matches nothing.
REQUEST_STATUS = {"draft", "active", "on-hold", "revoked", "completed", "entered-in-error"}
REQUEST_STATUS |= {"unknown"}
REVERSED_PLAN_STATUS = {code: status for status, code in fhir.PLAN_STATUS.items()}


class CarePlanSearch(SearchView):
    """By patient (the gate decides for that person, as the plan page does),
    or without one — ``CarePlan?status=active`` is the coordinating unit's
    overview — through the gate's list rule (``gate.accessible_plans``), one
    logged row per person shown."""

    resource_type = "CarePlan"
    search_params = (
        PATIENT,
        fhir_search.Param("subject", "reference", "Som patient."),
        fhir_search.Param("identifier", "token", "Planens identifikator."),
        fhir_search.Param("status", "token", "draft, active, completed eller revoked; kommaliste."),
    )
    last_updated_field = "updated_at"
    named = False

    def patient_id(self, search: fhir_search.Search) -> int | None:
        if "subject" in search.params and "patient" not in search.params:
            search.params["patient"] = search.params["subject"]
        return super().patient_id(search)

    def find(self, search: fhir_search.Search) -> QuerySet[IndividualPlan]:
        user = self.request.user
        plans = IndividualPlan.objects.all()
        if "status" in search.params:
            codes = search.params["status"].split(",")
            unknown = [c for c in codes if c not in REQUEST_STATUS]
            if unknown:
                raise exceptions.ValidationError(
                    {"status": [_("Ukjent status «%(code)s».") % {"code": unknown[0]}]}
                )
            plans = plans.filter(
                status__in=[REVERSED_PLAN_STATUS[c] for c in codes if c in REVERSED_PLAN_STATUS]
            )
        if "identifier" in search.params:
            wanted = search.params["identifier"].rpartition("|")[2]
            plans = plans.filter(pk__in=fhir_import.plans_with_identifier(user, wanted))
        person_id = self.patient_id(search)
        if person_id is not None:
            what = "CarePlan-søk" + FHIR
            gate.person_for(self.request, person_id, Action.VIEW, category=Category.PLAN, what=what)
            self.named = True
            return plans.filter(person_id=person_id).order_by("pk")
        # Only the plans the plan page would open: a search does not reveal
        # another plan's existence.
        return gate.accessible_plans(user, plans).select_related("person").order_by("pk")

    def shown(self, rows: list[IndividualPlan]) -> None:
        if self.named:
            # Each plan read as the plan page reads it (logged).
            for plan in rows:
                plan_for(self.request, plan.pk, Action.VIEW, what="CarePlan" + FHIR)
        else:
            access.log_list(
                self.request.user, [(p.person, Category.PLAN) for p in rows], "CarePlan-søk" + FHIR
            )

    def resource(self, row: IndividualPlan) -> dict:
        return _care_plan(row.pk)


# --- CareTeam (the responsibility group) ----------------------------------------------


def _care_team(group_id: int) -> dict:
    group = (
        ResponsibilityGroup.objects.select_related("person__municipality")
        .prefetch_related("members__unit", "members__partner")
        .get(pk=group_id)
    )
    return fhir.care_team(group, _municipality_number(group.person))


class CareTeamRead(FhirView):
    def get(self, request, group_id):
        group_id = _int_id(group_id)
        person_id = cooperation_access.person_id_for_group_id(group_id)
        cooperation_access.person_for(request, person_id, Action.VIEW, "CareTeam" + FHIR)
        return Response(_care_team(group_id))


class CareTeamSearch(SearchView):
    """By patient (cooperation's own decision for that person), or the groups
    whose cooperation data the group page would open (``access.groups``)."""

    resource_type = "CareTeam"
    search_params = (PATIENT,)
    named = False

    def find(self, search: fhir_search.Search) -> QuerySet[ResponsibilityGroup]:
        person_id = self.patient_id(search)
        if person_id is None:
            return access.groups(self.request.user).select_related("person")
        cooperation_access.person_for(self.request, person_id, Action.VIEW, "CareTeam-søk" + FHIR)
        self.named = True
        return ResponsibilityGroup.objects.filter(person_id=person_id).order_by("pk")

    def shown(self, rows: list[ResponsibilityGroup]) -> None:
        if not self.named:
            access.log_list(
                self.request.user,
                [g.person for g in rows],
                "CareTeam-søk" + FHIR,
                Category.COOPERATION,
            )

    def resource(self, row: ResponsibilityGroup) -> dict:
        return _care_team(row.pk)


# --- Consent ----------------------------------------------------------------------------


def _consent(consent_id: int) -> dict:
    item = (
        Consent.objects.select_related("person__municipality")
        .prefetch_related("scopes__unit", "scopes__partner")
        .get(pk=consent_id)
    )
    return fhir.consent(item, _municipality_number(item.person), _imported(consent_id=consent_id))


class ConsentRead(FhirView):
    def get(self, request, consent_id):
        consent_id = _int_id(consent_id)
        gate.person_for_kwarg(
            request,
            "consent_id",
            consent_id,
            Action.VIEW,
            category=gate.BASIC,
            what="Consent" + FHIR,
        )
        return Response(_consent(consent_id))


class ConsentSearch(SearchView):
    """By patient (the gate decides for that person), or the consents of the
    persons the user may see (``access.consents``), logged per person shown."""

    resource_type = "Consent"
    search_params = (PATIENT,)
    named = False

    def find(self, search: fhir_search.Search) -> QuerySet[Consent]:
        person_id = self.patient_id(search)
        if person_id is None:
            return access.consents(self.request.user).select_related("person")
        gate.person_for(
            self.request, person_id, Action.VIEW, category=gate.BASIC, what="Consent-søk" + FHIR
        )
        self.named = True
        return Consent.objects.filter(person_id=person_id).order_by("pk")

    def shown(self, rows: list[Consent]) -> None:
        if not self.named:
            access.log_list(self.request.user, [c.person for c in rows], "Consent-søk" + FHIR)

    def resource(self, row: Consent) -> dict:
        return _consent(row.pk)


# --- QuestionnaireResponse (needs mappings) ------------------------------------------


def _questionnaire_response(mapping) -> dict:
    mapping = (
        Mapping.objects.select_related("person__municipality")
        .prefetch_related("scores")
        .get(pk=mapping.pk)
    )
    return fhir.questionnaire_response(mapping, _municipality_number(mapping.person))


class QuestionnaireResponseRead(FhirView):
    def get(self, request, mapping_id):
        mapping = mapping_access.mapping_for(
            request, _int_id(mapping_id), what="QuestionnaireResponse" + FHIR
        )
        return Response(_questionnaire_response(mapping))


class QuestionnaireResponseSearch(SearchView):
    """By patient: the mappings of the units the gate opens, one logged
    decision per unit (hpl § 22). Without: those the user's own units made,
    for persons the user has a relation to (``access.own_unit_mappings``)."""

    resource_type = "QuestionnaireResponse"
    search_params = (PATIENT,)
    named = False

    def find(self, search: fhir_search.Search) -> QuerySet[Mapping]:
        person_id = self.patient_id(search)
        if person_id is None:
            return (
                access.own_unit_mappings(self.request.user).select_related("person").order_by("pk")
            )
        what = "QuestionnaireResponse-søk" + FHIR
        person = gate.person_for(
            self.request, person_id, Action.VIEW, category=gate.BASIC, what=what
        )
        self.named = True
        shown, _hidden = mapping_access.visible_mappings(
            self.request.user, person, list(Mapping.objects.filter(person=person)), what
        )
        return Mapping.objects.filter(pk__in=[m.pk for m in shown]).order_by("pk")

    def shown(self, rows: list[Mapping]) -> None:
        if not self.named:
            access.log_list(
                self.request.user,
                [m.person for m in rows],
                "QuestionnaireResponse-søk" + FHIR,
                mapping_access.CATEGORY,
            )

    def resource(self, row: Mapping) -> dict:
        return _questionnaire_response(row)


# --- the transaction endpoint ----------------------------------------------------------


class Base(FhirView):
    def post(self, request):
        result = fhir_import.import_bundle(request, request.data, self.base())
        return Response(result, status=status.HTTP_200_OK)


@csrf_exempt
def unknown(request, *args, **kwargs):
    """Any other address under /fhir/r4/: an OperationOutcome, not the HTML page."""
    return JsonResponse(
        fhir.outcome([("", _("Ukjent ressurstype eller adresse."))], "not-supported"),
        status=404,
        content_type=fhir.CONTENT_TYPE,
    )
