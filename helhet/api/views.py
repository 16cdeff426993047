"""REST API views: the gate first, then services, then a serializer."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from helhet.access import gate
from helhet.access.models import Action
from helhet.api import access, compliance, schema
from helhet.api import filters as api_filters
from helhet.api import serializers as s
from helhet.api.preconditions import PreconditionFailed, etag, expected_version
from helhet.audit import services as audit_services
from helhet.background import services as background
from helhet.background.models import Job
from helhet.consent.models import Category, Consent
from helhet.cooperation import access as cooperation_access
from helhet.cooperation.models import Meeting, ResponsibilityGroup
from helhet.intake import access as intake_access
from helhet.mapping import access as mapping_access
from helhet.mapping.models import DomainScore, Mapping
from helhet.people.models import Person
from helhet.plans import services as plan_services
from helhet.plans.access import plan_for
from helhet.plans.models import IndividualPlan
from helhet.quality import services as quality_services


@csrf_exempt
def not_found(request, *args, **kwargs):
    """Unknown API addresses answer in JSON (CSRF exempt: it changes nothing)."""
    return JsonResponse({"detail": _("Fant ikke adressen i API-et.")}, status=404)


def _checked(filters: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    # A plain dict, not the QueryDict: DRF reads an empty value in form data
    # as "not given", but ?start= is malformed and gets 400.
    checked = filters(data=request.query_params.dict())
    checked.is_valid(raise_exception=True)
    return checked.validated_data


class FilterSetSchema(DjangoFilterBackend):
    """Declares a list's FilterSet to drf-spectacular (its parameters in the
    schema). The filtering itself is ``FilteredListView.get_queryset``'s, so
    neither DRF nor the browsable API's filter form runs it (and asks the
    gate) a second time."""

    def filter_queryset(self, request: Any, queryset: Any, view: Any) -> Any:
        return queryset

    def to_html(self, request: Any, queryset: Any, view: Any) -> None:
        return None


class FilteredListView(generics.ListAPIView):
    """A list whose query parameters are a django-filter FilterSet
    (``helhet.api.filters``): 400 on a malformed filter, and described in
    the OpenAPI schema by drf-spectacular from the same declaration.

    The filtering happens in ``get_queryset`` (so a subclass that overrides
    ``list`` cannot skip it), not in DRF's ``filter_queryset``."""

    filter_backends = [FilterSetSchema]
    filterset_class: type[api_filters.StrictFilterSet] | None = None

    def base_queryset(self) -> QuerySet[Any]:
        raise NotImplementedError

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False) and self.filterset_class is not None:
            # The schema only needs the model; there is no user to ask about.
            return self.filterset_class._meta.model.objects.none()
        return self.filtered(self.base_queryset())

    def checked_filters(self, queryset: QuerySet[Any]) -> api_filters.StrictFilterSet:
        assert self.filterset_class is not None
        found = self.filterset_class(
            self.request.query_params, queryset=queryset, request=self.request
        )
        if not found.is_valid():
            raise translate_validation(found.errors)
        return found

    def filtered(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return self.checked_filters(queryset).qs


class GatedListView(FilteredListView):
    """A list: only what the gate lets the user see; each person shown is logged.
    A ``?person=`` filter goes through the gate for that person first."""

    what = ""
    # The category of what a row shows: the list holds only rows whose page
    # would open it, a ``?person=`` filter asks the gate for it, and the log
    # records it (not "basic data" when plan data was shown).
    category = gate.BASIC
    # Filters a person the user has no relation to is refused and logged.
    gate_person_filter = True

    def person_of(self, row: Any) -> Person:
        return row.person

    def category_of(self, row: Any) -> str:
        return self.category

    def gate_person(self, person_id: int | None) -> None:
        if self.gate_person_filter and person_id is not None:
            access.person_filter(self.request, person_id, self.what, self.category)

    def filtered(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        checked = self.checked_filters(queryset)
        self.gate_person(checked.form.cleaned_data.get("person"))
        return checked.qs

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset()) or []
        access.log_list(
            request.user, [(self.person_of(row), self.category_of(row)) for row in page], self.what
        )
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


# --- persons --------------------------------------------------------------------


@extend_schema(tags=["persons"])
class PersonList(GatedListView):
    serializer_class = s.PersonSerializer
    filterset_class = api_filters.PersonFilter
    what = "personliste"

    def base_queryset(self):
        return access.persons(self.request.user)

    def person_of(self, row):
        return row


@extend_schema(tags=["persons"], responses=s.PersonSerializer)
class PersonDetail(APIView):
    def get(self, request, person_id):
        person = gate.person_for(
            request, person_id, Action.VIEW, category=gate.BASIC, what="personside" + access.API
        )
        return Response(s.PersonSerializer(person).data)


# --- plans ----------------------------------------------------------------------


@extend_schema(tags=["plans"])
class PlanList(GatedListView):
    serializer_class = s.PlanSummarySerializer
    filterset_class = api_filters.PlanFilter
    what = "planliste"
    category = Category.PLAN

    def base_queryset(self):
        # The summary's columns only: the plan's text fields belong to the
        # detail, and the person is read just for the access log.
        return (
            access.plans(self.request.user)
            .select_related("person")
            .only(*s.PLAN_SUMMARY, "person__municipality_id")
        )


def _plan_response(plan_id: int) -> Response:
    plan = plan_services.with_content(queryset=IndividualPlan.objects.filter(pk=plan_id)).get()
    return Response(s.PlanSerializer(plan).data, headers={"ETag": etag(plan.version)})


PLAN_WRITE_DOC = (
    "Krever `If-Match` med ETag fra GET. Mangler den: 428. Er planen endret siden: 412."
)
PLAN_WRITE = extend_schema(
    request=s.PlanWriteSerializer,
    parameters=[schema.IF_MATCH],
    responses=s.PlanSerializer,
    description=PLAN_WRITE_DOC,
)


@extend_schema(tags=["plans"])
class PlanDetail(APIView):
    @extend_schema(responses=s.PlanSerializer)
    def get(self, request, plan_id):
        plan = plan_for(request, plan_id, Action.VIEW, what="plan" + access.API)
        return _plan_response(plan.pk)

    def _write(self, request, plan_id, partial: bool) -> Response:
        plan = plan_for(request, plan_id, Action.EDIT, what="plan endret" + access.API)
        version = expected_version(request)
        checked = s.PlanWriteSerializer(plan, data=request.data, partial=partial)
        checked.is_valid(raise_exception=True)
        try:
            # If-Match is a precondition (RFC 9110 § 13.1.1): an outdated ETag is
            # refused, never merged.
            plan_services.update_plan(
                plan_id=plan.pk,
                user=request.user,
                version=version,
                fields=checked.validated_data,
                strict=True,
            )
        except plan_services.StaleEdit as error:
            raise PreconditionFailed(str(error)) from error
        except ValidationError as error:
            raise ApiValidationError(
                error.message_dict if hasattr(error, "error_dict") else error.messages
            ) from error
        return _plan_response(plan.pk)

    @PLAN_WRITE
    def patch(self, request, plan_id):
        return self._write(request, plan_id, partial=True)

    @PLAN_WRITE
    def put(self, request, plan_id):
        return self._write(request, plan_id, partial=False)


# --- consents -------------------------------------------------------------------


@extend_schema(tags=["consents"])
class ConsentList(GatedListView):
    serializer_class = s.ConsentSerializer
    filterset_class = api_filters.ConsentFilter
    what = "samtykkeliste"

    def base_queryset(self):
        return (
            access.consents(self.request.user).select_related("person").prefetch_related("scopes")
        )


@extend_schema(tags=["consents"], responses=s.ConsentSerializer)
class ConsentDetail(APIView):
    def get(self, request, consent_id):
        gate.person_for_kwarg(
            request,
            "consent_id",
            consent_id,
            Action.VIEW,
            category=gate.BASIC,
            what="samtykke" + access.API,
        )
        consent = Consent.objects.prefetch_related("scopes").get(pk=consent_id)
        return Response(s.ConsentSerializer(consent).data)


# --- responsibility groups and meetings ----------------------------------------


@extend_schema(tags=["cooperation"])
class GroupList(GatedListView):
    serializer_class = s.GroupSummarySerializer
    filterset_class = api_filters.GroupFilter
    what = "ansvarsgrupper"
    category = Category.COOPERATION

    def base_queryset(self):
        return access.groups(self.request.user).select_related("person")


def _cooperation_person(request, person_id, what):
    return cooperation_access.person_for(request, person_id, Action.VIEW, what + access.API)


@extend_schema(tags=["cooperation"], responses=s.GroupSerializer)
class GroupDetail(APIView):
    def get(self, request, group_id):
        person_id = cooperation_access.person_id_for_group_id(group_id)
        _cooperation_person(request, person_id, "ansvarsgruppe")
        group = ResponsibilityGroup.objects.prefetch_related("members").get(pk=group_id)
        return Response(s.GroupSerializer(group).data)


@extend_schema(tags=["cooperation"])
class MeetingList(GatedListView):
    serializer_class = s.MeetingSummarySerializer
    filterset_class = api_filters.MeetingFilter
    what = "møteliste"
    category = Category.COOPERATION

    def base_queryset(self):
        return access.meetings(self.request.user).select_related("group__person")

    def person_of(self, row):
        return row.group.person


@extend_schema(tags=["cooperation"], responses=s.MeetingSerializer)
class MeetingDetail(APIView):
    def get(self, request, meeting_id):
        person_id = cooperation_access.person_id_for_meeting_id(meeting_id)
        _cooperation_person(request, person_id, "møte")
        meeting = Meeting.objects.select_related("group").get(pk=meeting_id)
        return Response(s.MeetingSerializer(meeting).data)


# --- applications and decisions -------------------------------------------------


@extend_schema(tags=["intake"])
class ApplicationList(GatedListView):
    serializer_class = s.ApplicationSummarySerializer
    filterset_class = api_filters.ApplicationFilter
    what = "saksliste"
    # Intake's basis (the case is addressed to the user's unit, fvl § 11a)
    # comes before any relation, so ?person= filters the case list only.
    gate_person_filter = False

    def base_queryset(self):
        return access.applications(self.request.user)

    def category_of(self, row) -> str:
        return intake_access.category_for(row)


@extend_schema(tags=["intake"], responses=s.ApplicationSerializer)
class ApplicationDetail(APIView):
    def get(self, request, application_id):
        application = intake_access.application_for(
            request, application_id, what="søknad" + access.API
        )
        return Response(s.ApplicationSerializer(application).data)


@extend_schema(tags=["intake"])
class DecisionList(GatedListView):
    serializer_class = s.DecisionSummarySerializer
    filterset_class = api_filters.DecisionFilter
    what = "vedtaksliste"

    def base_queryset(self):
        return access.decisions(self.request.user).select_related("application__person")

    def person_of(self, row):
        return row.application.person

    def category_of(self, row) -> str:
        return intake_access.category_for(row.application)


@extend_schema(tags=["intake"], responses=s.DecisionSerializer)
class DecisionDetail(APIView):
    def get(self, request, decision_id):
        decision = intake_access.decision_for(request, decision_id, what="vedtak" + access.API)
        return Response(s.DecisionSerializer(decision).data)


# --- needs mappings -----------------------------------------------------------------


MAPPING_LIST_DOC = (
    "Uten `person`: kartlegginger gjort av dine egne enheter, for personer du har tjenstlig "
    "relasjon til. Med `person`: alle personens kartlegginger porten åpner for deg, også andre "
    "enheters når personen har samtykket (hpl § 22)."
)


@extend_schema(tags=["mapping"], description=MAPPING_LIST_DOC)
class MappingList(GatedListView):
    serializer_class = s.MappingSummarySerializer
    filterset_class = api_filters.MappingFilter
    what = "kartleggingsliste"
    # Set for ?person=: the gate has then logged each opened unit's mappings.
    logged_by_gate = False

    def base_queryset(self) -> QuerySet[Mapping]:
        return access.own_unit_mappings(self.request.user)

    def filtered(self, queryset: QuerySet[Mapping]) -> QuerySet[Mapping]:
        checked = self.checked_filters(queryset)
        person_id = checked.form.cleaned_data.get("person")
        if person_id is not None:
            # Every unit's mappings of the person, then only the units the
            # gate opens (one logged decision per unit).
            person = access.person_filter(self.request, person_id, self.what)
            mappings = checked.filter_queryset(Mapping.objects.filter(person=person))
            found = access.person_mappings(self.request, person, mappings)
            self.logged_by_gate = True
        else:
            found = checked.qs
        return (
            found.select_related("person")
            .prefetch_related(Prefetch("scores", DomainScore.objects.order_by("domain")))
            .order_by("-mapped_on", "-pk")
        )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset()) or []
        if not self.logged_by_gate:
            access.log_list(
                request.user, [row.person for row in page], self.what, mapping_access.CATEGORY
            )
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


