import datetime as dt

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helhet.cooperation import rules
from helhet.cooperation.models import (
    ActionItem,
    AgreementTopic,
    CooperationAgreement,
    CooperationRoutine,
    DirectoryEntry,
    Forum,
    ForumDecision,
    ForumMeeting,
    GroupMember,
    Meeting,
    SubAgreement,
)
from helhet.core.forms import DateInput
from helhet.organisation import picklists
from helhet.organisation.models import ExternalPartner, Unit


def _staff_users(municipality):
    return (
        get_user_model()
        .objects.filter(staff__municipality=municipality, is_active=True)
        .order_by("first_name", "last_name", "username")
    )


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


class DirectoryEntryForm(forms.ModelForm):
    owner = UserChoiceField(queryset=None, required=False, label=_("Ansvarlig for oppføringen"))

    class Meta:
        model = DirectoryEntry
        fields = [
            "purpose",
            "services",
            "target_groups",
            "low_threshold",
            "how_to_apply",
            "contact_person",
            "phone",
            "email",
            "opening_hours",
            "owner",
        ]
        widgets = {f: forms.Textarea(attrs={"rows": 3}) for f in fields[:5]}

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _staff_users(municipality)


class RoutineForm(forms.ModelForm):
    units: "forms.ModelMultipleChoiceField[Unit]" = forms.ModelMultipleChoiceField(
        queryset=None, widget=forms.CheckboxSelectMultiple, label=_("Parter (enheter)")
    )

    class Meta:
        model = CooperationRoutine
        fields = [
            "title",
            "units",
            "content",
            "approved_by",
            "approved_on",
            "version",
            "review_due",
        ]
        widgets = {"approved_on": DateInput(), "review_due": DateInput()}

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = Unit.objects.filter(municipality=municipality)

    def clean_units(self):
        units = self.cleaned_data["units"]
        if len(units) < 2:
            raise forms.ValidationError(_("En samarbeidsrutine må ha minst to parter."))
        return units

    def clean(self):
        data = super().clean()
        approved, review = data.get("approved_on"), data.get("review_due")
        if approved and review and review < approved:
            self.add_error("review_due", _("Revisjonsdatoen kan ikke være før godkjenningen."))
        return data


class MemberForm(forms.ModelForm):
    user = picklists.StaffChoiceField(queryset=None, required=False, label=_("Ansatt"))

    class Meta:
        model = GroupMember
        fields = ["kind", "user", "unit", "partner", "name", "role", "phone", "email"]

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person
        # Staff in case roles of service units, each with role and unit.
        self.fields["user"].queryset = picklists.case_staff(
            person.municipality_id,
            include=[self.instance.user_id] if self.instance.user_id else (),
        )
        # Service units only; a unit saved before stays selectable on edit.
        self.fields["unit"].queryset = Unit.services_of(
            person.municipality_id
        ) | Unit.objects.filter(pk=self.instance.unit_id)
        self.fields["partner"].queryset = ExternalPartner.objects.filter(
            municipality_id=person.municipality_id
        )
        self.fields["name"].required = False
        self.fields["name"].help_text = _("For pårørende og kontaktperson hos ekstern part.")

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == GroupMember.Kind.STAFF and not data.get("user"):
            self.add_error("user", _("Velg hvilken ansatt som skal være med."))
        elif kind == GroupMember.Kind.PARTNER and not data.get("partner"):
            self.add_error("partner", _("Velg hvilken ekstern part som skal være med."))
        elif kind == GroupMember.Kind.RELATIVE and not data.get("name"):
            self.add_error("name", _("Skriv navnet på den pårørende."))
        if self.errors:
            return data
        data["name"] = self._member_name(kind, data)
        return data

    def _member_name(self, kind, data) -> str:
        if kind == GroupMember.Kind.STAFF:
            user = data["user"]
            return user.get_full_name() or user.get_username()
        if kind == GroupMember.Kind.PERSON:
            return self.person.full_name
        if kind == GroupMember.Kind.PARTNER and not data.get("name"):
            return data["partner"].name
        return data["name"]

    def save(self, commit=True):
        self.instance.name = self.cleaned_data["name"]
        return super().save(commit)


