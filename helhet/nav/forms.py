from django import forms
from django.utils.translation import gettext_lazy as _

from helhet.intake.models import Decision
from helhet.nav.models import AdviceCase, Evaluation, QualificationProgramme

DATE_INPUT = ["%d.%m.%Y", "%Y-%m-%d"]


def _date(label, required=True):
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_INPUT,
        widget=forms.DateInput(format="%d.%m.%Y", attrs={"placeholder": "dd.mm.åååå"}),
    )


def _text(label, required=True, max_length=3000):
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PersonField(forms.CharField):
    def __init__(self, **kwargs):
        super().__init__(label=_("Fødselsnummer eller D-nummer"), max_length=11, **kwargs)


class ConditionForm(forms.Form):
    national_id = PersonField()
    condition = _text(_("Vilkåret"))
    activity = forms.CharField(label=_("Aktiviteten"), max_length=300)
    decision_reference = forms.RegexField(
        label=_("Vedtaket vilkåret ble satt i (referanse, f.eks. V-2026-12)"),
        regex=r"^\s*[Vv]-\d{4}-\d{1,9}\s*$",
        max_length=20,
        required=False,
        error_messages={
            "invalid": _("Skriv referansen slik den står i vedtaket, f.eks. V-2026-12.")
        },
    )
    set_on = _date(_("Satt i vedtak"), required=False)
    person_view = _text(_("Den unges eget syn på vilkåret"), required=False)
    first_evaluation = _date(_("Første evaluering"))


class LinkDecisionForm(forms.Form):
    decision = forms.ModelChoiceField(
        label=_("Vedtaket vilkåret ble satt i"), queryset=Decision.objects.none()
    )

    def __init__(self, *args, decisions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].queryset = decisions


class EvaluationForm(forms.Form):
    result = forms.ChoiceField(label=_("Resultat"), choices=Evaluation.Result.choices)
    note = _text(_("Hva evalueringen viste"))
    next_on = _date(_("Neste evaluering"), required=False)


class ViewForm(forms.Form):
    person_view = _text(_("Den unges eget syn på vilkåret"))


class NonComplianceForm(forms.Form):
    reduces = forms.TypedChoiceField(
        label=_("Vedtak"),
        choices=[("1", _("Stønaden reduseres")), ("0", _("Stønaden reduseres ikke"))],
        coerce=lambda v: v == "1",
    )
    reasons = _text(_("Begrunnelse"))


class ProgrammeForm(forms.Form):
    national_id = PersonField()
    state = forms.ChoiceField(
        label=_("Resultat av vurderingen"),
        choices=[
            (QualificationProgramme.State.ASSESSED, _("Fyller vilkårene")),
            (QualificationProgramme.State.NOT_ELIGIBLE, _("Fyller ikke vilkårene")),
        ],
    )
    assessment = _text(_("Vurdering etter § 29"))
    assessed_on = _date(_("Vurdert"))


class StepForm(forms.Form):
    target = forms.ChoiceField(label=_("Ny status"), choices=QualificationProgramme.State.choices)
    plan = _text(_("Programplan"), required=False)
    end_reason = forms.ChoiceField(
        label=_("Hvorfor avsluttet"),
        choices=[("", "–"), *QualificationProgramme.EndReason.choices],
        required=False,
    )


class AdviceForm(forms.Form):
    national_id = PersonField()
    kind = forms.ChoiceField(label=_("Type"), choices=AdviceCase.Kind.choices)
    given = _text(_("Hva som er gitt av opplysning, råd og veiledning"))
    opened_on = _date(_("Startet"))


class CloseAdviceForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Utfall"), choices=[c for c in AdviceCase.Outcome.choices if c[0]]
    )
    closed_on = _date(_("Avsluttet"))
