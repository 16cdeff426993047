from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helhet.around.forms import DateInput
from helhet.organisation.models import StaffMember, Unit
from helhet.workforce.models import SafetyAssessment, TrainingRecord, TrainingRequirement


def _not_in_future(day):
    if day and day > timezone.localdate():
        raise forms.ValidationError(_("Datoen kan ikke være fram i tid."))
    return day


class TrainingRequirementForm(forms.ModelForm):
    class Meta:
        model = TrainingRequirement
        fields = ["unit", "name", "role", "valid_months", "reason"]

    def __init__(self, *args, units, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class TrainingRecordForm(forms.ModelForm):
    class Meta:
        model = TrainingRecord
        fields = ["requirement", "staff", "completed_on"]
        widgets = {"completed_on": DateInput()}

    def __init__(self, *args, units, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["requirement"].queryset = TrainingRequirement.objects.filter(unit__in=units)
        self.fields["staff"].queryset = StaffMember.objects.filter(
            all_memberships__unit__in=units
        ).distinct()

    def clean_completed_on(self):
        return _not_in_future(self.cleaned_data.get("completed_on"))

    def clean(self):
        data = super().clean()
        requirement, staff = data.get("requirement"), data.get("staff")
        if (
            requirement
            and staff
            and not staff.all_memberships.filter(unit=requirement.unit).exists()
        ):
            self.add_error("staff", _("Den ansatte arbeider ikke i enheten opplæringen gjelder."))
        return data


class SafetyAssessmentForm(forms.ModelForm):
    class Meta:
        model = SafetyAssessment
        fields = ["unit", "concern", "assessed_on", "risks", "measures", "review_due"]
        widgets = {
            "assessed_on": DateInput(),
            "review_due": DateInput(),
            "risks": forms.Textarea(attrs={"rows": 3}),
            "measures": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, units, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units

    def clean_assessed_on(self):
        return _not_in_future(self.cleaned_data.get("assessed_on"))

    def clean(self):
        data = super().clean()
        assessed, review = data.get("assessed_on"), data.get("review_due")
        if assessed and review and review <= assessed:
            self.add_error("review_due", _("Neste gjennomgang må være etter vurderingen."))
        return data


def municipality_units(municipality):
    return Unit.objects.filter(municipality=municipality).order_by("name")
