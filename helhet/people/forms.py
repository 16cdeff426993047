from django import forms
from django.utils.translation import gettext_lazy as _

from helhet.core.forms import DateInput
from helhet.people import identity
from helhet.people.models import Person


class PersonForm(forms.ModelForm):
    national_id = forms.CharField(
        label=_("Fødselsnummer, D-nummer, H-nummer eller FH-nummer"),
        max_length=20,
        help_text=_("11 siffer. Fødselsdato og kjønn leses av nummeret."),
        error_messages={"required": _("Fyll ut fødselsnummeret eller D-nummeret.")},
    )
    # Only for an FH-number, which carries neither (felles hjelpenummer).
    birth_date = forms.DateField(
        label=_("Fødselsdato (bare for FH-nummer)"),
        required=False,
        input_formats=["%d.%m.%Y", "%Y-%m-%d"],
        widget=DateInput(),
        error_messages={"invalid": _("Skriv datoen som dd.mm.åååå.")},
    )
    gender = forms.ChoiceField(
        label=_("Kjønn (bare for FH-nummer)"),
        required=False,
        choices=[("", "–"), ("K", _("Kvinne")), ("M", _("Mann"))],
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
                _("Nummeret er allerede registrert i kommunen. Kontakt koordinerende enhet.")
            )
        return number

    def clean(self):
        data = super().clean()
        number = data.get("national_id")
        if number and not identity.carries_birth_date(number):
            if not data.get("birth_date"):
                self.add_error(
                    "birth_date", _("Et FH-nummer har ingen fødselsdato. Oppgi fødselsdatoen.")
                )
            if not data.get("gender"):
                self.add_error("gender", _("Et FH-nummer har ingen kjønn. Oppgi kjønn."))
        return data

    def save(self, commit: bool = True) -> Person:
        person: Person = super().save(commit=False)
        if not identity.carries_birth_date(person.national_id):
            person.birth_date = self.cleaned_data["birth_date"]
            person.gender = self.cleaned_data["gender"]
        if commit:
            person.save()
        return person
