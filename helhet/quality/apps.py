from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "helhet.quality"
    label = "quality"
