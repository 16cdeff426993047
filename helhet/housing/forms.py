from django import forms
from django.utils.translation import gettext_lazy as _

from helhet.housing.models import (
    Dwelling,
    DwellingType,
    EmergencyStay,
    Group,
    HousingApplication,
    HousingDecision,
    Offer,
    Urgency,
)

DATE_INPUT = ["%d.%m.%Y", "%Y-%m-%d"]


def _date(label, required=True):
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_INPUT,
        widget=forms.DateInput(format="%d.%m.%Y", attrs={"placeholder": "dd.mm.åååå"}),
    )


def _text(label, required=True, max_length=4000, rows=4):
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class DwellingForm(forms.ModelForm):
    class Meta:
        model = Dwelling
        fields = [
            "address",
            "kind",
            "owner_kind",
            "owner_name",
            "rooms",
            "state",
            "earmarked_for",
            "earmark_basis",
            "earmark_note",
            "earmark_unit",
        ]

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["earmark_unit"].queryset = municipality.units.all()

    def clean(self):
        data = super().clean()
        if data.get("earmarked_for") and not data.get("earmark_basis"):
            self.add_error(
                "earmark_basis",
                _("Oppgi grunnlaget for øremerkingen, for eksempel en tinglyst servitutt."),
            )
        if data.get("earmarked_for") and not data.get("earmark_unit"):
            self.add_error(
                "earmark_unit",
                _("Oppgi enheten øremerkingen tjener, så den kan varsles ved tildeling."),
            )
        return data


class CriteriaForm(forms.Form):
    kind = forms.ChoiceField(label=_("Boligtype"), choices=DwellingType.choices)
    title = forms.CharField(label=_("Tittel"), max_length=200)
    content = _text(_("Kriteriene"), max_length=20000, rows=10)
    refusals_kept = forms.IntegerField(
        label=_("Antall avslag på tilbud som beholder plassen på ventelisten"),
        min_value=0,
        max_value=5,
        initial=1,
        help_text=_("Avslag på en bolig som ikke dekker det vurderte behovet teller aldri."),
    )
    change_note = forms.CharField(label=_("Hva er endret"), max_length=300, required=False)
    approved_on = _date(_("Godkjent"))
    approved_by = forms.CharField(
        label=_("Godkjent av"), max_length=200, help_text=_("For eksempel kommunestyret.")
    )


class ApplicationForm(forms.Form):
    national_id = forms.CharField(label=_("Fødselsnummer eller D-nummer"), max_length=11)
    given_name = forms.CharField(label=_("Fornavn"), max_length=100, required=False)
    family_name = forms.CharField(label=_("Etternavn"), max_length=100, required=False)
    kind = forms.ChoiceField(label=_("Boligtype"), choices=DwellingType.choices)
    source = forms.ChoiceField(label=_("Bakgrunn"), choices=HousingApplication.Source.choices)
    need = _text(_("Personens beskrivelse av behovet"))
    received_on = _date(_("Mottatt"))


class OwnApplicationForm(forms.Form):
    kind = forms.ChoiceField(label=_("Hva slags bolig søker du?"), choices=DwellingType.choices)
    need = _text(_("Beskriv hvorfor du trenger bolig"))


class AssessmentForm(forms.Form):
    urgency = forms.ChoiceField(label=_("Hastegrad"), choices=Urgency.choices)
    group = forms.ChoiceField(
        label=_("Målgruppe (for øremerkede boliger)"),
        choices=[("", _("Ingen av disse")), *Group.choices],
        required=False,
    )
    assessment = _text(_("Vurdering av behov og hastegrad"))


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Utfall"), choices=HousingDecision.Outcome.choices)
    reasons = _text(_("Begrunnelse"), max_length=6000, rows=6)


class OfferForm(forms.Form):
    dwelling = forms.ModelChoiceField(label=_("Ledig bolig"), queryset=Dwelling.objects.none())
    skip_reason = _text(_("Hvorfor søkere foran på listen hoppes over"), required=False, rows=2)
    outside_group_reason = _text(
        _("Hvorfor en øremerket bolig tildeles utenfor gruppen"), required=False, rows=2
    )

    def __init__(self, *args, dwellings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dwelling"].queryset = dwellings


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(label=_("Svar"), choices=[c for c in Offer.Answer.choices if c[0]])
    answered_on = _date(_("Svart"))
    refusal_reason = forms.ChoiceField(
        label=_("Grunn til å takke nei"),
        choices=[("", "–"), *Offer.RefusalReason.choices],
        required=False,
    )
    refusal_note = forms.CharField(label=_("Personens egne ord"), max_length=1000, required=False)
    contract_start = _date(_("Leiekontrakt fra"), required=False)


class StayForm(forms.Form):
    national_id = forms.CharField(label=_("Fødselsnummer eller D-nummer"), max_length=11)
    given_name = forms.CharField(label=_("Fornavn"), max_length=100, required=False)
    family_name = forms.CharField(label=_("Etternavn"), max_length=100, required=False)
    place = forms.ChoiceField(label=_("Sted"), choices=EmergencyStay.Place.choices)
    place_name = forms.CharField(label=_("Navn på stedet"), max_length=200)
    reason = _text(_("Hvorfor personen trenger midlertidig botilbud"))
    decided_on = _date(_("Vedtaksdato"))
    started_on = _date(_("Fra"))


class FollowUpForm(forms.Form):
    follow_up = _text(_("Oppfølging mot varig bolig"))
    ended_on = _date(_("Oppholdet sluttet"), required=False)


class PreliminaryForm(forms.Form):
    sent_on = _date(_("Foreløpig svar sendt"))
    reason = _text(_("Hvorfor saken tar tid, og når svar kan ventes"), max_length=1000, rows=2)


class RefusalForm(forms.Form):
    """A refusal of temporary housing (sotjl. § 27), recorded by the NAV office."""

    national_id = forms.CharField(label=_("Fødselsnummer eller D-nummer"), max_length=11)
    given_name = forms.CharField(label=_("Fornavn"), max_length=100, required=False)
    family_name = forms.CharField(label=_("Etternavn"), max_length=100, required=False)
    asked_on = _date(_("Personen ba om hjelp"))
    reasons = _text(_("Begrunnelse for avslaget"), max_length=4000, rows=5)
    other_help = _text(_("Annen hjelp som er gitt eller anvist"), required=False, rows=2)


class RoutineForm(forms.Form):
    """The municipality's own limit for a stay in emergency housing (not law)."""

    days = forms.IntegerField(
        label=_("Lengste opphold i midlertidig botilbud (dager)"),
        min_value=1,
        max_value=365,
        required=False,
        help_text=_("La feltet stå tomt for å fjerne kommunens grense."),
    )
    name = forms.CharField(
        label=_("Rutinens navn"),
        max_length=200,
        required=False,
        help_text=_("Navnet på kommunens egen rutine, slik det skal vises i saker og rapporter."),
    )
    adopted_on = _date(_("Vedtatt"), required=False)
    change_note = forms.CharField(label=_("Hva er endret, og hvorfor"), max_length=300)

    def clean(self):
        data = super().clean()
        if data.get("days") is not None and not (data.get("name") or "").strip():
            self.add_error("name", _("Rutinen må ha et navn."))
        return data
