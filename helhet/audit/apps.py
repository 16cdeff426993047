from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "helhet.audit"
    label = "audit"

    def ready(self) -> None:
        from helhet.access.registry import register_not_person_kwarg

        register_not_person_kwarg(
            "criterion",
            "an audit criterion's id; failing cases name persons only through the gate",
            example="ip_offered",
            namespace="audit",
        )
        register_not_person_kwarg(
            "sample_id",
            "an auditor's sample: anonymised references, no names or national ids",
            namespace="audit",
        )
        register_not_person_kwarg(
            "reference",
            "an anonymised reference (U-001) within an audit sample; no person data shown",
            example="U-001",
            namespace="audit",
        )
        for name, reason in (
            ("campaign_id", "a self-assessment campaign (system level, no person)"),
            ("participation_id", "a unit's self-assessment answer (no person)"),
        ):
            register_not_person_kwarg(name, reason, namespace="audit")
