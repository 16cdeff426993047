from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    name = "helhet.workforce"
    label = "workforce"

    def ready(self) -> None:
        from helhet.access.registry import register_not_person_kwarg

        register_not_person_kwarg(
            "requirement_id",
            "a unit's training requirement (competence plan); no person receiving services",
            namespace="workforce",
        )
