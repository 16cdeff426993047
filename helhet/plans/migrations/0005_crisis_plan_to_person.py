from django.db import migrations


def to_person(apps, schema_editor):
    """Each crisis plan goes to the plan's person. A person with crisis plans on
    several plans keeps the one of the newest plan; the older ones stay readable
    in those plans' versions (every crisis-plan change was a plan version)."""
    CrisisPlan = apps.get_model("plans", "CrisisPlan")
    rows = CrisisPlan.objects.select_related("plan").order_by(
        "plan__person_id", "-plan__offered_on", "-plan_id"
    )
    kept, superseded = set(), []
    for crisis in rows:
        person_id = crisis.plan.person_id
        if person_id in kept:
            superseded.append(crisis.pk)
            continue
        kept.add(person_id)
        crisis.person_id = person_id
        crisis.save(update_fields=["person"])
    CrisisPlan.objects.filter(pk__in=superseded).delete()


def to_plan(apps, schema_editor):
    CrisisPlan = apps.get_model("plans", "CrisisPlan")
    IndividualPlan = apps.get_model("plans", "IndividualPlan")
    for crisis in CrisisPlan.objects.all():
        plan = (
            IndividualPlan.objects.filter(person_id=crisis.person_id)
            .order_by("-offered_on", "-pk")
            .first()
        )
        if plan is None:
            crisis.delete()
        else:
            crisis.plan_id = plan.pk
            crisis.save(update_fields=["plan"])


class Migration(migrations.Migration):
    dependencies = [("plans", "0004_crisis_plan_person_step1")]

    operations = [migrations.RunPython(to_person, to_plan)]
