import datetime as dt

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helhet.consent import rules as consent_rules
from helhet.core.forms import DateInput
from helhet.plans.models import Goal
from helhet.portal import rules
from helhet.portal.models import Right

DATE_FORMATS = ["%d.%m.%Y", "%Y-%m-%d"]
TEXT_TOO_LONG = _("Teksten kan være på høyst %(limit_value)d tegn (du skrev %(show_value)d).")


class GoalForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    text = forms.CharField(
        label=_("Målet, med dine egne ord"),
        max_length=rules.TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": TEXT_TOO_LONG, "required": _("Skriv målet.")},
    )
    status = forms.ChoiceField(label=_("Status"), choices=Goal.Status.choices)

    def clean_text(self):
        return self.cleaned_data["text"].strip()


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Kommentar"),
        max_length=rules.TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": TEXT_TOO_LONG, "required": _("Skriv en kommentar.")},
    )


class ConsentForm(forms.Form):
    """The person's own digital consent: one box per party and category."""

    purpose = forms.CharField(
        label=_("Formål"),
        max_length=300,
        initial=_("Samarbeid om individuell plan og koordinering"),
    )
    valid_to = forms.DateField(
        label=_("Gyldig til"),
        input_formats=DATE_FORMATS,
        widget=DateInput(),
        help_text=_("Høyst 36 måneder. Du kan trekke samtykket tilbake når som helst."),
    )
    covers_plan = forms.BooleanField(label=_("Jeg samtykker til individuell plan"), required=False)
    scope = forms.MultipleChoiceField(required=False)

    def __init__(self, *args, offered, **kwargs):
        super().__init__(*args, **kwargs)
        self.offered = offered
        self.fields["scope"].choices = [(s.key, s.key) for s in offered]
        if not self.is_bound:
            self.fields["valid_to"].initial = consent_rules.default_valid_to(timezone.localdate())

    def clean(self):
        data = super().clean()
        errors = consent_rules.period_errors(timezone.localdate(), data.get("valid_to"))
        if not data.get("scope") and not data.get("covers_plan"):
            errors["scope"] = _("Kryss av for minst én enhet og type opplysninger.")
        if errors:
            raise forms.ValidationError(errors)
        return data

    def selected_scopes(self):
        by_key = {s.key: s for s in self.offered}
        return {by_key[k] for k in self.cleaned_data.get("scope", [])}


class BlockForm(forms.Form):
    staff_user = forms.ModelChoiceField(
        label=_("Ansatt som ikke skal få se opplysningene dine"),
        queryset=get_user_model().objects.none(),
        error_messages={"invalid_choice": _("Velg en ansatt fra listen.")},
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["staff_user"]
        field.queryset = get_user_model().objects.filter(pk__in=[u.pk for u in candidates])
        field.label_from_instance = _staff_label


def _staff_label(user) -> str:
    title = getattr(getattr(user, "staff", None), "title", "")
    name = user.get_full_name() or user.get_username()
    return f"{name} ({title})" if title else name


class NoticeForm(forms.Form):
    emergency = forms.BooleanField(
        label=_("Send meg e-post når noen bruker nødtilgang til opplysningene mine"),
        required=False,
    )
    email = forms.EmailField(label=_("E-postadresse"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("emergency") and not data.get("email"):
            self.add_error("email", _("Skriv e-postadressen varselet skal sendes til."))
        return data


class RightsField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        super().__init__(choices=Right.choices, label=_("Rettigheter"), **kwargs)


class ProxyForm(forms.Form):
    username = forms.CharField(
        label=_("Brukernavnet til den som skal være fullmektig"), max_length=150
    )
    rights = RightsField(required=True)
    valid_to = forms.DateField(
        label=_("Gyldig til"), input_formats=DATE_FORMATS, widget=DateInput()
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["valid_to"].initial = timezone.localdate() + dt.timedelta(days=365)

    def clean_username(self):
        """The representative's account. An unknown name and a refused account
        (a member of staff, a deactivated login) get the same answer, so the
        form does not tell whether a username exists."""
        user = (
            get_user_model()
            .objects.filter(username=self.cleaned_data["username"].strip(), is_active=True)
            .select_related("staff")
            .first()
        )
        if user is None or rules.is_staff_account(user):
            raise forms.ValidationError(rules.NOT_A_REPRESENTATIVE)
        return user


class GuardianForm(ProxyForm):
    """A guardian as the guardianship decision appoints them: the reference to
    the decision, and the rights (scope) it gives (vergemålsloven §§ 20–21, 33)."""

    username = forms.CharField(label=_("Brukernavnet til vergen"), max_length=150)
    reference = forms.CharField(
        label=_("Referanse til vergemålet (for eksempel statsforvalterens saksnummer)"),
        max_length=100,
        error_messages={"required": _("Skriv referansen til vedtaket om vergemål.")},
    )
    rights = RightsField(
        required=True,
        help_text=_("Kryss bare av for det vergemålet omfatter."),
        error_messages={"required": _("Kryss av for hva vergemålet omfatter.")},
    )
    valid_from = forms.DateField(
        label=_("Gyldig fra"), input_formats=DATE_FORMATS, widget=DateInput()
    )
    field_order = ["username", "reference", "rights", "valid_from", "valid_to"]

    def clean_reference(self):
        value = self.cleaned_data["reference"].strip()
        if not value:
            raise forms.ValidationError(_("Skriv referansen til vedtaket om vergemål."))
        return value

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["valid_from"].initial = timezone.localdate()


class FeedbackForm(forms.Form):
    occasion = forms.CharField(widget=forms.HiddenInput, max_length=40)
    score = forms.TypedChoiceField(
        label=_("Gjør hjelpen ting bedre?"),
        choices=[
            (1, _("1 – Nei, ikke i det hele tatt")),
            (2, "2"),
            (3, "3"),
            (4, "4"),
            (5, _("5 – Ja, mye bedre")),
        ],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Velg et tall fra 1 til 5.")},
    )
    text = forms.CharField(
        label=_("Vil du si noe mer? (valgfritt)"),
        required=False,
        max_length=rules.TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Ikke skriv navn. Svaret ditt lagres uten navnet ditt."),
        error_messages={"max_length": TEXT_TOO_LONG},
    )


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Melding"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": TEXT_TOO_LONG, "required": _("Skriv en melding.")},
    )
