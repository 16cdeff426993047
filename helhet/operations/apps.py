from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "helhet.operations"
    label = "operations"
