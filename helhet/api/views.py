"""REST API views: the gate first, then services, then a serializer."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from helhet.access import gate
from helhet.access.models import Action
from helhet.api import access, compliance, schema
from helhet.api import serializers as s
from helhet.api.preconditions import PreconditionFailed, etag, expected_version
from helhet.audit import services as audit_services
from helhet.consent.models import Category, Consent
from helhet.cooperation import access as cooperation_access
from helhet.cooperation.models import Meeting, ResponsibilityGroup
from helhet.intake import access as intake_access
from helhet.intake.models import Application, Decision
from helhet.mapping import access as mapping_access
from helhet.mapping.models import DomainScore, Mapping
from helhet.plans import services as plan_services
from helhet.plans.access import plan_for
from helhet.plans.models import IndividualPlan
from helhet.quality import services as quality_services
from helhet.quality.models import Deviation


@csrf_exempt
def not_found(request, *args, **kwargs):
    """Unknown API addresses answer in JSON (CSRF exempt: it changes nothing)."""
    return JsonResponse({"detail": _("Fant ikke adressen i API-et.")}, status=404)


ID: dict[str, Any] = {"min_value": 1, "max_value": 2**63 - 1, "required": False}


def _filters(name: str, **fields) -> type[serializers.Serializer]:
    return type(name, (serializers.Serializer,), fields)


def _checked(filters, request) -> dict:
    # A plain dict, not the QueryDict: DRF reads an empty value in form data
    # as "not given", but ?status= is a malformed filter and gets 400.
    checked = filters(data=request.query_params.dict())
    checked.is_valid(raise_exception=True)
    return checked.validated_data


class FilteredListView(generics.ListAPIView):
    """A list whose query parameters are checked (400 on a malformed filter)."""

    filters: type[serializers.Serializer]
    lookups: dict[str, str] = {}

    def base_queryset(self):
        raise NotImplementedError

    def apply_filters(self, queryset, params: dict):
        for name, lookup in self.lookups.items():
            if name in params:
                queryset = queryset.filter(**{lookup: params[name]})
        return queryset

    def get_queryset(self):
        return self.apply_filters(self.base_queryset(), _checked(self.filters, self.request))


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

    def person_of(self, row):
        return row.person

    def category_of(self, row) -> str:
        return self.category

    def get_queryset(self):
        params = _checked(self.filters, self.request)
        if self.gate_person_filter and "person" in params:
            access.person_filter(self.request, params["person"], self.what, self.category)
        return self.apply_filters(self.base_queryset(), params)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        access.log_list(
            request.user, [(self.person_of(row), self.category_of(row)) for row in page], self.what
        )
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


# --- persons --------------------------------------------------------------------

PersonFilter = _filters(
    "PersonFilter",
    national_id=serializers.RegexField(r"^\d{11}$", required=False),
    q=serializers.CharField(required=False, max_length=100),
)


@extend_schema(tags=["persons"], parameters=[PersonFilter])
class PersonList(GatedListView):
    serializer_class = s.PersonSerializer
    filters = PersonFilter
    what = "personliste"
    lookups = {"national_id": "national_id"}

    def base_queryset(self):
        return access.persons(self.request.user)

    def apply_filters(self, queryset, params):
        queryset = super().apply_filters(queryset, params)
        for word in params.get("q", "").split():
            queryset = queryset.filter(given_name__icontains=word) | queryset.filter(
                family_name__icontains=word
            )
        return queryset

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

PlanFilter = _filters(
    "PlanFilter",
    person=serializers.IntegerField(**ID),
    status=serializers.ChoiceField(choices=IndividualPlan.Status.choices, required=False),
)


@extend_schema(tags=["plans"], parameters=[PlanFilter])
class PlanList(GatedListView):
    serializer_class = s.PlanSummarySerializer
    filters = PlanFilter
    what = "planliste"
    category = Category.PLAN
    lookups = {"person": "person_id", "status": "status"}

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

ConsentFilter = _filters(
    "ConsentFilter",
    person=serializers.IntegerField(**ID),
    status=serializers.ChoiceField(choices=list(access.CONSENT_STATUS), required=False),
)


@extend_schema(tags=["consents"], parameters=[ConsentFilter])
class ConsentList(GatedListView):
    serializer_class = s.ConsentSerializer
    filters = ConsentFilter
    what = "samtykkeliste"
    lookups = {"person": "person_id"}

    def base_queryset(self):
        return (
            access.consents(self.request.user).select_related("person").prefetch_related("scopes")
        )

    def apply_filters(self, queryset, params):
        queryset = super().apply_filters(queryset, params)
        if "status" in params:
            queryset = queryset.filter(access.CONSENT_STATUS[params["status"]](timezone.now()))
        return queryset


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

GroupFilter = _filters("GroupFilter", person=serializers.IntegerField(**ID))


@extend_schema(tags=["cooperation"], parameters=[GroupFilter])
class GroupList(GatedListView):
    serializer_class = s.GroupSummarySerializer
    filters = GroupFilter
    what = "ansvarsgrupper"
    category = Category.COOPERATION
    lookups = {"person": "person_id"}

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


MeetingFilter = _filters(
    "MeetingFilter",
    person=serializers.IntegerField(**ID),
    group=serializers.IntegerField(**ID),
    status=serializers.ChoiceField(choices=Meeting.Status.choices, required=False),
)


@extend_schema(tags=["cooperation"], parameters=[MeetingFilter])
class MeetingList(GatedListView):
    serializer_class = s.MeetingSummarySerializer
    filters = MeetingFilter
    what = "møteliste"
    category = Category.COOPERATION
    lookups = {"person": "group__person_id", "group": "group_id", "status": "status"}

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

ApplicationFilter = _filters(
    "ApplicationFilter",
    person=serializers.IntegerField(**ID),
    status=serializers.ChoiceField(choices=Application.Status.choices, required=False),
)


@extend_schema(tags=["intake"], parameters=[ApplicationFilter])
class ApplicationList(GatedListView):
    serializer_class = s.ApplicationSummarySerializer
    filters = ApplicationFilter
    what = "saksliste"
    lookups = {"person": "person_id", "status": "status"}
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


DecisionFilter = _filters(
    "DecisionFilter",
    outcome=serializers.ChoiceField(choices=Decision.Outcome.choices, required=False),
)


@extend_schema(tags=["intake"], parameters=[DecisionFilter])
class DecisionList(GatedListView):
    serializer_class = s.DecisionSummarySerializer
    filters = DecisionFilter
    what = "vedtaksliste"
    lookups = {"outcome": "outcome"}

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

MappingFilter = _filters(
    "MappingFilter",
    person=serializers.IntegerField(**ID),
    unit=serializers.IntegerField(**ID),
    round=serializers.IntegerField(**ID),
    mapped_from=serializers.DateField(required=False),
    mapped_to=serializers.DateField(required=False),
)

MAPPING_LIST_DOC = (
    "Uten `person`: kartlegginger gjort av dine egne enheter, for personer du har tjenstlig "
    "relasjon til. Med `person`: alle personens kartlegginger porten åpner for deg, også andre "
    "enheters når personen har samtykket (hpl § 22)."
)


@extend_schema(tags=["mapping"], parameters=[MappingFilter], description=MAPPING_LIST_DOC)
class MappingList(GatedListView):
    serializer_class = s.MappingSummarySerializer
    filters = MappingFilter
    what = "kartleggingsliste"
    lookups = {
        "unit": "unit_id",
        "round": "round_id",
        "mapped_from": "mapped_on__gte",
        "mapped_to": "mapped_on__lte",
    }
    # Set for ?person=: the gate has then logged each opened unit's mappings.
    logged_by_gate = False

    def get_queryset(self):
        params = _checked(self.filters, self.request)
        if "person" in params:
            person = access.person_filter(self.request, params["person"], self.what)
            mappings = self.apply_filters(Mapping.objects.filter(person=person), params)
            found = access.person_mappings(self.request, person, mappings)
            self.logged_by_gate = True
        else:
            found = self.apply_filters(access.own_unit_mappings(self.request.user), params)
        return (
            found.select_related("person")
            .prefetch_related(Prefetch("scores", DomainScore.objects.order_by("domain")))
            .order_by("-mapped_on", "-pk")
        )

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
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

DeviationFilter = _filters(
    "DeviationFilter",
    status=serializers.ChoiceField(choices=Deviation.Status.choices, required=False),
    kind=serializers.ChoiceField(choices=Deviation.Kind.choices, required=False),
    severity=serializers.ChoiceField(choices=Deviation.Severity.choices, required=False),
    unit=serializers.IntegerField(**ID),
    reported_from=serializers.DateField(required=False),
    reported_to=serializers.DateField(required=False),
)


@extend_schema(tags=["quality"], parameters=[DeviationFilter])
class DeviationList(FilteredListView):
    """Deviations as quality's pages show them: quality officers and the head
    of sector all of the municipality's, a leader their units', everyone their
    own reports. Lists say only whether a person is concerned."""

    serializer_class = s.DeviationSummarySerializer
    filters = DeviationFilter
    lookups = {
        "status": "status",
        "kind": "kind",
        "severity": "severity",
        "unit": "unit_id",
        "reported_from": "reported_on__gte",
        "reported_to": "reported_on__lte",
    }

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
            "person_name": quality_services.shown_person(request=request, deviation=deviation),
        }
        return Response(s.DeviationSerializer(deviation, context=context).data)


# --- compliance ---------------------------------------------------------------------


ComplianceFilter = _filters(
    "ComplianceFilter",
    start=serializers.DateField(
        required=False, help_text="Fra og med (ISO-dato). Uten: ett år før `end`."
    ),
    end=serializers.DateField(
        required=False, help_text="Til og med (ISO-dato), ikke før `start`. Uten: i dag."
    ),
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


@extend_schema(
    tags=["audit"],
    parameters=[ComplianceFilter],
    responses=s.ComplianceSerializer,
    description="Etterlevelse per kriterium og enhet for din kommune: bare tall, ingen personer.",
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
        criteria = compliance.results(staff.municipality_id, start, end, today)
        data = {"start": start, "end": end, "criteria": criteria}
        return Response(s.ComplianceSerializer(data).data)
