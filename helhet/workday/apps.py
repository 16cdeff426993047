from django.apps import AppConfig


class WorkdayConfig(AppConfig):
    name = "helhet.workday"
    label = "workday"
