from django.apps import AppConfig


class MappingConfig(AppConfig):
    name = "helhet.mapping"
    label = "mapping"
