"""Forms of the plan editor. Each carries the plan version it was opened at, so
a save on top of someone else's change is refused (plans.services.change_plan)."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helhet.core.forms import DateInput
from helhet.organisation import picklists
from helhet.organisation.models import ExternalPartner, Unit
from helhet.plans import rules, services
from helhet.plans.models import CrisisPlan, Goal, IndividualPlan, Measure, Participant


class Versioned(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class VersionedModelForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def changes(self) -> dict:
        """The model fields' cleaned values, for plans.services."""
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class PlanForm(VersionedModelForm):
    class Meta:
        model = IndividualPlan
        fields = [
            "resources",
            "needs",
            "person_contribution",
            "relatives_contribution",
            "period_start",
            "period_end",
            "revision_due",
            "cooperation",
            "crisis_risk",
        ]
        widgets = {
            "period_start": DateInput,
            "period_end": DateInput,
            "revision_due": DateInput,
        }


class GoalForm(VersionedModelForm):
    class Meta:
        model = Goal
        fields = ["text", "status"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}


class MeasureForm(VersionedModelForm):
    class Meta:
        model = Measure
        fields = [
            "title",
            "scope",
            "responsible_unit",
            "responsible_partner",
            "responsible_other",
            "how",
            "starts_on",
            "ends_on",
            "status",
        ]
        widgets = {"starts_on": DateInput, "ends_on": DateInput}

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_unit"].queryset = Unit.objects.filter(municipality=municipality)
        self.fields["responsible_partner"].queryset = ExternalPartner.objects.filter(
            municipality=municipality
        )
        self.fields["responsible_other"].help_text = _("For eksempel «personen selv».")


class ParticipantForm(VersionedModelForm):
    user = picklists.StaffChoiceField(queryset=get_user_model().objects.none(), required=False)

    class Meta:
        model = Participant
        fields = ["kind", "user", "unit", "partner", "name", "contribution"]

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        # Staff in case roles of service units, each with role and unit.
        self.fields["user"].queryset = picklists.case_staff(
            getattr(municipality, "pk", municipality),
            include=[self.instance.user_id] if self.instance.user_id else (),
        )
        self.fields["user"].label = _("Ansatt")
        self.fields["unit"].label = _("Enhet")
        # Service units only; a unit saved before stays selectable on edit.
        self.fields["unit"].queryset = Unit.services_of(
            getattr(municipality, "pk", municipality)
        ) | Unit.objects.filter(pk=self.instance.unit_id)
        self.fields["partner"].label = _("Ekstern samarbeidspartner")
        self.fields["partner"].queryset = ExternalPartner.objects.filter(municipality=municipality)
        self.fields["name"].required = False
        self.fields["name"].help_text = _(
            "Påkrevd for pårørende; for andre hentes navnet fra ansatt, enhet eller part."
        )

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        # Only the fields that belong to the chosen kind are kept.
        if kind != Participant.Kind.STAFF:
            data["user"] = data["unit"] = None
        if kind != Participant.Kind.PARTNER:
            data["partner"] = None
        problem = rules.participant_problem(
            kind,
            has_user=bool(data.get("user")),
            has_unit=bool(data.get("unit")),
            has_partner=bool(data.get("partner")),
            has_name=bool((data.get("name") or "").strip()),
        )
        if problem:
            raise forms.ValidationError(problem)
        if data.get("user") and not data.get("unit"):
            data["unit"] = services.default_unit_for(data["user"])
        if kind and not (data.get("name") or "").strip():
            data["name"] = _default_name(data)
        return data


def _default_name(data) -> str:
    who = data.get("user")
    if who is not None:
        return who.get_full_name() or who.get_username()
    return str(data.get("unit") or data.get("partner"))


class CrisisPlanForm(VersionedModelForm):
    class Meta:
        model = CrisisPlan
        fields = ["warning_signs", "what_helps", "contacts_day", "contacts_night"]


class OfferAnswerForm(Versioned):
    ACCEPTED, DECLINED = "ja", "nei"
    answer = forms.ChoiceField(
        label=_("Svar"),
        choices=[(ACCEPTED, _("Takket ja")), (DECLINED, _("Takket nei"))],
        widget=forms.RadioSelect,
    )
    answered_on = forms.DateField(label=_("Dato for svaret"), widget=DateInput)

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan

    def clean_answered_on(self):
        return _not_before(self.cleaned_data["answered_on"], self.plan.offered_on)


class CloseForm(Versioned):
    closed_on = forms.DateField(label=_("Avsluttet dato"), widget=DateInput)

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan

    def clean_closed_on(self):
        return _not_before(self.cleaned_data["closed_on"], self.plan.offered_on)


class OfferPlanForm(forms.Form):
    offered_on = forms.DateField(label=_("Tilbudt dato"), widget=DateInput)

    def clean_offered_on(self):
        day = self.cleaned_data["offered_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("Datoen kan ikke være fram i tid."))
        return day


class CompareForm(forms.Form):
    fra = forms.IntegerField(label=_("Fra versjon"), min_value=1)
    til = forms.IntegerField(label=_("Til versjon"), min_value=1)


def _not_before(day, offered_on):
    if day < offered_on:
        raise forms.ValidationError(_("Datoen kan ikke være før planen ble tilbudt."))
    if day > timezone.localdate():
        raise forms.ValidationError(_("Datoen kan ikke være fram i tid."))
    return day
