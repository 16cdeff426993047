"""The compliance snapshot becomes one stored report per day, period and scope
(docs/performance.md: the page reads it instead of computing 20 criteria per view).

The old rows (one per day, criterion and unit, always the 365-day period ending
that day) become one whole-municipality snapshot per day, so the trend keeps its
history. Backwards, the snapshots are deleted: they can be computed again."""

import datetime as dt
from collections import defaultdict

from django.db import migrations, models
from django.utils import timezone

OLD_PERIOD_DAYS = 365


def convert(apps, schema_editor):
    Snapshot = apps.get_model("audit", "ComplianceSnapshot")
    old = Snapshot.objects.exclude(criterion="")
    reports = defaultdict(dict)
    for row in old.order_by("pk").iterator():
        entry = reports[(row.municipality_id, row.day)].setdefault(
            row.criterion, {"total": [0, 0, 0], "units": {}}
        )
        tally = [row.met, row.not_met, row.not_applicable]
        if row.unit_id is None:
            entry["total"] = tally
        else:
            entry["units"][str(row.unit_id)] = tally
    old.delete()
    Snapshot.objects.bulk_create(
        Snapshot(
            municipality_id=municipality_id,
            day=day,
            criterion="",
            met=0,
            not_met=0,
            not_applicable=0,
            period_start=day - dt.timedelta(days=OLD_PERIOD_DAYS),
            period_end=day,
            computed_at=timezone.make_aware(dt.datetime.combine(day, dt.time())),
            results=results,
        )
        for (municipality_id, day), results in reports.items()
    )


def delete_all(apps, schema_editor):
    apps.get_model("audit", "ComplianceSnapshot").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.RemoveConstraint(
            model_name="compliancesnapshot", name="snapshot_unit_once_per_day"
        ),
        migrations.RemoveConstraint(
            model_name="compliancesnapshot", name="snapshot_total_once_per_day"
        ),
        migrations.RemoveIndex(
            model_name="compliancesnapshot", name="audit_compl_municip_6bbea6_idx"
        ),
        migrations.AddField(
            model_name="compliancesnapshot",
            name="period_start",
            field=models.DateField(null=True),
        ),
        migrations.AddField(
            model_name="compliancesnapshot",
            name="period_end",
            field=models.DateField(null=True),
        ),
        migrations.AddField(
            model_name="compliancesnapshot",
            name="computed_at",
            field=models.DateTimeField(null=True),
        ),
        migrations.AddField(
            model_name="compliancesnapshot",
            name="results",
            field=models.JSONField(null=True),
        ),
        migrations.RunPython(convert, migrations.RunPython.noop),
        migrations.RemoveField(model_name="compliancesnapshot", name="criterion"),
        migrations.RemoveField(model_name="compliancesnapshot", name="met"),
        migrations.RemoveField(model_name="compliancesnapshot", name="not_met"),
        migrations.RemoveField(model_name="compliancesnapshot", name="not_applicable"),
        migrations.AlterField(
            model_name="compliancesnapshot", name="period_start", field=models.DateField()
        ),
        migrations.AlterField(
            model_name="compliancesnapshot", name="period_end", field=models.DateField()
        ),
        migrations.AlterField(
            model_name="compliancesnapshot", name="computed_at", field=models.DateTimeField()
        ),
        migrations.AlterField(
            model_name="compliancesnapshot", name="results", field=models.JSONField()
        ),
        # Backwards: empty the table before the old columns (not null) come back.
        migrations.RunPython(migrations.RunPython.noop, delete_all),
        migrations.AddIndex(
            model_name="compliancesnapshot",
            index=models.Index(
                fields=["municipality", "unit", "day"], name="audit_snapshot_unit_day_idx"
            ),
        ),
        migrations.AddConstraint(
            model_name="compliancesnapshot",
            constraint=models.UniqueConstraint(
                condition=models.Q(("unit__isnull", False)),
                fields=("municipality", "day", "period_start", "period_end", "unit"),
                name="snapshot_unit_once_per_day",
            ),
        ),
        migrations.AddConstraint(
            model_name="compliancesnapshot",
            constraint=models.UniqueConstraint(
                condition=models.Q(("unit__isnull", True)),
                fields=("municipality", "day", "period_start", "period_end"),
                name="snapshot_total_once_per_day",
            ),
        ),
    ]