@extend_schema(tags=["mapping"], responses=s.MappingSerializer)
class MappingDetail(APIView):
    def get(self, request, mapping_id):
        mapping_access.mapping_for(request, mapping_id, Action.VIEW, "kartlegging" + access.API)
        mapping = Mapping.objects.prefetch_related(
            Prefetch("scores", DomainScore.objects.order_by("domain")), "screenings"
        ).get(pk=mapping_id)
        return Response(s.MappingSerializer(mapping).data)


# --- deviations ---------------------------------------------------------------------


@extend_schema(tags=["quality"])
class DeviationList(FilteredListView):
    """Deviations as quality's pages show them: quality officers and the head
    of sector all of the municipality's, a leader their units', everyone their
    own reports. Lists say only whether a person is concerned."""

    serializer_class = s.DeviationSummarySerializer
    filterset_class = api_filters.DeviationFilter

    def base_queryset(self):
        return access.deviations(self.request.user).order_by("-reported_on", "-pk")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": timezone.localdate()}


@extend_schema(tags=["quality"], responses=s.DeviationSerializer)
class DeviationDetail(APIView):
    def get(self, request, deviation_id):
        deviation = get_object_or_404(
            access.deviations(request.user).select_related("person"), pk=deviation_id
        )
        context = {
            "today": timezone.localdate(),
            # The person only if the gate gives a basis (logged); no refusal
            # is flagged, as on the page: the handler needs the deviation.
            "person_name": quality_services.shown_person(user=request.user, deviation=deviation),
        }
        return Response(s.DeviationSerializer(deviation, context=context).data)


