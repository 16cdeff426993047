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


class Removal(Versioned):
    # The version whose changes a refused removal showed the editor.
    seen = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    def merge_args(self) -> dict:
        return {"seen": self.cleaned_data.get("seen")}


# After a refused save each conflicting field offers a choice, posted as
# «velg_<field>»: keep what the editor wrote (MINE) or take the saved text (THEIRS).
CHOICE_PREFIX = "velg_"
MINE, THEIRS = "min", "deres"


class VersionedModelForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    # The version whose saved values a refused save showed the editor.
    seen = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    def merge_args(self) -> dict:
        """What ``plans.services`` needs to merge this save with others' (``_edit``)."""
        keep_mine = [
            name
            for name in [*(self._meta.fields or ()), "contacts"]
            if self.data.get(CHOICE_PREFIX + name) == MINE
        ]
        return {"seen": self.cleaned_data.get("seen"), "keep_mine": keep_mine}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The saved values, before validation writes the submission onto the instance.
        names = [*(self._meta.fields or ()), "contacts"]
        self.saved = {
            name: getattr(self.instance, name)
            for name in names
            if self.instance.pk and hasattr(self.instance, name)
        }

    def changes(self) -> dict:
        """The model fields' cleaned values, for plans.services; where the editor
        chose the saved text of a conflicting field, the saved value."""
        return {
            name: self.saved[name]
            if self.chose_theirs(name) and name in self.saved
            else self.cleaned_data[name]
            for name in self._meta.fields or ()
        }

    def chose_theirs(self, name: str) -> bool:
        return self.is_bound and self.data.get(CHOICE_PREFIX + name) == THEIRS


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
            data["unit"] = services.default_unit_for(user=data["user"])
        if kind and not (data.get("name") or "").strip():
            data["name"] = _default_name(data)
        return data


def _default_name(data) -> str:
    who = data.get("user")
    if who is not None:
        return who.get_full_name() or who.get_username()
    return str(data.get("unit") or data.get("partner"))


class ContactForm(forms.Form):
    """One row of whom to call in a crisis (name, role, phone, when)."""

    name = forms.CharField(label=_("Navn"), max_length=1000, required=False)
    role = forms.CharField(label=_("Rolle eller tjeneste"), max_length=200, required=False)
    phone = forms.CharField(
        label=_("Telefon"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    when = forms.ChoiceField(
        label=_("Når"),
        choices=[
            ("dag", _("Dagtid")),
            ("natt", _("Kveld og natt")),
            ("alltid", _("Hele døgnet")),
        ],
        required=False,
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        filled = any((data.get(name) or "").strip() for name in ("name", "role", "phone"))
        if filled and not (data.get("name") or "").strip() and not data.get("role"):
            raise forms.ValidationError(_("Skriv hvem som skal kontaktes (navn eller rolle)."))
        if filled and not data.get("when"):
            self.add_error("when", _("Velg når personen kan kontaktes."))
        return data

    def row(self) -> dict | None:
        data = self.cleaned_data
        if not any((data.get(name) or "").strip() for name in ("name", "role", "phone")):
            return None
        return {name: (data.get(name) or "").strip() for name in ("name", "role", "phone", "when")}


ContactFormSet = forms.formset_factory(ContactForm, extra=2, max_num=20, validate_max=True)

CRISIS_TEXT_FIELDS = [
    "warning_signs",
    "what_helps",
    "what_does_not_help",
    "medication",
    "admission",
    "own_words",
]


class CrisisPlanFields:
    """The structured crisis plan (the national ROP guideline): its text fields,
    and the rows of whom to call day and night as a formset (``contact_rows``)."""

    def _init_contacts(self, data):
        contacts = list(self.instance.contacts) if self.instance.pk else []
        if not hasattr(self, "saved"):
            self.saved = {"contacts": contacts} if self.instance.pk else {}
        # A post without the contact rows (no management form) leaves them as they are.
        self.contacts_posted = data is not None and "kontakt-TOTAL_FORMS" in data
        rows_data = data if self.contacts_posted else None
        self.contact_rows = ContactFormSet(rows_data, prefix="kontakt", initial=contacts)
        for name in CRISIS_TEXT_FIELDS:
            self.fields[name].widget.attrs["rows"] = 3
        self.fields["warning_signs"].help_text = _(
            "Hva merker personen og andre når det begynner å gå dårlig?"
        )
        self.fields["own_words"].help_text = _("Det personen selv vil si om krisene og hjelpen.")

    def is_valid(self):
        valid = super().is_valid()
        return (not self.contacts_posted or self.contact_rows.is_valid()) and valid

    def contacts(self) -> list[dict]:
        if not self.contacts_posted:
            return list(self.saved.get("contacts", []))
        return [row for form in self.contact_rows.forms if (row := form.row()) is not None]


class CrisisPlanForm(CrisisPlanFields, VersionedModelForm):
    class Meta:
        model = CrisisPlan
        fields = CRISIS_TEXT_FIELDS

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        self._init_contacts(data)

    def changes(self) -> dict:
        contacts = self.contacts()
        if self.chose_theirs("contacts") and "contacts" in self.saved:
            contacts = self.saved["contacts"]
        return {**super().changes(), "contacts": contacts}


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
