from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "helhet.access"
    label = "access"
