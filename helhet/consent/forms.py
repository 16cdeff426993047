import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helhet.consent import rules
from helhet.consent.models import STAFF_REQUESTED_HOW, Consent
from helhet.consent.services import Scope
from helhet.core.forms import DateInput

DATE_FORMATS = ["%d.%m.%Y", "%Y-%m-%d"]


class ConsentForm(forms.Form):
    """The consent form as registered by staff: a signed paper form or an oral
    consent noted by the clerk. The giver is always the person, a guardian or a
    proxy — there is no choice for staff."""

    person = forms.IntegerField(widget=forms.HiddenInput)
    given_by = forms.ChoiceField(label=_("Gitt av"), choices=Consent.GivenBy.choices)
    giver_name = forms.CharField(
        label=_("Navn på verge/fullmektig"), max_length=200, required=False
    )
    given_how = forms.ChoiceField(
        label=_("Hvordan samtykket ble gitt"),
        choices=[
            (Consent.GivenHow.SIGNED, _("Signert skjema")),
            (Consent.GivenHow.ORAL, _("Muntlig – jeg noterer det")),
        ],
    )
    given_on = forms.DateField(
        label=_("Dato samtykket ble gitt (skjemaet signert eller sagt muntlig)"),
        input_formats=DATE_FORMATS,
        widget=DateInput(),
    )
    person_words = forms.CharField(
        label=_("Personens egne ord (valgfritt, for muntlig samtykke)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    purpose = forms.CharField(label=_("Formål"), max_length=300)
    valid_from = forms.DateField(
        label=_("Gyldig fra"), input_formats=DATE_FORMATS, widget=DateInput()
    )
    valid_to = forms.DateField(
        label=_("Gyldig til"), input_formats=DATE_FORMATS, widget=DateInput()
    )
    form_version = forms.ChoiceField(
        label=_("Skjemaversjon"), choices=list(rules.FORM_VERSIONS.items())
    )
    covers_plan = forms.BooleanField(
        label=_("Samtykke til individuell plan (forskrift § 19 h)"), required=False
    )
    scope = forms.MultipleChoiceField(required=False)
    declines_all = forms.BooleanField(
        label=_("Personen samtykker ikke til noe av dette"), required=False
    )

    def __init__(self, *args, person, offered: list[Scope], **kwargs):
        super().__init__(*args, **kwargs)
        self.person_obj = person
        self.offered = offered
        scope = self.fields["scope"]
        assert isinstance(scope, forms.MultipleChoiceField)
        scope.choices = [(s.key, s.key) for s in offered]
        self.fields["person"].initial = person.pk
        if not self.is_bound:
            today = timezone.localdate()
            self.fields["valid_from"].initial = self.initial.get("valid_from", today)
            self.fields["valid_to"].initial = self.initial.get(
                "valid_to", rules.default_valid_to(today)
            )
            self.fields["form_version"].initial = rules.CURRENT_FORM_VERSION
            self.fields["given_on"].initial = self.initial.get("given_on", today)

    def person_tampered(self) -> bool:
        """The hidden person field names someone else than the page's person."""
        return str(self.data.get("person", "")) != str(self.person_obj.pk)

    def clean(self):
        data = super().clean()
        errors = rules.period_errors(data.get("valid_from"), data.get("valid_to"))
        errors.update(
            rules.given_on_errors(
                data.get("given_on"), data.get("valid_from"), timezone.localdate()
            )
        )
        errors.update(
            rules.giver_errors(
                data.get("given_by", ""),
                data.get("giver_name", ""),
                data.get("given_how", ""),
                is_staff_actor=True,
            )
        )
        nothing = not data.get("scope") and not data.get("covers_plan")
        if nothing and not data.get("declines_all"):
            errors["scope"] = _(
                "Kryss av for det personen samtykker til, eller bekreft at personen "
                "ikke samtykker til noe."
            )
        if data.get("declines_all") and not nothing:
            errors["declines_all"] = _(
                "Du har krysset av for både samtykke og for at personen ikke samtykker."
            )
        if errors:
            raise ValidationError(errors)
        return data

    def selected_scopes(self) -> set[Scope]:
        by_key = {s.key: s for s in self.offered}
        return {by_key[k] for k in self.cleaned_data.get("scope", [])}

    def consent_fields(self) -> dict:
        d = self.cleaned_data
        return {
            "purpose": d["purpose"],
            "given_by": d["given_by"],
            "giver_name": d["giver_name"] if d["given_by"] != Consent.GivenBy.PERSON else "",
            "given_how": d["given_how"],
            "valid_from": d["valid_from"],
            "valid_to": d["valid_to"],
            "form_version": d["form_version"],
            "covers_plan": d["covers_plan"],
            "given_on": d["given_on"],
            "person_words": d["person_words"].strip(),
        }


def initial_from(consent: Consent, today: dt.date) -> dict:
    """A renewal starts as a copy of the old consent with a fresh period."""
    return {
        "given_by": consent.given_by,
        "giver_name": consent.giver_name,
        "purpose": consent.purpose,
        "covers_plan": consent.covers_plan,
        "valid_from": today,
        "valid_to": rules.default_valid_to(today),
        "form_version": rules.CURRENT_FORM_VERSION,
    }


class WithdrawForm(forms.Form):
    """The person withdraws their own consent here; staff use
    ``StaffWithdrawForm``, which records that the person asked."""

    note = forms.CharField(
        label=_("Hvordan ble tilbaketrekkingen meldt? (valgfritt)"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class StaffWithdrawForm(WithdrawForm):
    """Staff withdraw a consent only because the person asked (docs/consent.md):
    how and when the person asked is recorded and told to them."""

    requested_how = forms.ChoiceField(
        label=_("Hvordan ba personen om å trekke samtykket tilbake?"),
        choices=[("", "–"), *STAFF_REQUESTED_HOW],
        error_messages={"required": _("Velg hvordan personen ba om det.")},
    )
    requested_on = forms.DateField(
        label=_("Når ba personen om det?"),
        input_formats=DATE_FORMATS,
        widget=DateInput(),
        error_messages={"required": _("Skriv datoen personen ba om det.")},
    )
    confirm = forms.BooleanField(
        label=_("Personen har selv bedt om at samtykket trekkes tilbake"),
        error_messages={
            "required": _("Et samtykke trekkes bare tilbake når personen selv har bedt om det.")
        },
    )
    field_order = ["requested_how", "requested_on", "note", "confirm"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].label = _("Merknad (valgfritt)")
        if not self.is_bound:
            self.fields["requested_on"].initial = timezone.localdate()

    def clean(self):
        data = super().clean()
        errors = rules.request_errors(data.get("requested_on"), timezone.localdate())
        if errors:
            raise ValidationError(errors)
        return data
