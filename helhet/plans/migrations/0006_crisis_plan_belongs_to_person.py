import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0001_initial"),
        ("plans", "0005_crisis_plan_to_person"),
    ]

    operations = [
        migrations.RemoveField(model_name="crisisplan", name="plan"),
        migrations.AlterField(
            model_name="crisisplan",
            name="person",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="crisis_plan",
                to="people.person",
            ),
        ),
    ]
