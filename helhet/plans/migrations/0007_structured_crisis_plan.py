"""The crisis plan becomes structured (the national ROP guideline): what does
not help, contact rows (name, role, phone, day/night), agreements about
medicines and admission, the person's own words.

The two free-text contact fields become one contact row each, their whole text
kept as the row's name (nothing is lost) and a phone number found in it copied
to the row's phone; warning signs and what helps stay as they are.
"""

import re

from django.db import migrations, models

PHONE = re.compile(r"(?:\+47\s?)?\d[\d ]{1,14}\d")


def _row(text: str, when: str) -> dict:
    found = PHONE.search(text)
    return {
        "name": text.strip(),
        "role": "",
        "phone": found.group(0).strip() if found else "",
        "when": when,
    }


def to_rows(apps, schema_editor):
    CrisisPlan = apps.get_model("plans", "CrisisPlan")
    for crisis in CrisisPlan.objects.all():
        rows = [
            _row(text, when)
            for text, when in ((crisis.contacts_day, "dag"), (crisis.contacts_night, "natt"))
            if text.strip()
        ]
        if rows:
            CrisisPlan.objects.filter(pk=crisis.pk).update(contacts=rows)


def to_text(apps, schema_editor):
    CrisisPlan = apps.get_model("plans", "CrisisPlan")
    for crisis in CrisisPlan.objects.all():
        texts = {"dag": [], "natt": []}
        for row in crisis.contacts or []:
            line = ", ".join(v for v in (row.get("name"), row.get("role")) if v)
            if row.get("phone") and row["phone"] not in line:
                line = f"{line} {row['phone']}".strip()
            for when in ("dag", "natt") if row.get("when") == "alltid" else (row.get("when"),):
                texts.get(when, texts["dag"]).append(line)
        CrisisPlan.objects.filter(pk=crisis.pk).update(
            contacts_day="\n".join(texts["dag"])[:1000],
            contacts_night="\n".join(texts["natt"])[:1000],
        )


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0006_crisis_plan_belongs_to_person"),
    ]

    operations = [
        migrations.AddField(
            model_name="crisisplan",
            name="admission",
            field=models.TextField(
                blank=True, max_length=2000, verbose_name="avtaler om innleggelse"
            ),
        ),
        migrations.AddField(
            model_name="crisisplan",
            name="contacts",
            field=models.JSONField(blank=True, default=list, verbose_name="hvem som kontaktes"),
        ),
        migrations.AddField(
            model_name="crisisplan",
            name="medication",
            field=models.TextField(
                blank=True, max_length=2000, verbose_name="avtaler om medisiner"
            ),
        ),
        migrations.AddField(
            model_name="crisisplan",
            name="own_words",
            field=models.TextField(blank=True, max_length=2000, verbose_name="med mine egne ord"),
        ),
        migrations.AddField(
            model_name="crisisplan",
            name="what_does_not_help",
            field=models.TextField(blank=True, max_length=2000, verbose_name="dette hjelper ikke"),
        ),
        migrations.RunPython(to_rows, to_text),
        migrations.RemoveField(model_name="crisisplan", name="contacts_day"),
        migrations.RemoveField(model_name="crisisplan", name="contacts_night"),
    ]
