from django import forms
from django.utils.translation import gettext_lazy as _

from helhet.core.forms import DateInput
from helhet.organisation.models import Unit
from helhet.quality.models import Deviation, Procedure

DATE_INPUT = ["%d.%m.%Y", "%Y-%m-%d"]


def _date_widget():
    return DateInput()


class DeviationForm(forms.ModelForm):
    national_id = forms.CharField(
        label=_("Gjelder en person? Fødselsnummer (valgfritt)"),
        required=False,
        max_length=11,
        help_text=_("Bare personer du har tjenstlig relasjon til kan knyttes til avviket."),
    )

    class Meta:
        model = Deviation
        fields = ["unit", "kind", "severity", "title", "description", "occurred_on"]
        widgets = {"occurred_on": _date_widget(), "description": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(municipality=municipality)
        self.fields["occurred_on"].input_formats = DATE_INPUT


class StepForm(forms.Form):
    assessment = forms.CharField(
        label=_("Vurdering"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    cause = forms.CharField(
        label=_("Årsak"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    measures = forms.CharField(
        label=_("Tiltak"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    learning = forms.CharField(
        label=_("Læringspunkt"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    FIELDS = {"vurdert": ["assessment"], "tiltak": ["cause", "measures"], "lukket": ["learning"]}

    def __init__(self, *args, target: str, **kwargs):
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name not in self.FIELDS.get(target, []):
                del self.fields[name]


class ProcedureForm(forms.ModelForm):
    content = forms.CharField(label=_("Innhold"), max_length=20000, widget=forms.Textarea)
    approved_on = forms.DateField(
        label=_("Godkjent"), input_formats=DATE_INPUT, widget=_date_widget()
    )

    class Meta:
        model = Procedure
        fields = ["title", "unit", "review_due"]
        widgets = {"review_due": _date_widget()}

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(municipality=municipality)
        self.fields["review_due"].input_formats = DATE_INPUT


class VersionForm(forms.Form):
    content = forms.CharField(label=_("Innhold"), max_length=20000, widget=forms.Textarea)
    change_note = forms.CharField(label=_("Hva er endret"), max_length=300)
    approved_on = forms.DateField(
        label=_("Godkjent"), input_formats=DATE_INPUT, widget=_date_widget()
    )
