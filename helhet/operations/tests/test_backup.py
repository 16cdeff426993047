import io
import json
import shutil
import tarfile

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection

from helhet import testing
from helhet.access import gate
from helhet.access.models import AccessLogEntry, Action
from helhet.operations import backup, logchain
from helhet.people.models import Person, Relative
from helhet.plans.models import IndividualPlan, PlanVersion

QUIET = {"stdout": io.StringIO(), "stderr": io.StringIO()}


def picture():
    """Row counts of every table, and the content of the tables people would miss."""
    tables = set(connection.introspection.table_names())
    counts = {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models()
        if model._meta.db_table in tables
    }
    assert len(counts) > 30
    return (
        counts,
        list(Person.objects.order_by("pk").values_list("pk", "national_id", "family_name")),
        list(IndividualPlan.objects.order_by("pk").values()),
        list(PlanVersion.objects.order_by("pk").values_list("plan_id", "number", "summary")),
        list(AccessLogEntry.objects.order_by("pk").values_list("pk", "username", "what")),
    )


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Uploaded files in a folder of the test's own, with one attachment."""
    settings.MEDIA_ROOT = tmp_path / "files"
    (settings.MEDIA_ROOT / "vedlegg").mkdir(parents=True)
    (settings.MEDIA_ROOT / "vedlegg" / "notat.txt").write_text("Referat fra ansvarsgruppemøte")
    return settings.MEDIA_ROOT


def restore(path, **options):
    call_command("restore", str(path), **options, **QUIET)


@pytest.mark.django_db(transaction=True)
def test_restore_gives_back_the_backed_up_database_and_removes_later_changes(tmp_path, media):
    call_command("demo", persons=30, password="demo-passord-1", no_serve=True, **QUIET)
    person = Person.objects.get(user__username="bruker")
    user = apps.get_model("auth", "User").objects.get(username="koordinator")
    gate.log_many(user, [person], Action.LIST, what="før sikkerhetskopi")
    logchain.seal()
    heads = logchain.heads()
    before = picture()
    path = tmp_path / "helhet.tar"

    call_command("backup", str(path), **QUIET)

    with tarfile.open(path) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
    assert manifest["access_log_chain_heads"] == {k: str(v) for k, v in heads.items()} != {}

    Person.objects.filter(pk=person.pk).update(family_name="Endret-etterpå")
    Relative.objects.filter(person__in=Person.objects.all()[:3]).delete()
    gate.log_many(user, [person], Action.LIST, what="etter sikkerhetskopi")
    (media / "vedlegg" / "notat.txt").unlink()
    assert picture() != before

    restore(path, yes=True)

    assert picture() == before
    assert (media / "vedlegg" / "notat.txt").read_text() == "Referat fra ansvarsgruppemøte"
    # The access log is still append-only after the restore.
    with pytest.raises(DatabaseError), connection.cursor() as cursor:
        cursor.execute("UPDATE access_accesslogentry SET what = 'endret'")
    logged = set(AccessLogEntry.objects.values_list("what", flat=True))
    assert "før sikkerhetskopi" in logged
    assert "etter sikkerhetskopi" not in logged
    assert logchain.verify().broken is None


@pytest.mark.django_db(transaction=True)
def test_a_restored_log_that_lacks_a_recorded_chain_head_fails_the_restore(tmp_path):
    muni = testing.municipality()
    user = testing.staff(muni)
    gate.log_many(user, [testing.person(muni)], Action.LIST, what="før sikkerhetskopi")
    logchain.seal()
    path = tmp_path / "helhet.tar"
    call_command("backup", str(path), **QUIET)

    # As if the dump lost the newest sealed rows of the month (a broken dump,
    # or rows cut from it): the head recorded at backup time is not in it.
    def later_head(manifest):
        name, text = next(iter(manifest["access_log_chain_heads"].items()))
        head = logchain.parse_head(text)
        manifest["access_log_chain_heads"][name] = f"{head.position + 1}:{head.hash}"

    _rewrite(path, manifest_change=later_head)

    with pytest.raises(CommandError, match="stemmer ikke med kjedeverdiene"):
        restore(path, yes=True)


