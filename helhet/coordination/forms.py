from django import forms
from django.utils.translation import gettext_lazy as _

from helhet.organisation.models import Unit
from helhet.plans.models import IndividualPlan


class OverviewFilterForm(forms.Form):
    name = forms.CharField(label=_("Navn"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Alle"))] + list(IndividualPlan.Status.choices),
    )
    unit = forms.ModelChoiceField(
        label=_("Koordinators enhet"),
        required=False,
        queryset=Unit.objects.none(),
        empty_label=_("Alle"),
    )
    completeness = forms.ChoiceField(
        label=_("§ 19-innhold"),
        required=False,
        choices=[("", _("Alle")), ("komplett", _("Komplett")), ("mangler", _("Mangler noe"))],
    )
    overdue = forms.BooleanField(label=_("Bare forfalt revisjon"), required=False)

    def __init__(self, *args, municipality=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(municipality=municipality)
