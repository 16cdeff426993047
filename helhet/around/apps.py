from django.apps import AppConfig


class AroundConfig(AppConfig):
    name = "helhet.around"
    label = "around"

    def ready(self) -> None:
        from helhet.access.registry import register_person_kwarg
        from helhet.around import access

        register_person_kwarg(
            "external_id",
            access.person_id_for_external_id,
            "helhet.around.samples:external_service",
        )
