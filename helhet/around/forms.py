from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helhet.around.models import ExternalService, NeedAssessment, SomaticFollowUp
from helhet.organisation.models import ExternalPartner
from helhet.plans.forms import CRISIS_TEXT_FIELDS, CrisisPlanFields
from helhet.plans.models import CrisisPlan


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


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


class CrisisPlanForm(CrisisPlanFields, forms.ModelForm):
    """The same structured crisis plan as in the plan, kept here while the
    person has no open plan."""

    class Meta:
        model = CrisisPlan
        fields = CRISIS_TEXT_FIELDS

    def __init__(self, data=None, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(data, *args, **kwargs)
        self._init_contacts(data)

    def changes(self) -> dict:
        return {
            **{name: self.cleaned_data[name] for name in CRISIS_TEXT_FIELDS},
            "contacts": self.contacts(),
        }
