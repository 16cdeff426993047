from django.apps import AppConfig


class CooperationConfig(AppConfig):
    name = "helhet.cooperation"
    label = "cooperation"
