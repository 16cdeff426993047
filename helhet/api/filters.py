"""The REST API's query parameters as django-filter FilterSets.

Each list's filters are declared once: they check the parameters (a malformed
one is a Norwegian 400 naming it, from Django's own form messages), filter the
list, and describe themselves in the OpenAPI schema (drf-spectacular reads
them). What the filters run on is already what the gate lets the user see; a
``person`` filter is also asked of the gate first (``views.GatedListView``).
"""

from typing import Any

import django_filters
from django import forms
from django.core.validators import RegexValidator
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field

from helhet.api import access
from helhet.consent.models import Consent
from helhet.cooperation.models import Meeting, ResponsibilityGroup
from helhet.intake.models import Application, Decision
from helhet.mapping.models import Mapping
from helhet.people import search as person_search
from helhet.people.models import Person
from helhet.plans.models import IndividualPlan
from helhet.quality.models import Deviation

# A database id: a positive 64-bit integer; anything else is a 400, not a
# server error from the database.
MAX_ID = 2**63 - 1


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(django_filters.Filter):
    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


@extend_schema_field(
    {"type": "string", "pattern": r"^\d{11}$", "description": "Fødselsnummer eller D-nummer."}
)
class NationalIdFilter(django_filters.CharFilter):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "validators", [RegexValidator(r"^\d{11}\Z", gettext_lazy("Oppgi 11 sifre."))]
        )
        super().__init__(*args, **kwargs)


@extend_schema_field(
    {"type": "string", "minLength": 1, "maxLength": 100, "description": "Ord i navnet."}
)
class WordsFilter(django_filters.CharFilter):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 100)
        super().__init__(*args, **kwargs)


def _iso_date(field_name: str, lookup_expr: str) -> django_filters.DateFilter:
    # ISO 8601 only, as the schema says (format: date): the Norwegian
    # locale's "15.02.2026" would otherwise be read, and "02.03" guessed at.
    return django_filters.DateFilter(
        field_name=field_name, lookup_expr=lookup_expr, input_formats=["%Y-%m-%d"]
    )


class StrictFilterSet(django_filters.FilterSet):
    """A parameter given without a value (``?status=``) is malformed, not
    "not given": the client meant something, and an unfiltered list is not it."""

    def is_valid(self) -> bool:
        valid = super().is_valid()
        for name in self.filters:
            if name in self.data and not self.data.get(name, "").strip():
                self.form.add_error(name, _("Verdien kan ikke være tom."))
                valid = False
        return valid


def _choices(choices: Any) -> django_filters.ChoiceFilter:
    return django_filters.ChoiceFilter(choices=choices)


class PersonFilter(StrictFilterSet):
    national_id = NationalIdFilter(
        help_text=gettext_lazy("Fødselsnummer eller D-nummer (11 sifre).")
    )
    q = WordsFilter(method="filter_q", help_text=gettext_lazy("Ord i fornavn eller etternavn."))

    class Meta:
        model = Person
        fields: list[str] = []

    def filter_q(self, queryset: QuerySet[Person], name: str, value: str) -> QuerySet[Person]:
        # The same indexed search as the search page (helhet/people/search.py).
        return queryset.filter(person_search.names_q(value))


class PlanFilter(StrictFilterSet):
    person = IdFilter(field_name="person_id")
    status = _choices(IndividualPlan.Status.choices)

    class Meta:
        model = IndividualPlan
        fields: list[str] = []


class ConsentFilter(StrictFilterSet):
    person = IdFilter(field_name="person_id")
    status = django_filters.ChoiceFilter(
        choices=[(name, name) for name in access.CONSENT_STATUS], method="filter_status"
    )

    class Meta:
        model = Consent
        fields: list[str] = []

    def filter_status(
        self, queryset: QuerySet[Consent], name: str, value: str
    ) -> QuerySet[Consent]:
        return queryset.filter(access.CONSENT_STATUS[value](timezone.now()))


class GroupFilter(StrictFilterSet):
    person = IdFilter(field_name="person_id")

    class Meta:
        model = ResponsibilityGroup
        fields: list[str] = []


class MeetingFilter(StrictFilterSet):
    person = IdFilter(field_name="group__person_id")
    group = IdFilter(field_name="group_id")
    status = _choices(Meeting.Status.choices)

    class Meta:
        model = Meeting
        fields: list[str] = []


class ApplicationFilter(StrictFilterSet):
    person = IdFilter(field_name="person_id")
    status = _choices(Application.Status.choices)

    class Meta:
        model = Application
        fields: list[str] = []


class DecisionFilter(StrictFilterSet):
    outcome = _choices(Decision.Outcome.choices)

    class Meta:
        model = Decision
        fields: list[str] = []


class MappingFilter(StrictFilterSet):
    person = IdFilter(field_name="person_id")
    unit = IdFilter(field_name="unit_id")
    round = IdFilter(field_name="round_id")
    mapped_from = _iso_date("mapped_on", "gte")
    mapped_to = _iso_date("mapped_on", "lte")

    class Meta:
        model = Mapping
        fields: list[str] = []


class DeviationFilter(StrictFilterSet):
    status = _choices(Deviation.Status.choices)
    kind = _choices(Deviation.Kind.choices)
    severity = _choices(Deviation.Severity.choices)
    unit = IdFilter(field_name="unit_id")
    reported_from = _iso_date("reported_on", "gte")
    reported_to = _iso_date("reported_on", "lte")

    class Meta:
        model = Deviation
        fields: list[str] = []
