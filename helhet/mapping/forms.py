"""Forms for mapping, screening, referral, goal domains, rounds and statistics filters."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helhet.core.forms import DateInput
from helhet.mapping import report, rules
from helhet.mapping.models import Domain, Level, Mapping
from helhet.organisation.models import Unit


def _date_field(label, **kwargs) -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=DateInput,
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
        error_messages={
            "required": _("Fyll inn dato."),
            "invalid": _("Skriv datoen som dd.mm.åååå."),
        },
        **kwargs,
    )


YES_NO = [("ja", _("Ja")), ("nei", _("Nei"))]
# "Not known" last: the scale reads from no problem to serious.
LEVEL_CHOICES = [(level, Level(level).label) for level in report.DISPLAY_LEVELS]


class Form(forms.Form):
    """Labels and legends without Django's trailing colon."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class MappingForm(Form):
    mapped_on = _date_field(_("Dato for kartleggingen"))
    unit = forms.ModelChoiceField(
        label=_("Kartlagt av enhet"),
        queryset=Unit.objects.none(),
        error_messages={"required": _("Velg enheten som kartlegger.")},
    )
    person_present = forms.ChoiceField(
        label=_("Var personen til stede?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": _("Svar på om personen var til stede.")},
    )
    services_received = forms.CharField(
        label=_("Tjenester personen mottar"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    cares_for_children = forms.ChoiceField(
        label=_("Har personen omsorg for barn under 18 år?"),
        choices=Mapping.Children.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Svar på om personen har omsorg for barn under 18 år.")},
    )
    children_note = forms.CharField(
        label=_("Merknad om barna"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    crisis_risk = forms.BooleanField(
        label=_("Kartleggingen viser risiko for krise eller alvorlig forverring"),
        help_text=_("Da skal personen ha en kriseplan."),
        required=False,
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(pk__in=[u.pk for u in units])
        if len(units) == 1:
            self.fields["unit"].initial = units[0].pk
        self.fields["mapped_on"].initial = timezone.localdate()
        for domain, label in Domain.choices:
            self.fields[f"level_{domain}"] = forms.TypedChoiceField(
                label=label,
                choices=LEVEL_CHOICES,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Velg et nivå for %(domain)s.") % {"domain": label},
                    "invalid_choice": _("Nivået for %(domain)s er utenfor skalaen.")
                    % {"domain": label},
                },
            )
            self.fields[f"note_{domain}"] = forms.CharField(
                label=_("Merknad – %(domain)s") % {"domain": label},
                required=False,
                max_length=1000,
                widget=forms.Textarea(attrs={"rows": 1}),
            )

    def domain_fields(self):
        return [(self[f"level_{d}"], self[f"note_{d}"]) for d in Domain.values]

    def clean_mapped_on(self):
        day = self.cleaned_data["mapped_on"]
        problem = rules.validate_mapping_date(day, timezone.localdate())
        if problem:
            raise forms.ValidationError(problem)
        return day

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "unit": data["unit"],
            "mapped_on": data["mapped_on"],
            "person_present": data["person_present"] == "ja",
            "services_received": data["services_received"],
            "cares_for_children": data["cares_for_children"],
            "children_note": data["children_note"],
            "crisis_risk": data["crisis_risk"],
            "levels": {d: data[f"level_{d}"] for d in Domain.values},
            "notes": {d: data[f"note_{d}"] for d in Domain.values},
        }


class ScreeningForm(Form):
    def __init__(self, *args, instrument: rules.Instrument, **kwargs):
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        for number, item in enumerate(instrument.items, 1):
            self.fields[f"item_{number}"] = forms.TypedChoiceField(
                label=f"{number}. {item.text}",
                choices=list(enumerate(item.options)),
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Svar på spørsmål %(n)s.") % {"n": number},
                    "invalid_choice": _("Svaret på spørsmål %(n)s er utenfor skalaen.")
                    % {"n": number},
                },
            )

    def answers(self) -> list[int]:
        return [self.cleaned_data[f"item_{n}"] for n in range(1, len(self.instrument.items) + 1)]


class ReferralForm(Form):
    unit = forms.ModelChoiceField(
        label=_("Til enhet"),
        queryset=Unit.objects.none(),
        error_messages={"required": _("Velg enheten behovet gjelder.")},
    )
    need = forms.CharField(
        label=_("Behov som ble funnet"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Beskriv behovet som ble funnet i kartleggingen.")},
    )

    def __init__(self, *args, municipality_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(municipality_id=municipality_id)


class GoalDomainForm(Form):
    def __init__(self, *args, goals, **kwargs):
        super().__init__(*args, **kwargs)
        self.goals = goals
        for goal in goals:
            link = getattr(goal, "mapping_domain", None)
            self.fields[f"goal_{goal.pk}"] = forms.ChoiceField(
                label=goal.text,
                choices=[("", _("Ikke knyttet til et livsområde"))] + list(Domain.choices),
                required=False,
                initial=link.domain if link else "",
            )

    def chosen(self) -> dict[int, str]:
        return {g.pk: self.cleaned_data[f"goal_{g.pk}"] for g in self.goals}


class RoundForm(Form):
    name = forms.CharField(
        label=_("Navn på runden"),
        max_length=120,
        error_messages={"required": _("Gi runden et navn, for eksempel «Kartlegging 2026».")},
    )
    starts_on = _date_field(_("Fra"))
    ends_on = _date_field(_("Til"))
    units = forms.ModelMultipleChoiceField(
        label=_("Enheter som er med"),
        queryset=Unit.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Velg minst én enhet som skal være med.")},
    )

    def __init__(self, *args, municipality_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = Unit.objects.filter(municipality_id=municipality_id)

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("Runden kan ikke slutte før den begynner."))
        return data


DIMENSIONS = [
    ("", _("Hele kommunen")),
    (report.AGE, _("Aldersgruppe")),
    (report.GENDER, _("Kjønn")),
    (report.UNIT, _("Enhet")),
]


class StatisticsFilter(Form):
    aar = forms.TypedChoiceField(
        label=_("År"),
        coerce=int,
        required=False,
        error_messages={"invalid_choice": _("Det finnes ingen kartlegginger for dette året.")},
    )
    dimensjon = forms.ChoiceField(
        label=_("Utvalg etter"),
        choices=DIMENSIONS,
        required=False,
        error_messages={"invalid_choice": _("Ukjent utvalg.")},
    )
    gruppe = forms.CharField(label=_("Gruppe"), required=False, max_length=40)

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["aar"].choices = [(y, str(y)) for y in reversed(years)]

    def clean(self):
        data = super().clean()
        if data.get("gruppe") and not data.get("dimensjon"):
            self.add_error("dimensjon", _("Velg hva utvalget gjelder."))
        return data