# --- compliance ---------------------------------------------------------------------


# Not a list's filter but the report's period: checked by a DRF serializer.
class ComplianceFilter(serializers.Serializer):
    start = serializers.DateField(
        required=False, help_text="Fra og med (ISO-dato). Uten: ett år før `end`."
    )
    end = serializers.DateField(
        required=False, help_text="Til og med (ISO-dato), ikke før `start`. Uten: i dag."
    )


def _period(params: dict, today: dt.date) -> tuple[dt.date, dt.date]:
    start, end = params.get("start"), params.get("end")
    try:
        return audit_services.period(start=start, end=end, today=today)
    except OverflowError:
        # "A year before end" reaches before the calendar: start at its beginning.
        return audit_services.period(start=dt.date.min, end=end, today=today)
    except audit_services.BadInput as error:
        raise ApiValidationError({"end": [str(error)]}) from error


RETRY_AFTER_SECONDS = 2  # as often as the compliance page asks for a job's progress

RETRY_AFTER = OpenApiParameter(
    "Retry-After",
    OpenApiTypes.INT,
    OpenApiParameter.HEADER,
    response=[202],
    description="Sekunder før det er verdt å spørre jobben igjen.",
)
LOCATION = OpenApiParameter(
    "Location",
    OpenApiTypes.URI,
    OpenApiParameter.HEADER,
    response=[202],
    description="Jobben som beregner rapporten (`/api/v1/jobs/{job_id}/`).",
)


