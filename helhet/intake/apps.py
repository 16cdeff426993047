from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "helhet.intake"
    label = "intake"
