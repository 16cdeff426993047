from django import forms
from django.utils.translation import gettext_lazy as _

from helhet.core.forms import DateInput
from helhet.organisation.models import Unit
from helhet.plans.models import IndividualPlan

PAGE_SIZES = (25, 50, 100)


class OverviewFilterForm(forms.Form):
    name = forms.CharField(label=_("Navn"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Alle"))] + list(IndividualPlan.Status.choices),
    )
    unit = forms.ModelChoiceField(
        label=_("Koordinators enhet"),
        required=False,
        queryset=Unit.objects.none(),
        empty_label=_("Alle"),
    )
    completeness = forms.ChoiceField(
        label=_("§ 19-innhold"),
        required=False,
        choices=[("", _("Alle")), ("komplett", _("Komplett")), ("mangler", _("Mangler noe"))],
    )
    overdue = forms.BooleanField(label=_("Bare forfalt revisjon"), required=False)
    mine = forms.BooleanField(label=_("Bare mine enheters planer"), required=False)
    per_side = forms.TypedChoiceField(
        label=_("Planer per side"),
        required=False,
        coerce=int,
        empty_value=PAGE_SIZES[1],  # type: ignore[arg-type]  # an int: coerce=int (the stubs say str)
        choices=[(n, str(n)) for n in PAGE_SIZES],
        error_messages={"invalid_choice": _("Velg 25, 50 eller 100 planer per side.")},
    )
    # Set by the column headings; unknown values sort by person (services.sort_key).
    sorter = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, municipality=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(municipality=municipality)


class NamingRoutineForm(forms.Form):
    """The municipality's own deadline for naming a coordinator (not law)."""

    days = forms.IntegerField(
        label=_("Frist i dager"),
        required=False,
        min_value=1,
        max_value=365,
        help_text=_("La feltet stå tomt hvis kommunen ikke har en egen frist."),
    )
    name = forms.CharField(label=_("Rutinens navn"), required=False, max_length=200)
    adopted_on = forms.DateField(label=_("Vedtatt"), required=False, widget=DateInput())

    def clean(self):
        data = super().clean()
        if data.get("days") and not (data.get("name") or "").strip():
            self.add_error(
                "name", _("Skriv navnet på kommunens egen rutine; det vises i brev og rapporter.")
            )
        if data.get("days") is None and (data.get("name") or "").strip() and not self.errors:
            self.add_error("days", _("Skriv fristen i dager, eller fjern rutinens navn."))
        return data


class CaseloadForm(forms.Form):
    """The municipality's own limit of persons per coordinator (not law)."""

    warn_above = forms.IntegerField(
        label=_("Varsle når en kandidat er koordinator for flere enn"),
        min_value=1,
        max_value=200,
        error_messages={
            "required": _("Skriv et antall personer (1–200)."),
            "invalid": _("Skriv et helt tall."),
            "min_value": _("Grensen må være minst 1."),
            "max_value": _("Grensen kan være høyst 200."),
        },
        help_text=_("Vises når en koordinator skal oppnevnes. Varselet stopper ikke oppnevningen."),
    )
