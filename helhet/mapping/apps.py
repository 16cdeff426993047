from django.apps import AppConfig


class MappingConfig(AppConfig):
    name = "helhet.mapping"
    label = "mapping"

    def ready(self) -> None:
        from helhet.access.registry import register_not_person_kwarg, register_person_kwarg
        from helhet.mapping import access

        register_person_kwarg(
            "mapping_id", access.person_id_for_mapping_id, "helhet.mapping.samples:mapping"
        )
        register_not_person_kwarg(
            "instrument",
            "which screening instrument (audit, dudit), within the mapping",
            example="audit",
            within="mapping_id",
            namespace="mapping",
        )
        register_not_person_kwarg(
            "round_id",
            "an annual mapping round: aggregate progress per unit, no person",
            namespace="mapping",
        )
