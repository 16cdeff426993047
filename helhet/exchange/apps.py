from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "helhet.exchange"
    label = "exchange"