class MeetingForm(forms.Form):
    day = forms.DateField(label=_("Dato"), widget=DateInput())
    time = forms.TimeField(label=_("Klokkeslett"), widget=forms.TimeInput(attrs={"type": "time"}))
    duration_minutes = forms.IntegerField(
        label=_("Varighet (minutter)"), min_value=15, max_value=480, initial=60
    )
    place = forms.CharField(
        label=_("Sted"),
        max_length=200,
        help_text=_(
            "Ikke skriv personens navn eller adresse her: stedet står i kalenderinvitasjonen."
        ),
    )
    agenda = forms.CharField(
        label=_("Saksliste"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=4000,
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[(Meeting.Status.PLANNED, _("Planlagt")), (Meeting.Status.HELD, _("Gjennomført"))],
        initial=Meeting.Status.PLANNED,
    )

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        starts_at = timezone.make_aware(dt.datetime.combine(data["day"], data["time"]))
        error = rules.meeting_time_error(data["status"], starts_at, timezone.now())
        if error:
            raise forms.ValidationError(error)
        data["starts_at"] = starts_at
        return data


class MinutesForm(forms.Form):
    attendees: "forms.ModelMultipleChoiceField[GroupMember]" = forms.ModelMultipleChoiceField(
        queryset=None, widget=forms.CheckboxSelectMultiple, required=False, label=_("Til stede")
    )
    minutes = forms.CharField(
        label=_("Referat"), widget=forms.Textarea(attrs={"rows": 8}), max_length=20000
    )

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.fields["attendees"].queryset = meeting.group.members.filter(left_on__isnull=True)

    def clean(self):
        data = super().clean()
        if timezone.localdate(self.meeting.starts_at) > timezone.localdate():
            raise forms.ValidationError(
                _("Referat kan først skrives på møtedagen. Møtet er %(day)s.")
                % {"day": timezone.localtime(self.meeting.starts_at).strftime("%d.%m.%Y")}
            )
        return data


class ActionItemForm(forms.ModelForm):
    class Meta:
        model = ActionItem
        fields = ["text", "owner", "due_on"]
        widgets = {"due_on": DateInput()}
        error_messages = {
            "owner": {"required": _("Oppfølgingspunktet må ha en ansvarlig.")},
            "due_on": {"required": _("Oppfølgingspunktet må ha en frist.")},
            "text": {"required": _("Beskriv hva som skal gjøres.")},
        }

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.fields["owner"].queryset = meeting.group.members.filter(left_on__isnull=True)

    def clean_due_on(self):
        due = self.cleaned_data["due_on"]
        if due < timezone.localdate(self.meeting.starts_at):
            raise forms.ValidationError(_("Fristen kan ikke være før møtet."))
        return due


class ItemStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ActionItem.Status.choices)
    meeting = forms.IntegerField(required=False, widget=forms.HiddenInput)


class FrequencyForm(forms.Form):
    frequency_weeks = forms.IntegerField(
        label=_("Møtefrekvens (uker mellom møtene)"), min_value=1, max_value=52
    )


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Melding"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )
    attachment = forms.FileField(
        label=_("Vedlegg (PDF, PNG eller JPEG, høyst 10 MB)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
    )


class ForumForm(forms.ModelForm):
    class Meta:
        model = Forum
        fields = ["name", "purpose", "units", "partners", "members", "frequency"]
        widgets = {
            "units": forms.CheckboxSelectMultiple,
            "partners": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = Unit.objects.filter(municipality=municipality)
        self.fields["partners"].queryset = ExternalPartner.objects.filter(municipality=municipality)


class ForumMeetingForm(forms.ModelForm):
    class Meta:
        model = ForumMeeting
        fields = ["held_on", "place", "agenda", "minutes"]
        widgets = {"held_on": DateInput()}


class ForumDecisionForm(forms.ModelForm):
    class Meta:
        model = ForumDecision
        fields = ["text", "responsible", "due_on"]
        widgets = {"due_on": DateInput(), "text": forms.Textarea(attrs={"rows": 2})}


class DecisionFollowUpForm(forms.ModelForm):
    class Meta:
        model = ForumDecision
        fields = ["status", "follow_up"]
        widgets = {"follow_up": forms.Textarea(attrs={"rows": 2})}


class AgreementForm(forms.ModelForm):
    class Meta:
        model = CooperationAgreement
        fields = [
            "title",
            "health_trust",
            "signed_on",
            "owner",
            "revision_due",
            "reference",
            "ended_on",
        ]
        widgets = {
            "signed_on": DateInput(),
            "revision_due": DateInput(),
            "ended_on": DateInput(),
        }

    def clean(self):
        data = super().clean()
        signed, due = data.get("signed_on"), data.get("revision_due")
        if signed and due and due < signed:
            self.add_error(
                "revision_due", _("Revisjonsdatoen kan ikke være før avtalen ble inngått.")
            )
        return data


class SubAgreementForm(forms.ModelForm):
    topics = forms.MultipleChoiceField(
        label=_("Tema (helse- og omsorgstjenesteloven § 6-2)"),
        choices=AgreementTopic.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Velg minst ett tema delavtalen dekker.")},
    )

    class Meta:
        model = SubAgreement
        fields = ["title", "topics", "owner", "approved_on", "revision_due"]
        widgets = {"approved_on": DateInput(), "revision_due": DateInput()}

    def clean(self):
        data = super().clean()
        approved, due = data.get("approved_on"), data.get("revision_due")
        if approved and due and due < approved:
            self.add_error(
                "revision_due", _("Revisjonsdatoen kan ikke være før delavtalen ble vedtatt.")
            )
        return data
