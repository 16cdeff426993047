"""FHIR R4 endpoints: read and search, a capability statement, and the
transaction import. The same gate and access log as the pages; every error is
an OperationOutcome with a 4xx status."""

from django.conf import settings
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
from helhet.api import access, fhir, fhir_import, parsers
from helhet.api.models import ImportedIdentifier
from helhet.api.pagination import plain_int
from helhet.consent.models import Category, Consent
from helhet.cooperation import access as cooperation_access
from helhet.cooperation.models import ResponsibilityGroup
from helhet.core.counting import BOUND, bounded_count
from helhet.mapping import access as mapping_access
from helhet.mapping.models import Mapping
from helhet.plans import services as plan_services
from helhet.plans.access import plan_for
from helhet.plans.models import IndividualPlan

FHIR = " (FHIR)"
MAX_COUNT = 200


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

    def params(self, allowed: set[str]) -> dict:
        unknown = sorted(set(self.request.query_params) - allowed - {"_format"})
        if unknown:
            raise exceptions.ValidationError(
                {name: [_("Søkeparameteren støttes ikke.")] for name in unknown}
            )
        return self.request.query_params.dict()

    def count(self, params) -> int:
        # "²".isdigit() is true, but int("²") fails: ASCII digits only.
        value = plain_int(params.get("_count", "50"))
        if value is None or not 0 < value <= MAX_COUNT:
            raise exceptions.ValidationError(
                {"_count": [_("Må være et heltall 1–%(max)s.") % {"max": MAX_COUNT}]}
            )
        return value

    def patient_param(self, params) -> str:
        """``patient=Patient/<id>`` (or just the id): the person's id."""
        value = params.get("patient", "").removeprefix("Patient/")
        if not value:
            raise exceptions.ValidationError({"patient": [_("Søket krever patient=Patient/<id>.")]})
        return _int_id(value)


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
        return Response(fhir.capability_statement(self.base(), version))


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
            request, _int_id(person_id), Action.VIEW, gate.BASIC, what="Patient" + FHIR
        )
        return Response(fhir.patient(person))


def _total(matches, shown: list) -> int | None:
    """The number of matches, counted to at most ``BOUND`` rows: past it the
    Bundle leaves ``total`` out rather than counting every person the user may
    see on every search (docs/performance.md, "Counts on lists")."""
    counted, more = bounded_count(matches, max(BOUND, len(shown)))
    return None if more else counted


class PatientSearch(FhirView):
    def get(self, request):
        params = self.params({"identifier", "_id", "_count"})
        persons = access.persons(request.user)
        if "identifier" in params:
            system, number = _identifier_param(params["identifier"])
            persons = persons.filter(national_id=number)
            if system:  # a number searched under another kind's system is not that person
                persons = persons.filter(id_type=fhir.KIND_OF_SYSTEM[system])
        if "_id" in params:
            persons = persons.filter(pk=_int_id(params["_id"]))
        shown = list(persons[: self.count(params)])
        access.log_list(request.user, shown, "Patient-søk" + FHIR)
        return Response(
            fhir.searchset([fhir.patient(p) for p in shown], _total(persons, shown), self.base())
        )


# --- CarePlan ---------------------------------------------------------------------------


def _care_plan(plan_id: int) -> dict:
    plan = (
        plan_services.with_content(IndividualPlan.objects.filter(pk=plan_id))
        .select_related("person__municipality")
        .get()
    )
    return fhir.care_plan(plan, _municipality_number(plan.person), _imported(plan_id=plan_id))


class CarePlanRead(FhirView):
    def get(self, request, plan_id):
        plan = plan_for(request, _int_id(plan_id), Action.VIEW, what="CarePlan" + FHIR)
        return Response(_care_plan(plan.pk), headers={"ETag": f'W/"{plan.version}"'})


class CarePlanSearch(FhirView):
    def get(self, request):
        params = self.params({"patient", "subject", "identifier"})
        if "subject" in params:
            params["patient"] = params.pop("subject")
        if "identifier" in params and "patient" not in params:
            found = fhir_import.plans_with_identifier(
                request.user, params["identifier"].rpartition("|")[2]
            )
            # Only the plans the plan page would open: a search does not
            # reveal another plan's existence.
            plan_ids = list(
                gate.accessible_plans(request.user, IndividualPlan.objects.filter(pk__in=found))
                .order_by("pk")
                .values_list("pk", flat=True)
            )
        else:
            person_id = self.patient_param(params)
            gate.person_for(request, person_id, Action.VIEW, Category.PLAN, "CarePlan-søk" + FHIR)
            plan_ids = list(
                IndividualPlan.objects.filter(person_id=person_id)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            wanted = params.get("identifier", "").rpartition("|")[2]
            if wanted:
                plan_ids = [p for p in plan_ids if wanted in _plan_identifiers(p)]
        for plan_id in plan_ids:
            plan_for(request, plan_id, Action.VIEW, what="CarePlan" + FHIR)
        resources = [_care_plan(p) for p in plan_ids]
        return Response(fhir.searchset(resources, len(resources), self.base()))


def _plan_identifiers(plan_id: int) -> set[str]:
    plan = IndividualPlan.objects.select_related("person__municipality").get(pk=plan_id)
    own = fhir.urn("plan", _municipality_number(plan.person), plan_id)
    return {own, *_imported(plan_id=plan_id)}


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


class CareTeamSearch(FhirView):
    def get(self, request):
        person_id = self.patient_param(self.params({"patient"}))
        cooperation_access.person_for(request, person_id, Action.VIEW, "CareTeam-søk" + FHIR)
        groups = ResponsibilityGroup.objects.filter(person_id=person_id).values_list(
            "pk", flat=True
        )
        resources = [_care_team(pk) for pk in groups]
        return Response(fhir.searchset(resources, len(resources), self.base()))


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
            request, "consent_id", consent_id, Action.VIEW, gate.BASIC, "Consent" + FHIR
        )
        return Response(_consent(consent_id))


class ConsentSearch(FhirView):
    def get(self, request):
        person_id = self.patient_param(self.params({"patient"}))
        gate.person_for(request, person_id, Action.VIEW, gate.BASIC, "Consent-søk" + FHIR)
        ids = (
            Consent.objects.filter(person_id=person_id).order_by("pk").values_list("pk", flat=True)
        )
        resources = [_consent(pk) for pk in ids]
        return Response(fhir.searchset(resources, len(resources), self.base()))


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


class QuestionnaireResponseSearch(FhirView):
    def get(self, request):
        person_id = self.patient_param(self.params({"patient"}))
        what = "QuestionnaireResponse-søk" + FHIR
        person = gate.person_for(request, person_id, Action.VIEW, gate.BASIC, what)
        # One logged decision per unit whose mappings are opened (hpl § 22).
        shown, _hidden = mapping_access.visible_mappings(
            request.user, person, list(Mapping.objects.filter(person=person).order_by("pk")), what
        )
        resources = [_questionnaire_response(m) for m in shown]
        return Response(fhir.searchset(resources, len(resources), self.base()))


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
