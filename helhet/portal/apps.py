from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "helhet.portal"
    label = "portal"

    def ready(self) -> None:
        from helhet.access import gate
        from helhet.access.registry import register_not_person_kwarg
        from helhet.consent.signals import staff_act
        from helhet.portal import access, notices, services

        gate.register_representation(
            decide=access.gate_decision, represents_anyone=access.represents_anyone
        )
        gate.register_emergency_hook(services.notify_emergency)
        staff_act.connect(notices.on_consent_act, dispatch_uid="portal-consent-staff-act")
        # Portal URLs carry no person id: these rows are looked up only among
        # the acting person's own (another person's id answers 404 and is
        # logged on that person's access log; see helhet/portal/tests).
        own = "a row of the acting person's own, looked up only among their rows"
        for name in (
            "goal_id",
            "consent_id",
            "block_id",
            "representation_id",
            "reminder_id",
            "act_id",
        ):
            register_not_person_kwarg(name, own, namespace="portal")
