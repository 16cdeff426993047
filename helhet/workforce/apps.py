from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    name = "helhet.workforce"
    label = "workforce"
