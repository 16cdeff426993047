"""What the REST API shows and accepts. Lists show summaries; the content of
a plan, group or case comes only from its detail endpoint, where the gate
decides with the right category (consent, hpl § 22)."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from helhet.consent.models import Consent, ConsentScope
from helhet.consent.models import Status as ConsentStatus
from helhet.cooperation.models import GroupMember, Meeting, ResponsibilityGroup
from helhet.intake.models import Application, Decision
from helhet.mapping.models import DomainScore, Mapping, Screening
from helhet.people.models import Person
from helhet.plans.models import Goal, IndividualPlan, Measure, Participant
from helhet.quality import rules as quality_rules
from helhet.quality.models import Deviation


class StrictMixin:
    """Unknown fields are an error, not silently dropped: a client that
    misspells a field must not believe it saved it."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({name: [_("Ukjent felt.")] for name in unknown})
        return super().to_internal_value(data)


class PersonSerializer(serializers.ModelSerializer):
    id_kind = serializers.CharField(
        read_only=True, help_text="fnr, dnr, hnr (H-nummer) eller fhnr (FH-nummer)"
    )
    # Often empty, which is no e-mail address: not "format: email" in the schema.
    email = serializers.CharField(read_only=True)

    class Meta:
        model = Person
        fields = [
            "id",
            "national_id",
            "id_kind",
            "given_name",
            "family_name",
            "birth_date",
            "gender",
            "phone",
            "email",
            "address",
        ]
        read_only_fields = fields


class MeasureSerializer(serializers.ModelSerializer):
    class Meta:
        model = Measure
        fields = [
            "id",
            "title",
            "scope",
            "responsible_unit",
            "responsible_partner",
            "responsible_other",
            "how",
            "starts_on",
            "ends_on",
            "status",
        ]
        read_only_fields = fields


class GoalSerializer(serializers.ModelSerializer):
    measures = MeasureSerializer(many=True, read_only=True)

    class Meta:
        model = Goal
        fields = ["id", "text", "status", "position", "measures"]
        read_only_fields = fields


class ParticipantSerializer(serializers.ModelSerializer):
    class Meta:
        model = Participant
        fields = ["id", "kind", "name", "user", "unit", "partner", "contribution"]
        read_only_fields = fields


PLAN_SUMMARY = [
    "id",
    "person",
    "kind",
    "status",
    "offered_on",
    "answered_on",
    "period_start",
    "period_end",
    "revision_due",
    "closed_on",
    "version",
    "updated_at",
]
PLAN_CONTENT = [
    "resources",
    "needs",
    "person_contribution",
    "relatives_contribution",
    "cooperation",
]
PLAN_WRITABLE = [*PLAN_CONTENT, "period_start", "period_end", "revision_due"]


class PlanSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = IndividualPlan
        fields = PLAN_SUMMARY
        read_only_fields = fields


class PlanSerializer(serializers.ModelSerializer):
    goals = serializers.SerializerMethodField()
    participants = ParticipantSerializer(many=True, read_only=True)

    class Meta:
        model = IndividualPlan
        fields = [*PLAN_SUMMARY, *PLAN_CONTENT, "goals", "participants"]
        read_only_fields = fields

    @extend_schema_field(GoalSerializer(many=True))
    def get_goals(self, plan):
        by_goal: dict[int, list] = {}
        for measure in plan.measures.all():
            by_goal.setdefault(measure.goal_id, []).append(measure)
        rows = []
        for goal in plan.goals.all():
            data = GoalSerializer(goal).data
            data["measures"] = MeasureSerializer(by_goal.get(goal.pk, []), many=True).data
            rows.append(data)
        return rows


class PlanWriteSerializer(StrictMixin, serializers.ModelSerializer):
    class Meta:
        model = IndividualPlan
        fields = PLAN_WRITABLE

    def validate(self, attrs):
        start = attrs.get("period_start", getattr(self.instance, "period_start", None))
        end = attrs.get("period_end", getattr(self.instance, "period_end", None))
        if start and end and end < start:
            raise serializers.ValidationError(
                {"period_end": [_("Planperioden kan ikke slutte før den begynner.")]}
            )
        return attrs


class ConsentScopeSerializer(serializers.ModelSerializer):
    class Meta:
        model = ConsentScope
        fields = ["unit", "partner", "category"]
        read_only_fields = fields


