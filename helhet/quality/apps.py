from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "helhet.quality"
    label = "quality"

    def ready(self) -> None:
        from helhet.access.registry import register_not_person_kwarg

        # A deviation is system-level data seen by its reporter and the leaders
        # who handle it; its optional person reference is shown only when the
        # gate gives the viewer a basis (quality.services.shown_person).
        register_not_person_kwarg(
            "deviation_id",
            "a deviation; its person reference is shown only through the gate",
            namespace="quality",
        )
        register_not_person_kwarg(
            "procedure_id", "a written procedure (rutine); no person", namespace="quality"
        )
