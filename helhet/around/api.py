"""Around the person in the REST API: the same answers as the pages (docs/around.md).

Outside services, referrals and messages with the GP are each the health record
of the unit that made them. With ``?person=`` the person is reached through the
gate (refused and logged like the page) and each unit's rows are opened by the
gate as on the person page: one logged decision per unit, another unit's rows
only within the person's consent (hpl. § 22). Without it a list holds the rows
of the user's own units for persons the user has a relation to, each person
shown logged. Details ask the gate for the row's unit, like the edit pages.

Relatives are the person's basic data (as on the person page); their own needs
are the recording unit's health record and are shown only where the gate opens
that unit.
"""

from typing import Any

from django.db.models import Model
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from helhet.access import gate
from helhet.access.models import Action
from helhet.api import access as api_access
from helhet.api.filters import IdFilter, StrictFilterSet
from helhet.api.views import GatedListView
from helhet.around.access import CATEGORY, visible
from helhet.around.models import ExternalService, GpMessage, Referral, RelativeNeed
from helhet.people.models import Relative

API = api_access.API


class ExternalServiceSerializer(serializers.ModelSerializer):
    class Meta:
        model = ExternalService
        fields = [
            "id",
            "person",
            "kind",
            "name",
            "partner",
            "contact_person",
            "phone",
            "valid_from",
            "valid_to",
            "note",
            "unit",
        ]
        read_only_fields = fields


class ReferralSerializer(serializers.ModelSerializer):
    class Meta:
        model = Referral
        fields = [
            "id",
            "person",
            "direction",
            "service",
            "counterpart",
            "partner",
            "sent_on",
            "reason",
            "status",
            "answered_on",
            "answer",
            "unit",
        ]
        read_only_fields = fields


class GpMessageSerializer(serializers.ModelSerializer):
    class Meta:
        model = GpMessage
        fields = [
            "id",
            "person",
            "direction",
            "gp",
            "sent_on",
            "about_plan",
            "what_changed",
            "plan_summary",
            "coordinator",
            "text",
            "unit",
        ]
        read_only_fields = fields


class RelativeNeedSerializer(serializers.ModelSerializer):
    class Meta:
        model = RelativeNeed
        fields = [
            "id",
            "kind",
            "person_consented",
            "mapped_on",
            "description",
            "follow_up",
            "followed_up_on",
            "unit",
        ]
        read_only_fields = fields


class RelativeSerializer(serializers.ModelSerializer):
    # Often empty, which is no e-mail address: not "format: email" in the schema.
    email = serializers.CharField(read_only=True)
    needs = serializers.SerializerMethodField()

    class Meta:
        model = Relative
        fields = [
            "id",
            "person",
            "name",
            "relation",
            "phone",
            "email",
            "is_guardian",
            "is_proxy",
            "needs",
        ]
        read_only_fields = fields

    @extend_schema_field(RelativeNeedSerializer(many=True))
    def get_needs(self, relative: Relative) -> Any:
        opened = self.context.get("opened_units", {}).get(relative.person_id, set())
        return RelativeNeedSerializer(
            [n for n in relative.needs.all() if n.unit_id in opened], many=True
        ).data


class PersonFilter(StrictFilterSet):
    """``?person=``: one person's rows, opened unit by unit by the gate."""

    person = IdFilter(field_name="person_id")


def _person_filter(model: type[Model]) -> type[PersonFilter]:
    # A FilterSet names its model; the schema checks it against the list's.
    meta = type("Meta", (), {"model": model, "fields": []})
    return type(f"{model.__name__}PersonFilter", (PersonFilter,), {"Meta": meta})


class _UnitRowList(GatedListView):
    """Rows that are a unit's health record (see the module docstring)."""

    category = CATEGORY
    model: type = ExternalService
    # Set for ?person=: the gate has then logged each opened unit's rows.
    logged_by_gate = False

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.model.objects.none()  # the schema needs no user
        params = {
            name: value
            for name, value in self.checked_filters(
                self.model.objects.none()
            ).form.cleaned_data.items()
            if value is not None
        }
        user = self.request.user
        rows = self.model.objects.order_by("-pk")
        if "person" in params:
            # The person page opens on basic data; each unit's rows on the gate.
            person = api_access.person_filter(self.request, params["person"], self.what)
            found = list(rows.filter(person=person).only("pk", "unit_id", "person_id"))
            shown, _hidden = visible(user, person, found, self.what + API)
            self.logged_by_gate = True
            return rows.filter(pk__in=[row.pk for row in shown]).select_related("person")
        return rows.filter(
            person__in=gate.accessible_persons(user), unit_id__in=gate.case_unit_ids(user)
        ).select_related("person")

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        if not self.logged_by_gate:
            api_access.log_list(request.user, [row.person for row in page], self.what, CATEGORY)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class _UnitRowDetail(APIView):
    model: type = ExternalService
    kwarg = ""
    what = ""
    serializer_class: type = ExternalServiceSerializer

    def get(self, request, **kwargs):
        value = kwargs[self.kwarg]
        unit_id = self.model.objects.filter(pk=value).values_list("unit_id", flat=True).first()
        gate.person_for_kwarg(
            request,
            self.kwarg,
            value,
            Action.VIEW,
            category=CATEGORY,
            what=self.what + API,
            owner_unit=unit_id,
        )
        return Response(self.serializer_class(self.model.objects.get(pk=value)).data)


