from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "helhet.access"
    label = "access"

    def ready(self) -> None:
        # Registers the SQLite function the access-log triggers call.
        from helhet.access import afterwards, purge  # noqa: F401
        from helhet.access.registry import register_defaults

        register_defaults()

        from helhet.access import adminlog

        adminlog.connect()
        afterwards.connect()
