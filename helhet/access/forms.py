from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from helhet.access import gate
from helhet.people import identity


class EmergencyForm(forms.Form):
    """Break the glass: the person by number (or from the refused page) and a reason."""

    national_id = forms.CharField(
        label=_("Fødselsnummer eller D-nummer"), max_length=20, required=False
    )
    person = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(
        label=_("Begrunnelse"),
        min_length=gate.EMERGENCY_REASON_MIN,
        max_length=gate.EMERGENCY_REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Hvorfor trenger du opplysningene nå? Begrunnelsen logges og gjennomgås av leder."
        ),
    )
    next = forms.CharField(widget=forms.HiddenInput, required=False, max_length=500)

    def clean_national_id(self) -> str:
        value = self.cleaned_data["national_id"].strip()
        if not value:
            return ""
        return identity.clean_national_id(value)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            not data.get("national_id")
            and not data.get("person")
            and "national_id" not in self.errors
        ):
            raise ValidationError(_("Oppgi fødselsnummer eller D-nummer."))
        return data


class ReviewForm(forms.Form):
    note = forms.CharField(
        label=_("Merknad"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Engangskode fra appen"),
        max_length=10,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class EnrolRequestForm(forms.Form):
    username = forms.CharField(label=_("Brukernavn"), max_length=150)
