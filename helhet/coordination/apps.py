from django.apps import AppConfig


class CoordinationConfig(AppConfig):
    name = "helhet.coordination"
    label = "coordination"
