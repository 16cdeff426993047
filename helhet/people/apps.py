from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "helhet.people"
    label = "people"
