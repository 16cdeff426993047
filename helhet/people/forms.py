from django import forms
from django.utils.translation import gettext_lazy as _

from helhet.people import identity
from helhet.people.models import Person


class PersonForm(forms.ModelForm):
    national_id = forms.CharField(
        label=_("Fødselsnummer eller D-nummer"),
        max_length=20,
        help_text=_("11 siffer."),
    )

    class Meta:
        model = Person
        fields = ["national_id", "given_name", "family_name", "phone", "email", "address"]

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality = municipality

    def clean_national_id(self):
        number = identity.clean_national_id(self.cleaned_data["national_id"])
        if Person.objects.filter(municipality=self.municipality, national_id=number).exists():
            raise forms.ValidationError(
                _("Fødselsnummeret er allerede registrert i kommunen. Kontakt koordinerende enhet.")
            )
        return number
