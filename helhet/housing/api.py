"""Housing in the REST API: the same answers as the pages (docs/housing.md).

Dwellings carry no person data. Applications are the housing office's own
``sosial`` records: listed only for the user's housing units and persons the
gate lets them reach — exactly what the application page would open — and
each person shown is logged.
"""

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import serializers

from helhet.access import gate
from helhet.api import access as api_access
from helhet.api.filters import IdFilter, StrictFilterSet
from helhet.api.views import FilteredListView, GatedListView
from helhet.consent.models import Category
from helhet.housing.models import Dwelling, DwellingType, HousingApplication
from helhet.organisation.models import Unit


class DwellingSerializer(serializers.ModelSerializer):
    # Blank when the dwelling is not earmarked: plain strings, not enums.
    earmarked_for = serializers.CharField(
        read_only=True, help_text="psykisk_helse, rus, unge, eller tom"
    )
    earmark_basis = serializers.CharField(
        read_only=True, help_text="servitutt, tilskudd, vedtak, avtale, eller tom"
    )

    class Meta:
        model = Dwelling
        fields = [
            "id",
            "address",
            "kind",
            "owner_kind",
            "owner_name",
            "rooms",
            "state",
            "earmarked_for",
            "earmark_basis",
            "earmark_unit",
        ]
        read_only_fields = fields


class HousingApplicationSerializer(serializers.ModelSerializer):
    urgency = serializers.CharField(
        read_only=True, help_text="akutt, hoy, middels, lav, eller tom (ikke vurdert)"
    )

    class Meta:
        model = HousingApplication
        fields = [
            "id",
            "person",
            "unit",
            "kind",
            "received_on",
            "channel",
            "source",
            "urgency",
            "assessed_on",
            "status",
        ]
        read_only_fields = fields


class DwellingFilter(StrictFilterSet):
    kind = django_filters.ChoiceFilter(choices=DwellingType.choices)
    state = django_filters.ChoiceFilter(choices=Dwelling.State.choices)

    class Meta:
        model = Dwelling
        fields: list[str] = []


@extend_schema(tags=["housing"])
class DwellingList(FilteredListView):
    """The municipality's housing stock (no person data)."""

    serializer_class = DwellingSerializer
    filterset_class = DwellingFilter

    def base_queryset(self):
        staff = getattr(self.request.user, "staff", None)
        if staff is None:
            return Dwelling.objects.none()
        return Dwelling.objects.filter(municipality_id=staff.municipality_id).order_by("pk")


class HousingApplicationFilter(StrictFilterSet):
    person = IdFilter(field_name="person_id")
    status = django_filters.ChoiceFilter(choices=HousingApplication.Status.choices)

    class Meta:
        model = HousingApplication
        fields: list[str] = []


@extend_schema(tags=["housing"])
class HousingApplicationList(GatedListView):
    serializer_class = HousingApplicationSerializer
    filterset_class = HousingApplicationFilter
    what = "boligsøknader"

    def base_queryset(self):
        user = self.request.user
        units = [u.pk for u in gate.case_units(user) if u.kind == Unit.Kind.HOUSING]
        return (
            HousingApplication.objects.filter(
                unit_id__in=units, person__in=gate.accessible_persons(user)
            )
            .select_related("person")
            .order_by("-received_on", "-pk")
        )

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        api_access.log_list(request.user, [row.person for row in page], self.what, Category.SOCIAL)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
