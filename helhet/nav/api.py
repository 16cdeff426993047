"""NAV's follow-up in the REST API, read only: the same answers as the pages
(docs/nav.md). Lists hold the records of the user's own NAV offices for
persons the gate lets them reach, each person shown logged (category
``sosial``); a detail asks the gate exactly as the record's page does."""

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from helhet.access import gate
from helhet.api import access as api_access
from helhet.api.filters import IdFilter, StrictFilterSet
from helhet.api.views import GatedListView
from helhet.consent.models import Category
from helhet.nav import access
from helhet.nav.models import (
    ActivityCondition,
    AdviceCase,
    Evaluation,
    NonComplianceDecision,
    QualificationProgramme,
)
from helhet.organisation.models import Unit


class EvaluationSerializer(serializers.ModelSerializer):
    result = serializers.CharField(
        read_only=True, help_text="oppfylt, delvis, ikke_oppfylt, eller tom (ikke evaluert)"
    )

    class Meta:
        model = Evaluation
        fields = ["due_on", "done_on", "result", "note"]
        read_only_fields = fields


class NonComplianceSerializer(serializers.ModelSerializer):
    class Meta:
        model = NonComplianceDecision
        fields = ["id", "decided_on", "reduces", "reasons", "appeal_body", "appeal_weeks"]
        read_only_fields = fields


class ConditionSerializer(serializers.ModelSerializer):
    # A plain string: "status" enums of other models already have the name.
    status = serializers.CharField(read_only=True, help_text="aktivt eller avsluttet")

    class Meta:
        model = ActivityCondition
        fields = ["id", "person", "unit", "condition", "activity", "set_on", "decision", "status"]
        read_only_fields = fields


class ConditionDetailSerializer(ConditionSerializer):
    person_view = serializers.CharField(read_only=True)
    evaluations = EvaluationSerializer(many=True, read_only=True)
    noncompliance = NonComplianceSerializer(many=True, read_only=True)

    class Meta(ConditionSerializer.Meta):
        fields = [*ConditionSerializer.Meta.fields, "person_view", "evaluations", "noncompliance"]
        read_only_fields = fields


class ProgrammeSerializer(serializers.ModelSerializer):
    end_reason = serializers.CharField(
        read_only=True, help_text="arbeid, utdanning, periode, avbrutt, annet, eller tom"
    )

    class Meta:
        model = QualificationProgramme
        fields = [
            "id",
            "person",
            "unit",
            "state",
            "assessed_on",
            "assessment",
            "offered_on",
            "started_on",
            "programme_plan",
            "ended_on",
            "end_reason",
        ]
        read_only_fields = fields


class AdviceSerializer(serializers.ModelSerializer):
    outcome = serializers.CharField(
        read_only=True,
        help_text="budsjett, gjeldsordning, avtale, henvist, avsluttet, eller tom (pågår)",
    )

    class Meta:
        model = AdviceCase
        fields = ["id", "person", "unit", "kind", "opened_on", "given", "closed_on", "outcome"]
        read_only_fields = fields


class _NavList(GatedListView):
    """The user's own NAV offices' records for persons the gate lets them reach."""

    model: type
    category = Category.SOCIAL

    def base_queryset(self):
        user = self.request.user
        units = [u.pk for u in gate.case_units(user) if u.kind == Unit.Kind.NAV]
        return (
            self.model.objects.filter(unit_id__in=units, person__in=gate.accessible_persons(user))
            .select_related("person")
            .order_by("-pk")
        )

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        api_access.log_list(request.user, [row.person for row in page], self.what, Category.SOCIAL)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class ConditionFilter(StrictFilterSet):
    person = IdFilter(field_name="person_id")
    status = django_filters.ChoiceFilter(choices=ActivityCondition.Status.choices)

    class Meta:
        model = ActivityCondition
        fields: list[str] = []


class ProgrammeFilter(StrictFilterSet):
    person = IdFilter(field_name="person_id")
    state = django_filters.ChoiceFilter(choices=QualificationProgramme.State.choices)

    class Meta:
        model = QualificationProgramme
        fields: list[str] = []


class AdviceFilter(StrictFilterSet):
    person = IdFilter(field_name="person_id")
    kind = django_filters.ChoiceFilter(choices=AdviceCase.Kind.choices)

    class Meta:
        model = AdviceCase
        fields: list[str] = []


@extend_schema(tags=["nav"])
class ConditionList(_NavList):
    model = ActivityCondition
    serializer_class = ConditionSerializer
    filterset_class = ConditionFilter
    what = "aktivitetsvilkår"


@extend_schema(tags=["nav"])
class ProgrammeList(_NavList):
    model = QualificationProgramme
    serializer_class = ProgrammeSerializer
    filterset_class = ProgrammeFilter
    what = "kvalifiseringsprogram"


@extend_schema(tags=["nav"])
class AdviceList(_NavList):
    model = AdviceCase
    serializer_class = AdviceSerializer
    filterset_class = AdviceFilter
    what = "økonomisk rådgivning"


@extend_schema(tags=["nav"], responses=ConditionDetailSerializer)
class ConditionDetail(APIView):
    def get(self, request, condition_id):
        found = access.record_for(
            request, ActivityCondition, condition_id, what="aktivitetsvilkår" + api_access.API
        )
        return Response(ConditionDetailSerializer(found).data)


@extend_schema(tags=["nav"], responses=ProgrammeSerializer)
class ProgrammeDetail(APIView):
    def get(self, request, programme_id):
        found = access.record_for(
            request, QualificationProgramme, programme_id, what="KVP" + api_access.API
        )
        return Response(ProgrammeSerializer(found).data)


@extend_schema(tags=["nav"], responses=AdviceSerializer)
class AdviceDetail(APIView):
    def get(self, request, case_id):
        found = access.record_for(
            request, AdviceCase, case_id, what="økonomisk rådgivning" + api_access.API
        )
        return Response(AdviceSerializer(found).data)
