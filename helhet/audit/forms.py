from django import forms
from django.utils.translation import gettext_lazy as _

from helhet.audit import sampling
from helhet.audit.models import Answer, AuditSample
from helhet.organisation.models import Unit

DATE_INPUT = ["%d.%m.%Y", "%Y-%m-%d"]


def _date_field(label, required=True):
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_INPUT,
        widget=forms.DateInput(format="%d.%m.%Y", attrs={"placeholder": "dd.mm.åååå"}),
        error_messages={"invalid": _("Skriv datoen som dd.mm.åååå.")},
    )


class ReportFilterForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Enhet"), queryset=Unit.objects.none(), required=False, empty_label=_("Alle")
    )
    start = _date_field(_("Fra"), required=False)
    end = _date_field(_("Til"), required=False)

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(municipality=municipality)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError(_("Perioden slutter før den begynner."))
        return data


class SampleForm(forms.Form):
    method = forms.ChoiceField(
        label=_("Metode"), choices=AuditSample.Method.choices, widget=forms.RadioSelect
    )
    every = forms.IntegerField(label=_("Hver k-te person"), required=False, min_value=1)
    offset = forms.IntegerField(
        label=_("Start (1 til k; tom: den k-te)"),
        required=False,
        min_value=1,
        help_text=_("Med start 3 og k = 10 trekkes person nr. 3, 13, 23 … i rekkefølgen."),
    )
    random_start = forms.BooleanField(
        label=_("Trekk starten tilfeldig (krever frø)"), required=False
    )
    size = forms.IntegerField(label=_("Antall (tilfeldig utvalg)"), required=False, min_value=1)
    seed = forms.IntegerField(
        label=_("Frø (tilfeldig utvalg eller tilfeldig start)"), required=False
    )
    start = _date_field(_("Periode fra"))
    end = _date_field(_("Periode til"))
    units = forms.ModelMultipleChoiceField(
        label=_("Enheter (ingen valgt: alle)"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    with_all_plans = forms.BooleanField(
        label=_("Ta i tillegg med alle med aktiv individuell plan"), required=False
    )

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = Unit.objects.filter(municipality=municipality)

    def parameters(self) -> sampling.Parameters:
        data = self.cleaned_data
        return sampling.Parameters(
            method=data["method"],
            start=data["start"],
            end=data["end"],
            every=data.get("every"),
            offset=data.get("offset"),
            random_start=bool(data.get("random_start")),
            size=data.get("size"),
            seed=data.get("seed"),
            unit_ids=tuple(sorted(u.pk for u in data.get("units") or [])),
            with_all_plans=data.get("with_all_plans", False),
        )

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        errors = sampling.parameter_errors(self.parameters())
        if errors:
            raise forms.ValidationError(errors)
        return data


class ReviewForm(forms.Form):
    value = forms.ChoiceField(label=_("Revisors svar"), choices=Answer.choices)
    comment = forms.CharField(
        label=_("Kommentar"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class UnitsAcrossMunicipalities(forms.ModelMultipleChoiceField):
    """Units of several municipalities: each named with its municipality."""

    def label_from_instance(self, obj) -> str:
        return f"{obj.municipality.name} – {obj.name}"


class CampaignForm(forms.Form):
    topic = forms.CharField(label=_("Tema"), max_length=200)
    description = forms.CharField(
        label=_("Beskrivelse"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    answer_deadline = _date_field(_("Frist for egenvurdering"))
    plan_deadline = _date_field(_("Frist for forbedringsplan"))
    units = UnitsAcrossMunicipalities(
        label=_("Enheter som inviteres (NAV-kontor eller enheter i kommunene)"),
        queryset=Unit.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    questions = forms.CharField(
        label=_("Spørsmål, ett per linje: spørsmål | hjemmel"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=10000,
    )
    milestones = forms.CharField(
        label=_("Milepæler, én per linje: dd.mm.åååå | hva (valgfritt)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = units.order_by("municipality__name", "name")


YES_NO = [("ja", _("Ja")), ("nei", _("Nei"))]


class ParticipationForm(forms.Form):
    """A unit's answer: every question, lovbrudd, cause and improvement plan."""

    lovbrudd = forms.TypedChoiceField(
        label=_("Har enheten funnet lovbrudd?"),
        choices=YES_NO,
        coerce=lambda v: v == "ja",
        widget=forms.RadioSelect,
        required=False,
        empty_value=None,
    )
    cause_plan = forms.CharField(
        label=_("Årsak – planlegge"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )
    cause_do = forms.CharField(
        label=_("Årsak – utføre"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )
    cause_check = forms.CharField(
        label=_("Årsak – kontrollere"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )
    cause_correct = forms.CharField(
        label=_("Årsak – korrigere"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )
    measures = forms.CharField(
        label=_("Tiltak i forbedringsplanen"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )
    responsible = forms.CharField(
        label=_("Ansvarlig for tiltakene"), required=False, max_length=200
    )
    measures_deadline = _date_field(_("Frist for tiltakene"), required=False)
    monitoring = forms.CharField(
        label=_("Slik følger ledelsen opp"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for q in self.questions:
            self.fields[f"q_{q.pk}"] = forms.ChoiceField(
                label=f"{q.number}. {q.text} ({q.legal_basis})",
                choices=[("ja", _("Ja")), ("delvis", _("Delvis")), ("nei", _("Nei"))],
                widget=forms.RadioSelect,
                required=False,
            )
            self.fields[f"u_{q.pk}"] = forms.CharField(
                label=_("Slik forsto vi spørsmål %(n)s") % {"n": q.number},
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        order = [name for q in self.questions for name in (f"q_{q.pk}", f"u_{q.pk}")]
        self.order_fields(order)

    def answers(self) -> dict[int, tuple[str, str]]:
        data = self.cleaned_data
        return {
            q.pk: (data.get(f"q_{q.pk}") or "", data.get(f"u_{q.pk}") or "") for q in self.questions
        }


class AssessForm(forms.Form):
    plan_measures_ok = forms.BooleanField(
        label=_("Tiltakene er egnet til å rette lovbruddet"), required=False
    )
    plan_responsible_ok = forms.BooleanField(
        label=_("Ansvaret for tiltakene er plassert"), required=False
    )
    plan_deadline_ok = forms.BooleanField(label=_("Fristen er realistisk"), required=False)
    plan_monitoring_ok = forms.BooleanField(
        label=_("Det er beskrevet hvordan ledelsen følger opp"), required=False
    )
    assessment = forms.CharField(
        label=_("Tilsynets vurdering"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
