import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from helhet.coordination import rules as coordination_rules
from helhet.coordination.models import DEFAULT_CASELOAD_WARNING
from helhet.core.forms import DateInput
from helhet.intake.models import (
    Appeal,
    Application,
    Decision,
    InvestigationNote,
    LetterDelivery,
)
from helhet.intake.models import SocialAssistanceFacts as SocialFacts
from helhet.organisation import picklists
from helhet.organisation.models import StaffMember, Unit
from helhet.people import identity


class Form(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class ModelForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def date_field(label, required=True, **kwargs):
    return forms.DateField(label=label, required=required, widget=DateInput, **kwargs)


def not_in_future(day: dt.date | None) -> None:
    if day and day > timezone.localdate():
        raise ValidationError(_("Datoen kan ikke være fram i tid."))


class ApplicationForm(ModelForm):
    national_id = forms.CharField(
        label=_("Fødselsnummer, D-nummer eller hjelpenummer"), max_length=20
    )
    given_name = forms.CharField(
        label=_("Fornavn"), max_length=100, required=False, help_text=_("Bare for nye personer.")
    )
    family_name = forms.CharField(
        label=_("Etternavn"), max_length=100, required=False, help_text=_("Bare for nye personer.")
    )
    received_on = date_field(_("Mottatt"), validators=[not_in_future])

    class Meta:
        model = Application
        fields = [
            "unit",
            "kind",
            "channel",
            "source",
            "source_name",
            "received_on",
            "summary",
            "urgent",
            "urgency_note",
        ]
        widgets = {"channel": forms.RadioSelect, "source": forms.RadioSelect}

    field_order = ["unit", "national_id", "given_name", "family_name"]

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(pk__in=units)
        self.fields["unit"].empty_label = None
        self.fields["channel"].choices = Application.Channel.choices
        self.fields["source"].choices = Application.Source.choices
        self.fields["received_on"].initial = timezone.localdate()

    def clean_national_id(self):
        return identity.clean_national_id(self.cleaned_data["national_id"])

    def clean(self):
        data = super().clean()
        if (
            data.get("source") not in (None, "", Application.Source.PERSON)
            and not data.get("source_name", "").strip()
        ):
            self.add_error(
                "source_name",
                _("Skriv hvem som sendte henvendelsen (pårørende, ansatt, fastlege)."),
            )
        return data


class NoteForm(ModelForm):
    noted_on = date_field(_("Dato"), validators=[not_in_future])

    class Meta:
        model = InvestigationNote
        fields = ["kind", "noted_on", "text"]


class AssessmentForm(ModelForm):
    class Meta:
        model = Application
        fields = ["urgent", "urgency_note", "assessment"]


class DayForm(Form):
    day = date_field(_("Dato"), validators=[not_in_future])


class PreliminaryAnswerForm(Form):
    sent_on = date_field(_("Foreløpig svar sendt"), validators=[not_in_future])
    reason = forms.CharField(label=_("Årsak til at saken tar tid"), max_length=500)
    expected_by = date_field(_("Forventet svar innen"))


class SocialFactsForm(ModelForm):
    guidance_decided_on = date_field(_("Vedtak etter § 17 fattet"), required=False)
    kvp_assessed_on = date_field(_("Vurdert for kvalifiseringsprogrammet"), required=False)
    child_heard_on = date_field(_("17-åringen ble hørt"), required=False)

    class Meta:
        model = SocialFacts
        fields = [
            "guidance_informed",
            "guidance_wish",
            "guidance_given",
            "guidance_decided_on",
            "activity_condition",
            "weighty_reasons",
            "kvp_criteria",
            "kvp_assessed_on",
            "covers_child_17",
            "child_heard_on",
            "best_interests",
        ]


class DecisionForm(ModelForm):
    decided_on = date_field(_("Vedtaksdato"), validators=[not_in_future])
    period_from = date_field(_("Fra"), required=False)
    period_to = date_field(_("Til"), required=False)
    evaluation_on = date_field(_("Evalueres innen"), required=False)

    class Meta:
        model = Decision
        fields = [
            "outcome",
            "decided_on",
            "service_name",
            "scope",
            "provider",
            "period_from",
            "period_to",
            "evaluation_on",
            "reasons",
        ]
        widgets = {"outcome": forms.RadioSelect}

    def __init__(self, *args, municipality_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = Unit.objects.filter(municipality_id=municipality_id)
        self.fields["outcome"].choices = Decision.Outcome.choices
        self.fields["decided_on"].initial = timezone.localdate()


class StartForm(Form):
    started_on = date_field(_("Tjenesten startet"))


class LetterSentForm(Form):
    day = date_field(_("Sendt eller levert"), validators=[not_in_future])
    delivery = forms.ChoiceField(
        label=_("Levert som"),
        choices=LetterDelivery.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Velg hvordan brevet ble levert.")},
    )
    received_on = date_field(
        _("Kom fram til personen"),
        required=False,
        validators=[not_in_future],
        help_text=_(
            "Klagefristen løper fra brevet kom fram. Levert personlig eller i digital "
            "postkasse: samme dag. Sendt med post: fyll inn når du vet hvilken dag "
            "brevet kom fram; til da løper ikke fristen."
        ),
    )


class AppealForm(ModelForm):
    received_on = date_field(_("Klage mottatt"), validators=[not_in_future])
    posted_on = date_field(
        _("Klage postlagt"),
        required=False,
        validators=[not_in_future],
        help_text=_("En klage som er postlagt før fristen går ut, er kommet i tide."),
    )

    class Meta:
        model = Appeal
        fields = ["received_on", "posted_on", "grounds"]


class AppealStatusForm(Form):
    status = forms.ChoiceField(label=_("Ny status"), choices=Appeal.Status.choices[1:])
    day = date_field(_("Dato"), validators=[not_in_future])


class AssignForm(Form):
    unit: "forms.ModelChoiceField[Unit]" = forms.ModelChoiceField(
        label=_("Enhet som får koordinatoransvar"), queryset=None
    )
    wishes = forms.CharField(
        label=_("Personens ønsker"), widget=forms.Textarea, max_length=2000, required=False
    )
    assigned_on = date_field(_("Ansvar tildelt"), validators=[not_in_future])

    def __init__(self, *args, municipality_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.services_of(municipality_id)


class CoordinatorChoice(picklists.StaffChoiceField):
    # Set by NameCoordinatorForm from the municipality's own limit.
    warn_above = DEFAULT_CASELOAD_WARNING

    def label_from_instance(self, user):
        name = super().label_from_instance(user)
        trained = user.staff.coordinator_trained_on
        if trained:
            label = _("%(name)s (koordinatoropplæring %(date)s)") % {
                "name": name,
                "date": f"{trained:%d.%m.%Y}",
            }
        else:
            label = _("%(name)s (ingen registrert opplæring)") % {"name": name}
        count = getattr(user, "coordinating", None)
        if count is None:
            return label
        load = ngettext("koordinator for %(n)s person", "koordinator for %(n)s personer", count) % {
            "n": count
        }
        if coordination_rules.over_caseload(count, self.warn_above):
            return _("%(label)s – %(load)s, over kommunens grense på %(limit)s") % {
                "label": label,
                "load": load,
                "limit": self.warn_above,
            }
        return f"{label} – {load}"


class NameCoordinatorForm(Form):
    coordinator = CoordinatorChoice(
        label=_("Koordinator"),
        queryset=None,
        error_messages={"invalid_choice": _("Koordinatoren må være ansatt i kommunen.")},
    )
    named_on = date_field(_("Oppnevnt"), validators=[not_in_future])

    def __init__(self, *args, candidates=None, warn_above=DEFAULT_CASELOAD_WARNING, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["coordinator"].queryset = candidates
        self.fields["coordinator"].warn_above = warn_above
        self.fields["coordinator"].help_text = _(
            "Tallet er hvor mange personer hver allerede er koordinator for. Kommunen har satt "
            "%(limit)s som grense; over den bør enhetens leder vurdere om koordinatoren har tid "
            "til å følge opp enda en person."
        ) % {"limit": warn_above}


class TrainingForm(ModelForm):
    coordinator_trained_on = date_field(
        _("Koordinatoropplæring gjennomført"), required=False, validators=[not_in_future]
    )

    class Meta:
        model = StaffMember
        fields = ["coordinator_trained_on"]