def _rewrite(path, manifest_change=None, member_change=None):
    """The backup at ``path`` with its manifest or a member altered, as an
    attacker or a broken disk might leave it."""
    with tarfile.open(path) as tar:
        members = {m.name: tar.extractfile(m).read() for m in tar.getmembers()}
    manifest = json.loads(members.pop("manifest.json"))
    if manifest_change:
        manifest_change(manifest)
    if member_change:
        member_change(members)
    with tarfile.open(path, "w") as tar:
        for name, data in [("manifest.json", json.dumps(manifest).encode()), *members.items()]:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def _truncate(path):
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _flip_byte(path):
    def flip(members):
        name = next(n for n in members if n.startswith("database."))
        data = members[name]
        members[name] = data[:5000] + bytes([data[5000] ^ 0xFF]) + data[5001:]

    _rewrite(path, member_change=flip)


def _changed_file(path):
    _rewrite(path, member_change=lambda m: m.update({"files/vedlegg/notat.txt": b"Endret"}))


def _file_outside_the_upload_folder(path):
    def change(manifest):
        manifest["files"][0]["name"] = "files/../../ondsinnet.txt"

    _rewrite(path, manifest_change=change)


def _not_a_backup(path):
    path.write_text("Dette er en handleliste, ikke en sikkerhetskopi.\n")


def _tar_without_manifest(path):
    with tarfile.open(path, "w") as tar:
        info = tarfile.TarInfo("notater.txt")
        tar.addfile(info, io.BytesIO(b""))


def _other_vendor(path):
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"

    ours, theirs = backup.DUMP_NAMES[connection.vendor], backup.DUMP_NAMES[other]

    def change(manifest):
        manifest["vendor"] = other
        manifest["dump"]["name"] = theirs

    _rewrite(
        path,
        manifest_change=change,
        member_change=lambda members: members.update({theirs: members.pop(ours)}),
    )


def _other_migrations(path):
    _rewrite(
        path, manifest_change=lambda m: m["migrations"].append(["plans", "9999_fra_framtiden"])
    )


DAMAGES = {
    "avkortet": (_truncate, "skadet eller ufullstendig"),
    "endret innhold": (_flip_byte, "sjekksummen"),
    "ikke en sikkerhetskopi": (_not_a_backup, "ikke en sikkerhetskopi fra Helhet"),
    "tar uten manifest": (_tar_without_manifest, "ikke en sikkerhetskopi fra Helhet"),
    "endret vedlegg": (_changed_file, "sjekksummen"),
    "fil utenfor opplastingsmappen": (_file_outside_the_upload_folder, "ikke en sikkerhetskopi"),
    "annen database": (_other_vendor, "denne installasjonen bruker"),
    "annen databasestruktur": (_other_migrations, "passer ikke til denne versjonen"),
}


@pytest.mark.django_db(transaction=True)
def test_a_damaged_foreign_or_unconfirmed_restore_is_refused_and_changes_nothing(tmp_path):
    muni = testing.municipality()
    testing.person(muni, family_name="Før")
    good = tmp_path / "helhet.tar"
    call_command("backup", str(good), **QUIET)
    testing.person(muni, family_name="Etter")

    with tarfile.open(good) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        assert tar.getnames() == [
            "manifest.json",
            manifest["dump"]["name"],
            "files/vedlegg/notat.txt",
        ]
    assert (manifest["format"], manifest["vendor"]) == ("helhet-backup", connection.vendor)
    assert {tuple(m) for m in manifest["migrations"]} == backup.code_migrations()

    for damage, (damage_file, message) in DAMAGES.items():
        path = tmp_path / f"{damage}.tar"
        shutil.copyfile(good, path)
        damage_file(path)
        with pytest.raises(CommandError, match=message) as refused:
            restore(path, yes=True)
        assert refused.value.returncode == 2, damage
    with pytest.raises(CommandError, match="--yes") as refused:
        restore(good)
    assert refused.value.returncode == 2

    assert sorted(Person.objects.values_list("family_name", flat=True)) == ["Etter", "Før"]


@pytest.mark.django_db(transaction=True)
def test_backup_to_a_missing_folder_is_refused(tmp_path):
    with pytest.raises(CommandError, match="finnes ikke") as refused:
        call_command("backup", str(tmp_path / "mangler" / "helhet.tar"), **QUIET)
    assert refused.value.returncode == 2