class ConsentSerializer(serializers.ModelSerializer):
    status = serializers.SerializerMethodField()
    scopes = ConsentScopeSerializer(many=True, read_only=True)

    class Meta:
        model = Consent
        fields = [
            "id",
            "person",
            "purpose",
            "categories",
            "covers_plan",
            "valid_from",
            "valid_to",
            "given_how",
            "given_by",
            "giver_name",
            "form_version",
            "withdrawn_at",
            "renews",
            "created_at",
            "status",
            "scopes",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=ConsentStatus.choices))
    def get_status(self, consent) -> str:
        return consent.status()


class GroupSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = ResponsibilityGroup
        fields = ["id", "person", "frequency_weeks", "created_on"]
        read_only_fields = fields


class GroupMemberSerializer(serializers.ModelSerializer):
    email = serializers.CharField(read_only=True)

    class Meta:
        model = GroupMember
        fields = ["id", "kind", "name", "role", "user", "unit", "partner", "phone", "email"]
        read_only_fields = fields


class GroupSerializer(serializers.ModelSerializer):
    members = serializers.SerializerMethodField()

    class Meta:
        model = ResponsibilityGroup
        fields = ["id", "person", "frequency_weeks", "created_on", "members"]
        read_only_fields = fields

    @extend_schema_field(GroupMemberSerializer(many=True))
    def get_members(self, group):
        active = [m for m in group.members.all() if m.left_on is None]
        return GroupMemberSerializer(active, many=True).data


MEETING_SUMMARY = ["id", "group", "person", "starts_at", "duration_minutes", "place", "status"]


class MeetingSummarySerializer(serializers.ModelSerializer):
    person = serializers.IntegerField(source="group.person_id", read_only=True)

    class Meta:
        model = Meeting
        fields = MEETING_SUMMARY
        read_only_fields = fields


class MeetingSerializer(MeetingSummarySerializer):
    class Meta:
        model = Meeting
        fields = [*MEETING_SUMMARY, "agenda", "minutes", "attendees"]
        read_only_fields = fields


APPLICATION_SUMMARY = ["id", "person", "unit", "kind", "status", "received_on", "urgent"]


class ApplicationSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Application
        fields = APPLICATION_SUMMARY
        read_only_fields = fields


