from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HousingConfig(AppConfig):
    name = "helhet.housing"
    label = "housing"
    verbose_name = _("Bolig")

    def ready(self) -> None:
        from helhet.access import gate
        from helhet.access.registry import register_not_person_kwarg, register_person_kwarg
        from helhet.housing import access

        gate.register_relation(
            basis=access.RELATION,
            label=_("Boligsak eller midlertidig botilbud i enheten din"),
            holds=access.holds_case,
            person_ids=access.person_ids_for_relation,
        )
        samples = "helhet.housing.samples"
        register_person_kwarg(
            "application_id",
            access.person_id_for_application,
            f"{samples}:application",
            namespace="housing",
        )
        register_person_kwarg(
            "offer_id", access.person_id_for_offer, f"{samples}:offer", namespace="housing"
        )
        register_person_kwarg(
            "stay_id", access.person_id_for_stay, f"{samples}:stay", namespace="housing"
        )
        register_person_kwarg(
            "refusal_id", access.person_id_for_refusal, f"{samples}:refusal", namespace="housing"
        )
        register_not_person_kwarg(
            "dwelling_id",
            "a dwelling in the municipality's housing stock (no person: the tenant is not shown)",
            namespace="housing",
        )
        # The same records in FHIR (helhet.housing.fhir).
        register_person_kwarg(
            "housing_application_id",
            access.person_id_for_application,
            f"{samples}:application",
            namespace="fhir",
        )
        register_not_person_kwarg(
            "dwelling_id",
            "a dwelling as a FHIR Location (no person: the tenant is not shown)",
            namespace="fhir",
        )
        register_not_person_kwarg(
            "criteria_id",
            "written allocation criteria for a dwelling type (no person)",
            namespace="housing",
        )
