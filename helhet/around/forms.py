from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helhet.around.models import ExternalService, NeedAssessment, SomaticFollowUp
from helhet.core.forms import DateInput
from helhet.organisation.models import ExternalPartner
from helhet.plans.models import CrisisPlan


def _not_in_future(day):
    if day and day > timezone.localdate():
        raise forms.ValidationError(_("Datoen kan ikke være fram i tid."))
    return day


class ExternalServiceForm(forms.ModelForm):
    class Meta:
        model = ExternalService
        fields = [
            "kind",
            "name",
            "partner",
            "contact_person",
            "phone",
            "valid_from",
            "valid_to",
            "note",
        ]
        widgets = {
            "valid_from": DateInput(),
            "valid_to": DateInput(),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, municipality, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = ExternalPartner.objects.filter(municipality=municipality)

    def clean(self):
        data = super().clean()
        start, end = data.get("valid_from"), data.get("valid_to")
        if start and end and end < start:
            self.add_error("valid_to", _("Sluttdato kan ikke være før startdato."))
        return data


class NeedAssessmentForm(forms.ModelForm):
    needs_coordinated = forms.TypedChoiceField(
        label=_("Har personen behov for langvarige og koordinerte tjenester?"),
        help_text=_(
            "Tell med alle tjenester personen får, også fra fastlege, DPS, TSB og NAV "
            "(helse- og omsorgstjenesteloven § 7-1)."
        ),
        choices=[("ja", _("Ja")), ("nei", _("Nei"))],
        coerce=lambda value: value == "ja",
        widget=forms.RadioSelect,
        error_messages={"required": _("Svar ja eller nei.")},
    )

    class Meta:
        model = NeedAssessment
        fields = ["needs_coordinated", "assessed_on", "note"]
        widgets = {"assessed_on": DateInput(), "note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["assessed_on"].initial = timezone.localdate()

    def clean_assessed_on(self):
        return _not_in_future(self.cleaned_data.get("assessed_on"))


class SomaticFollowUpForm(forms.ModelForm):
    class Meta:
        model = SomaticFollowUp
        fields = ["kind", "done_on", "done_by", "by_gp", "note"]
        widgets = {"done_on": DateInput(), "note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["done_on"].initial = timezone.localdate()

    def clean_done_on(self):
        return _not_in_future(self.cleaned_data.get("done_on"))


class CrisisPlanForm(forms.ModelForm):
    class Meta:
        model = CrisisPlan
        fields = ["warning_signs", "what_helps", "contacts_day", "contacts_night"]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
