from django.apps import AppConfig


class AroundConfig(AppConfig):
    name = "helhet.around"
    label = "around"

    def ready(self) -> None:
        from helhet.access.registry import register_person_kwarg
        from helhet.around import access

        register_person_kwarg(
            "external_id",
            access.person_id_for_external_id,
            "helhet.around.samples:external_service",
        )
        register_person_kwarg(
            "referral_id", access.person_id_for_referral_id, "helhet.around.samples:referral"
        )
        register_person_kwarg(
            "discharge_id",
            access.person_id_for_discharge_id,
            "helhet.around.samples:discharge_notice",
        )
        register_person_kwarg(
            "gp_message_id",
            access.person_id_for_gp_message_id,
            "helhet.around.samples:gp_message",
        )
        register_person_kwarg(
            "relative_id", access.person_id_for_relative_id, "helhet.around.samples:relative"
        )
        register_person_kwarg(
            "child_id", access.person_id_for_child_id, "helhet.around.samples:child_relative"
        )
