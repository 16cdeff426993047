from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "helhet.intake"
    label = "intake"

    def ready(self) -> None:
        from helhet.access.registry import register_not_person_kwarg, register_person_kwarg
        from helhet.intake import access

        access.register()
        samples = "helhet.intake.samples"
        register_person_kwarg(
            "application_id", access.person_id_for_application_id, f"{samples}:application"
        )
        register_person_kwarg(
            "decision_id", access.person_id_for_decision_id, f"{samples}:decision"
        )
        register_person_kwarg("appeal_id", access.person_id_for_appeal_id, f"{samples}:appeal")
        register_person_kwarg("request_id", access.person_id_for_request_id, f"{samples}:request")
        register_not_person_kwarg("letter", "which letter template (kvittering, forelopig-svar)")
        register_not_person_kwarg(
            "staff_id", "a staff member: KE records coordinator training dates"
        )
