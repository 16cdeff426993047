from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helhet.around.forms import DateInput
from helhet.organisation.models import Unit
from helhet.voice.models import Consultation, UserBody, UserSurvey


def _not_in_future(day):
    if day and day > timezone.localdate():
        raise forms.ValidationError(_("Datoen kan ikke være fram i tid."))
    return day


class UserBodyForm(forms.ModelForm):
    class Meta:
        model = UserBody
        fields = ["kind", "name", "contact", "active_from", "active_to"]
        widgets = {"active_from": DateInput(), "active_to": DateInput()}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        start, end = data.get("active_from"), data.get("active_to")
        if start and end and end < start:
            self.add_error("active_to", _("Sluttdato kan ikke være før startdato."))
        return data


class ConsultationForm(forms.ModelForm):
    class Meta:
        model = Consultation
        fields = ["body", "held_on", "topic", "subject", "input", "outcome", "outcome_on"]
        widgets = {
            "held_on": DateInput(),
            "outcome_on": DateInput(),
            "input": forms.Textarea(attrs={"rows": 3}),
            "outcome": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, municipality, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = UserBody.objects.filter(municipality=municipality)

    def clean_held_on(self):
        return _not_in_future(self.cleaned_data.get("held_on"))

    def clean(self):
        data = super().clean()
        held, outcome_on = data.get("held_on"), data.get("outcome_on")
        if held and outcome_on and outcome_on < held:
            self.add_error("outcome_on", _("Resultatet kan ikke være før møtet."))
        if outcome_on and not data.get("outcome", "").strip():
            self.add_error("outcome", _("Beskriv hva det førte til."))
        return data


class UserSurveyForm(forms.ModelForm):
    class Meta:
        model = UserSurvey
        fields = ["title", "unit", "carried_out_on", "respondents", "summary", "follow_up"]
        widgets = {
            "carried_out_on": DateInput(),
            "summary": forms.Textarea(attrs={"rows": 3}),
            "follow_up": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, municipality, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(municipality=municipality)

    def clean_carried_out_on(self):
        return _not_in_future(self.cleaned_data.get("carried_out_on"))
