from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "helhet.api"
    label = "api"

    def ready(self) -> None:
        from helhet.access.registry import register_not_person_kwarg
        from helhet.api import schema  # noqa: F401  (registers the OpenAPI auth extensions)

        register_not_person_kwarg(
            "token_id", "the user's own API token (no person data)", namespace="api"
        )
        # As on quality's pages: the deviation's person is shown only through the gate.
        register_not_person_kwarg(
            "deviation_id",
            "a deviation; its person reference is shown only through the gate",
            namespace="api",
        )
        register_not_person_kwarg(
            "job_id",
            "a background job: its status and the address of its result, no person data; "
            "readable as on the page (helhet.background.rules)",
            namespace="api",
        )
