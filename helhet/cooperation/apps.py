from django.apps import AppConfig


class CooperationConfig(AppConfig):
    name = "helhet.cooperation"
    label = "cooperation"

    def ready(self) -> None:
        from helhet.access import gate
        from helhet.cooperation import access as relation

        gate.register_relation(
            basis="ansvarsgruppe",
            label="Medlem av personens ansvarsgruppe",
            holds=relation.holds_group_membership,
            person_ids=relation.group_member_person_ids,
        )
        from helhet.access.registry import register_not_person_kwarg, register_person_kwarg
        from helhet.cooperation import access

        samples = "helhet.cooperation.samples"
        for name in ("group_id", "meeting_id", "item_id", "attachment_id"):
            register_person_kwarg(
                name, getattr(access, f"person_id_for_{name}"), f"{samples}:{name[:-3]}"
            )
        system_level = {
            "forum_id": "a strategic forum (system level, no person)",
            "forum_meeting_id": "a strategic forum's meeting (system level, no person)",
            "routine_id": "a written cooperation routine between units (no person)",
            "agreement_id": "the municipality's agreement with the health trust (no person)",
            "sub_id": "a sub-agreement with the health trust (no person)",
            "unit_id": "a unit's entry in the service directory (no person)",
            "partner_id": "an external partner's entry in the service directory (no person)",
            "entry_id": "an entry in the service directory (no person)",
            "token": "a secret calendar-feed address; the feed carries no person data",
        }
        for name, reason in system_level.items():
            register_not_person_kwarg(name, reason, namespace="cooperation")
        register_not_person_kwarg(
            "number",
            "a municipality number: the public service directory (no person)",
            example="9001",
            namespace="cooperation",
        )