class ApplicationSerializer(serializers.ModelSerializer):
    decision = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = [
            *APPLICATION_SUMMARY,
            "channel",
            "source",
            "source_name",
            "summary",
            "acknowledged_on",
            "preliminary_sent_on",
            "preliminary_reason",
            "expected_answer_by",
            "assessment",
            "decision",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_decision(self, application) -> int | None:
        decision = getattr(application, "decision", None)
        return decision.pk if decision else None


DECISION_SUMMARY = ["id", "application", "person", "outcome", "decided_on", "service_name"]


class DecisionSummarySerializer(serializers.ModelSerializer):
    person = serializers.IntegerField(source="application.person_id", read_only=True)

    class Meta:
        model = Decision
        fields = DECISION_SUMMARY
        read_only_fields = fields


class DecisionSerializer(DecisionSummarySerializer):
    class Meta:
        model = Decision
        fields = [
            *DECISION_SUMMARY,
            "scope",
            "provider",
            "period_from",
            "period_to",
            "evaluation_on",
            "reasons",
            "approved_on",
            "letter_sent_on",
            "letter_delivery",
            "letter_received_on",
            "started_on",
        ]
        read_only_fields = fields


# --- needs mappings ---------------------------------------------------------------


class ScoreSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = DomainScore
        fields = ["domain", "level"]
        read_only_fields = fields


class ScoreSerializer(serializers.ModelSerializer):
    class Meta:
        model = DomainScore
        fields = ["domain", "level", "note"]
        read_only_fields = fields


class ScreeningSerializer(serializers.ModelSerializer):
    class Meta:
        model = Screening
        fields = ["instrument", "score", "result"]
        read_only_fields = fields


MAPPING_SUMMARY = ["id", "person", "unit", "round", "mapped_on", "mapped_by_name", "person_present"]


class MappingSummarySerializer(serializers.ModelSerializer):
    scores = ScoreSummarySerializer(many=True, read_only=True)

    class Meta:
        model = Mapping
        fields = [*MAPPING_SUMMARY, "scores"]
        read_only_fields = fields


class MappingSerializer(serializers.ModelSerializer):
    scores = ScoreSerializer(many=True, read_only=True)
    screenings = ScreeningSerializer(many=True, read_only=True)

    class Meta:
        model = Mapping
        fields = [
            *MAPPING_SUMMARY,
            "services_received",
            "cares_for_children",
            "children_note",
            "requested_plan",
            "scores",
            "screenings",
        ]
        read_only_fields = fields


# --- deviations ----------------------------------------------------------------------


class DeviationSummarySerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    overdue = serializers.SerializerMethodField()
    # Whether a person is concerned, never who: the name goes through the gate
    # on the detail endpoint only.
    concerns_person = serializers.SerializerMethodField()

    class Meta:
        model = Deviation
        fields = [
            "id",
            "reference",
            "unit",
            "kind",
            "severity",
            "title",
            "occurred_on",
            "reported_on",
            "deadline",
            "status",
            "closed_on",
            "overdue",
            "concerns_person",
        ]
        read_only_fields = fields

    def get_overdue(self, deviation) -> bool:
        return quality_rules.is_overdue(
            deviation.deadline, deviation.closed_on, self.context["today"]
        )

    def get_concerns_person(self, deviation) -> bool:
        return deviation.person_id is not None


class DeviationSerializer(DeviationSummarySerializer):
    person = serializers.SerializerMethodField(
        help_text="Personen avviket gjelder, bare om du har tjenstlig grunnlag for personen."
    )
    person_name = serializers.SerializerMethodField()

    class Meta:
        model = Deviation
        fields = [
            *DeviationSummarySerializer.Meta.fields,
            "person",
            "person_name",
            "description",
            "assessment",
            "assessed_on",
            "cause",
            "measures",
            "measures_on",
            "learning",
            "top_management_informed_on",
        ]
        read_only_fields = fields

    def get_person(self, deviation) -> int | None:
        return deviation.person_id if self.context["person_name"] else None

    def get_person_name(self, deviation) -> str | None:
        return self.context["person_name"]


# --- compliance --------------------------------------------------------------------


class TallySerializer(serializers.Serializer):
    met = serializers.IntegerField(min_value=0)
    not_met = serializers.IntegerField(min_value=0)
    not_applicable = serializers.IntegerField(min_value=0)


class UnitTallySerializer(TallySerializer):
    unit = serializers.IntegerField()
    name = serializers.CharField()


class CriterionResultSerializer(TallySerializer):
    id = serializers.CharField()
    title = serializers.CharField()
    legal_basis = serializers.CharField()
    # A field named "source" shadows Field.source only to the type checker: DRF's
    # serializer metaclass takes declared fields out of the class attributes.
    source = serializers.CharField()  # type: ignore[assignment]
    rate = serializers.FloatField(
        allow_null=True, help_text="Andel oppfylt av der kriteriet gjelder; null når ingen gjelder."
    )
    units = UnitTallySerializer(many=True)


class ComplianceSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    computed_at = serializers.DateTimeField(
        help_text="Når tallene ble beregnet (den lagrede rapporten, som på siden)."
    )
    criteria = CriterionResultSerializer(many=True)


# --- background jobs ---------------------------------------------------------------


class JobSerializer(serializers.Serializer):
    """A background job as the API shows it: no parameters, no person data."""

    id = serializers.IntegerField()
    kind = serializers.CharField(help_text="`compliance` (etterlevelse) eller `overview_export`.")
    kind_display = serializers.CharField(source="get_kind_display")
    status = serializers.ChoiceField(
        choices=["queued", "running", "done", "failed"],
        help_text="`queued` (venter på tur), `running` (beregnes), `done` (ferdig), "
        "`failed` (feilet).",
    )
    status_display = serializers.CharField(source="get_status_display")
    done = serializers.IntegerField(min_value=0, help_text="Utført så langt (av `total`).")
    total = serializers.IntegerField(min_value=0, help_text="0 til arbeidet vet hvor mye det er.")
    percent = serializers.IntegerField(
        allow_null=True, min_value=0, max_value=100, help_text="null til `total` er kjent."
    )
    error = serializers.CharField(allow_blank=True, help_text="Feilmeldingen når `failed`.")
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    result = serializers.SerializerMethodField(
        help_text="Adressen til resultatet når `status` er `done`, ellers null."
    )

    def get_result(self, job) -> str | None:
        return self.context["result"]
