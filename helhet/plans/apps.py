from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "helhet.plans"
    label = "plans"

    def ready(self) -> None:
        from helhet.plans import completeness

        completeness.connect_signals()
