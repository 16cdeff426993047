from django.apps import AppConfig


class BackgroundConfig(AppConfig):
    name = "helhet.background"
    label = "background"

    def ready(self) -> None:
        from helhet.access.registry import register_not_person_kwarg

        register_not_person_kwarg(
            "job_id",
            "a background job (a report or an export); only the user who asked for it "
            "may see it, and an export names persons only as the gate let the user see them",
            namespace="background",
        )
