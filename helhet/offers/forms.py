from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helhet.around.forms import DateInput
from helhet.offers.models import Offer, OfferUse
from helhet.organisation.models import Unit


class OfferForm(forms.ModelForm):
    class Meta:
        model = Offer
        fields = [
            "kind",
            "name",
            "unit",
            "description",
            "target_group",
            "opening_hours",
            "place",
            "active",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, municipality, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(municipality=municipality)


class OfferUseForm(forms.ModelForm):
    class Meta:
        model = OfferUse
        fields = ["offer", "month", "visits", "distinct_visitors"]
        widgets = {"month": DateInput()}
        help_texts = {"month": _("Hvilken dag som helst i måneden.")}

    def __init__(self, *args, municipality, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["offer"].queryset = Offer.objects.filter(municipality=municipality)

    def clean_month(self):
        month = self.cleaned_data.get("month")
        if month and month > timezone.localdate():
            raise forms.ValidationError(_("Måneden kan ikke være fram i tid."))
        return month.replace(day=1) if month else month

    def clean(self):
        data = super().clean()
        offer, month = data.get("offer"), data.get("month")
        if offer and month and OfferUse.objects.filter(offer=offer, month=month).exists():
            self.add_error("month", _("Bruken for denne måneden er allerede registrert."))
        visits, distinct = data.get("visits"), data.get("distinct_visitors")
        if visits is not None and distinct is not None and distinct > visits:
            self.add_error("distinct_visitors", _("Kan ikke være flere ulike brukere enn besøk."))
        return data