@extend_schema(tags=["around"])
class ExternalServiceList(_UnitRowList):
    """Services and contacts outside the municipality's units (GP, DPS, TSB...)."""

    serializer_class = ExternalServiceSerializer
    model = ExternalService
    filterset_class = _person_filter(ExternalService)
    what = "tjenester utenfor kommunen"


@extend_schema(tags=["around"], responses=ExternalServiceSerializer)
class ExternalServiceDetail(_UnitRowDetail):
    model, kwarg, what = ExternalService, "external_id", "ekstern tjeneste"
    serializer_class = ExternalServiceSerializer


@extend_schema(tags=["around"])
class ReferralList(_UnitRowList):
    """Referrals sent to and received from the specialist services."""

    serializer_class = ReferralSerializer
    model = Referral
    filterset_class = _person_filter(Referral)
    what = "henvisninger"


@extend_schema(tags=["around"], responses=ReferralSerializer)
class ReferralDetail(_UnitRowDetail):
    model, kwarg, what = Referral, "referral_id", "henvisning"
    serializer_class = ReferralSerializer


@extend_schema(tags=["around"])
class GpMessageList(_UnitRowList):
    """Messages to and from the person's GP."""

    serializer_class = GpMessageSerializer
    model = GpMessage
    filterset_class = _person_filter(GpMessage)
    what = "fastlegemeldinger"


@extend_schema(tags=["around"], responses=GpMessageSerializer)
class GpMessageDetail(_UnitRowDetail):
    model, kwarg, what = GpMessage, "gp_message_id", "fastlegemelding"
    serializer_class = GpMessageSerializer


def _opened_units(user, person, needs: list[RelativeNeed]) -> set[int]:
    shown, _hidden = visible(user, person, needs, "pårørendes behov" + API)
    return {n.unit_id for n in shown}


@extend_schema(tags=["around"])
class RelativeList(GatedListView):
    """The person's relatives (basic data), each with the own needs the gate
    opens: with ``?person=`` every unit the gate opens (logged per unit),
    without it those your own units recorded."""

    serializer_class = RelativeSerializer
    filterset_class = _person_filter(Relative)
    what = "pårørende"

    def base_queryset(self):
        return (
            Relative.objects.filter(person__in=gate.accessible_persons(self.request.user))
            .select_related("person")
            .prefetch_related("needs")
            .order_by("person_id", "pk")
        )

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        api_access.log_list(request.user, [row.person for row in page], self.what)
        opened: dict[int, set[int]] = {}
        if "person" in request.query_params and page:
            person = page[0].person
            needs = [n for relative in page for n in relative.needs.all()]
            opened[person.pk] = _opened_units(request.user, person, needs)
        else:
            own = gate.case_unit_ids(request.user)
            opened = {row.person_id: set(own) for row in page}
            # Own units' needs are their health records, opened on the relation:
            # logged as such, not as basic data only.
            shown = [row.person for row in page if any(n.unit_id in own for n in row.needs.all())]
            api_access.log_list(request.user, shown, "pårørendes behov", CATEGORY)
        data = self.get_serializer(page, many=True, context={"opened_units": opened}).data
        return self.get_paginated_response(data)


@extend_schema(tags=["around"], responses=RelativeSerializer)
class RelativeDetail(APIView):
    def get(self, request, relative_id):
        person = gate.person_for_kwarg(
            request,
            "relative_id",
            relative_id,
            Action.VIEW,
            category=gate.BASIC,
            what="pårørende" + API,
        )
        relative = Relative.objects.prefetch_related("needs").get(pk=relative_id)
        opened = {person.pk: _opened_units(request.user, person, list(relative.needs.all()))}
        return Response(RelativeSerializer(relative, context={"opened_units": opened}).data)
