from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helhet.around import rules
from helhet.around.models import (
    AftercarePlan,
    ChildRelative,
    ChildrenCheck,
    DischargeNotice,
    ExternalService,
    GpMessage,
    NeedAssessment,
    Referral,
    RelativeNeed,
    SomaticFollowUp,
)
from helhet.core.forms import DateInput
from helhet.organisation.models import ExternalPartner
from helhet.plans.forms import CRISIS_TEXT_FIELDS, CrisisPlanFields
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


class ReferralForm(forms.ModelForm):
    class Meta:
        model = Referral
        fields = [
            "direction",
            "service",
            "counterpart",
            "partner",
            "sent_on",
            "reason",
            "status",
            "answered_on",
            "answer",
        ]
        widgets = {
            "sent_on": DateInput(),
            "answered_on": DateInput(),
            "reason": forms.Textarea(attrs={"rows": 2}),
            "answer": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, municipality, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = ExternalPartner.objects.filter(municipality=municipality)

    def clean_sent_on(self):
        return _not_in_future(self.cleaned_data.get("sent_on"))

    def clean_answered_on(self):
        return _not_in_future(self.cleaned_data.get("answered_on"))

    def clean(self):
        data = super().clean()
        for name, message in rules.referral_errors(
            data.get("sent_on"), data.get("status"), data.get("answered_on")
        ).items():
            if name not in self.errors:
                self.add_error(name, message)
        return data


class DischargeNoticeForm(forms.ModelForm):
    class Meta:
        model = DischargeNotice
        fields = [
            "source",
            "institution",
            "partner",
            "received_on",
            "discharge_on",
            "acted_on",
            "cancelled",
            "note",
        ]
        widgets = {
            "received_on": DateInput(),
            "discharge_on": DateInput(),
            "acted_on": DateInput(),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, municipality, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = ExternalPartner.objects.filter(municipality=municipality)

    def clean_received_on(self):
        return _not_in_future(self.cleaned_data.get("received_on"))

    def clean_acted_on(self):
        return _not_in_future(self.cleaned_data.get("acted_on"))

    def clean(self):
        data = super().clean()
        received, acted = data.get("received_on"), data.get("acted_on")
        if received and acted and acted < received:
            self.add_error("acted_on", _("Oppfølgingen kan ikke være før varselet ble mottatt."))
        return data


class AftercarePlanForm(forms.ModelForm):
    class Meta:
        model = AftercarePlan
        fields = [
            "made_on",
            "housing",
            "housing_ready_on",
            "follow_up",
            "follow_up_ready_on",
            "activity",
            "responsibilities",
        ]
        widgets = {
            "made_on": DateInput(),
            "housing_ready_on": DateInput(),
            "follow_up_ready_on": DateInput(),
            "housing": forms.Textarea(attrs={"rows": 2}),
            "follow_up": forms.Textarea(attrs={"rows": 2}),
            "activity": forms.Textarea(attrs={"rows": 2}),
            "responsibilities": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "housing_ready_on": _("Dagen boligen er klar til bruk."),
            "follow_up_ready_on": _("Dagen oppfølgingen er avtalt å starte."),
        }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.fields["made_on"].initial = timezone.localdate()

    def clean_made_on(self):
        return _not_in_future(self.cleaned_data.get("made_on"))

    def clean(self):
        data = super().clean()
        if data.get("housing_ready_on") and not data.get("housing", "").strip():
            self.add_error("housing", _("Beskriv boligen."))
        if data.get("follow_up_ready_on") and not data.get("follow_up", "").strip():
            self.add_error("follow_up", _("Beskriv oppfølgingen."))
        return data


class GpMessageForm(forms.ModelForm):
    class Meta:
        model = GpMessage
        fields = [
            "direction",
            "gp",
            "sent_on",
            "about_plan",
            "what_changed",
            "plan_summary",
            "coordinator",
            "text",
        ]
        widgets = {
            "sent_on": DateInput(),
            "what_changed": forms.Textarea(attrs={"rows": 3}),
            "plan_summary": forms.Textarea(attrs={"rows": 3}),
            "text": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, gps, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["gp"].queryset = gps
        self.fields["sent_on"].initial = timezone.localdate()

    def clean_sent_on(self):
        return _not_in_future(self.cleaned_data.get("sent_on"))

    def clean(self):
        data = super().clean()
        if data.get("direction") == GpMessage.Direction.TO_GP and data.get("about_plan"):
            if not data.get("gp"):
                self.add_error("gp", _("Velg fastlegen meldingen går til."))
            if not (data.get("what_changed", "").strip() or data.get("plan_summary", "").strip()):
                self.add_error("what_changed", _("Skriv hva som er endret eller planen kort."))
        elif not (data.get("text", "").strip() or data.get("what_changed", "").strip()):
            self.add_error("text", _("Skriv meldingen."))
        return data


class RelativeNeedForm(forms.ModelForm):
    class Meta:
        model = RelativeNeed
        fields = [
            "kind",
            "mapped_on",
            "description",
            "person_consented",
            "follow_up",
            "followed_up_on",
        ]
        widgets = {
            "mapped_on": DateInput(),
            "followed_up_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 2}),
            "follow_up": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["mapped_on"].initial = timezone.localdate()

    def clean_mapped_on(self):
        return _not_in_future(self.cleaned_data.get("mapped_on"))

    def clean_followed_up_on(self):
        return _not_in_future(self.cleaned_data.get("followed_up_on"))

    def clean(self):
        data = super().clean()
        for name, message in rules.relative_need_errors(
            data.get("kind", ""), data.get("person_consented", False), data.get("followed_up_on")
        ).items():
            self.add_error(name, message)
        return data


class ChildrenCheckForm(forms.ModelForm):
    has_minor_children = forms.TypedChoiceField(
        label=_("Har personen mindreårige barn?"),
        help_text=_(
            "Helsepersonelloven § 10 a andre ledd: avklar om pasienten har barn under 18 år."
        ),
        choices=[("ja", _("Ja")), ("nei", _("Nei"))],
        coerce=lambda value: value == "ja",
        widget=forms.RadioSelect,
        error_messages={"required": _("Svar ja eller nei.")},
    )

    class Meta:
        model = ChildrenCheck
        fields = ["has_minor_children", "checked_on"]
        widgets = {"checked_on": DateInput()}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["checked_on"].initial = timezone.localdate()

    def clean_checked_on(self):
        return _not_in_future(self.cleaned_data.get("checked_on"))


class ChildRelativeForm(forms.ModelForm):
    class Meta:
        model = ChildRelative
        fields = [
            "first_name",
            "birth_year",
            "condition",
            "lives_with_patient",
            "assessed_on",
            "needs",
            "measures",
            "responsible",
        ]
        widgets = {
            "assessed_on": DateInput(),
            "needs": forms.Textarea(attrs={"rows": 2}),
            "measures": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean_birth_year(self):
        year = self.cleaned_data.get("birth_year")
        today = timezone.localdate()
        if year is not None and (year > today.year or not rules.is_minor(year, today)):
            raise forms.ValidationError(_("Barnet må være under 18 år."))
        return year

    def clean_assessed_on(self):
        return _not_in_future(self.cleaned_data.get("assessed_on"))

    def clean(self):
        data = super().clean()
        if data.get("assessed_on") and not data.get("needs", "").strip():
            self.add_error("needs", _("Beskriv hva barnet trenger av informasjon og oppfølging."))
        return data
