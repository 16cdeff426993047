from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "helhet.audit"
    label = "audit"