def _result_url(request: Request, job: Job) -> str | None:
    """Where a finished job's result is fetched: the API's own address for a
    report; an export is the file the page offers (for the same login)."""
    if job.status != Job.Status.DONE:
        return None
    if job.kind == Job.Kind.COMPLIANCE:
        query = urlencode({"start": job.params["start"], "end": job.params["end"]})
        return request.build_absolute_uri(f"{reverse('api:compliance')}?{query}")
    if job.file:
        return request.build_absolute_uri(reverse("background:download", args=[job.pk]))
    return None


def _job_response(request: Request, job: Job, status: int) -> Response:
    data = s.JobSerializer(job, context={"result": _result_url(request, job)}).data
    response = Response(data, status=status)
    if job.active:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    if status == 202:
        response["Location"] = request.build_absolute_uri(reverse("api:job", args=[job.pk]))
    return response


@extend_schema(
    tags=["audit"],
    parameters=[ComplianceFilter, RETRY_AFTER, LOCATION],
    responses={
        200: OpenApiResponse(s.ComplianceSerializer, description="Den lagrede rapporten."),
        202: OpenApiResponse(
            s.JobSerializer,
            description="Perioden er ikke beregnet i dag: den beregnes i bakgrunnen. Følg "
            "`Location` til jobben er ferdig, og hent så rapporten (jobbens `result`).",
        ),
    },
    description="Etterlevelse per kriterium og enhet for din kommune: bare tall, ingen "
    "personer. Svaret er den lagrede rapporten, som på siden; en periode som ikke er "
    "beregnet i dag gir 202 og en jobb å følge.",
)
class Compliance(APIView):
    def get(self, request):
        staff = getattr(request.user, "staff", None)
        if staff is None or not audit_services.may_see_report(user=request.user):
            raise ApiPermissionDenied(
                _(
                    "Etterlevelsen er for ledere, koordinerende enhet, kvalitetsansvarlige, "
                    "kommunalsjef og revisorer."
                )
            )
        today = timezone.localdate()
        start, end = _period(_checked(ComplianceFilter, request), today)
        found = compliance.stored_or_job(
            user=request.user,
            municipality_id=staff.municipality_id,
            start=start,
            end=end,
            today=today,
        )
        if isinstance(found, Job):
            return _job_response(request, found, status=202)
        criteria = compliance.results(municipality_id=staff.municipality_id, reports=found.reports)
        data = {"start": start, "end": end, "computed_at": found.computed_at, "criteria": criteria}
        return Response(s.ComplianceSerializer(data).data)


# --- background jobs ----------------------------------------------------------------


@extend_schema(
    tags=["jobs"],
    parameters=[
        OpenApiParameter(
            "Retry-After",
            OpenApiTypes.INT,
            OpenApiParameter.HEADER,
            response=[200],
            description="Mens jobben venter eller beregnes: sekunder til neste spørsmål.",
        )
    ],
    responses=s.JobSerializer,
    description="Et bakgrunnsarbeid du har bedt om (eller, for etterlevelse, som du har "
    "samme tilgang til som rapporten krever): status, framdrift og, når det er ferdig, "
    "adressen til resultatet. Andre får 404.",
)
class JobDetail(APIView):
    def get(self, request, job_id):
        job = background.job_for(user=request.user, job_id=job_id)
        if job is None:
            raise NotFound(_("Fant ikke bakgrunnsarbeidet."))
        return _job_response(request, job, status=200)
