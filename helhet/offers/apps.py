from django.apps import AppConfig


class OffersConfig(AppConfig):
    name = "helhet.offers"
    label = "offers"
