import datetime as dt
import json
import random

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from helhet import testing
from helhet.access.models import AccessLogEntry, Action
from helhet.organisation.models import Membership, Unit
from helhet.people import identity
from helhet.people.models import Person, Service

pytestmark = pytest.mark.django_db
_rng = random.Random(7)


def fnr(year=1985):
    return identity.synthetic_national_id(_rng, dt.date(year, 3, 14), "M")


def write_csv(tmp_path, text, name="fil.csv", bom=False):
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def run(capsys, *args):
    """(exit code, stdout) of `helhet import ...`."""
    try:
        call_command("import", *[str(a) for a in args])
        code = 0
    except CommandError as error:
        code = error.returncode
    return code, capsys.readouterr().out


def test_one_bad_row_commits_nothing_and_names_the_line(tmp_path, capsys):
    muni = testing.municipality()
    path = write_csv(
        tmp_path,
        "national_id;given_name;family_name;phone;email;address\n"
        f"{fnr()};Ola;Nordmann;;;\n"
        "12345678901;Kari;Feil;;;\n"
        f"{fnr(1990)};Per;Hansen;;ikke-epost;\n",
    )
    code, out = run(capsys, "persons", path, "--municipality", muni.number)
    assert code == 2
    assert "Linje 3:" in out and "kontrollsiffer" in out
    assert "Linje 4: Ugyldig e-postadresse «ikke-epost»." in out
    assert "Linje 2" not in out
    assert Person.objects.count() == 0


def test_good_file_imports_every_kind(tmp_path, capsys):
    muni = testing.municipality()
    units = write_csv(
        tmp_path,
        "code;name;kind\nnav;NAV Fjordvik;nav\npsyk;Psykisk helse og rus;Psykisk helse og rus\n",
        "units.csv",
        bom=True,
    )
    assert run(capsys, "units", units, "--municipality", muni.number) == (0, "2 enheter\n")
    staff = write_csv(
        tmp_path,
        "username,first_name,last_name,email,unit_code,role\n"
        "kari,Kari,Li,kari@example.no,psyk,tjenesteyter\n"
        "kari,Kari,Li,kari@example.no,nav,leder\n",
        "staff.csv",
    )
    code, out = run(capsys, "staff", staff, "--municipality", muni.number)
    assert code == 0
    assert "1 ansatte" in out and "2 tilknytninger" in out and "passord" in out
    kari = get_user_model().objects.get(username="kari")
    assert not kari.has_usable_password()
    assert Membership.objects.filter(staff__user=kari).count() == 2
    number = fnr()
    persons = write_csv(
        tmp_path,
        "national_id;given_name;family_name;phone;email;address\n"
        f"{number};Ola;Nordmann;99999999;ola@example.no;Storgata 1\n",
        "persons.csv",
    )
    assert run(capsys, "persons", persons, "--municipality", muni.number)[0] == 0
    ola = Person.objects.get(national_id=number)
    assert ola.birth_date == dt.date(1985, 3, 14)
    entry = AccessLogEntry.objects.get(person=ola)
    assert (entry.action, entry.what, entry.basis) == (Action.EDIT, "import", "import")
    services = write_csv(
        tmp_path,
        "national_id;unit_code;name;basis;valid_from;valid_to\n"
        f"{number};psyk;Miljøarbeid;vedtak;01.02.2026;2026-12-31\n",
        "services.csv",
    )
    assert run(capsys, "services", services, "--municipality", muni.number)[0] == 0
    service = Service.objects.get(person=ola)
    assert (service.unit.code, service.valid_from, service.valid_to) == (
        "psyk",
        dt.date(2026, 2, 1),
        dt.date(2026, 12, 31),
    )


def test_dry_run_writes_nothing(tmp_path, capsys):
    muni = testing.municipality()
    path = write_csv(tmp_path, "code;name;kind\nnav;NAV;nav\n")
    code, out = run(capsys, "units", path, "--municipality", muni.number, "--dry-run")
    assert code == 0
    assert "Prøvekjøring" in out
    assert not Unit.objects.filter(municipality=muni).exists()


def test_duplicates_within_file_and_against_database(tmp_path, capsys):
    muni = testing.municipality()
    existing = testing.person(muni)
    number = fnr()
    path = write_csv(
        tmp_path,
        "national_id;given_name;family_name;phone;email;address\n"
        f"{number};Ola;Nordmann;;;\n"
        f"{number};Ola;Nordmann;;;\n"
        f"{existing.national_id};Kari;Testesen;;;\n",
    )
    code, out = run(capsys, "persons", path, "--municipality", muni.number, "--format", "json")
    assert code == 2
    report = json.loads(out)
    assert [r["line"] for r in report["rejected"]] == [3, 4]
    assert "gjentakelse" in report["rejected"][0]["reasons"][0]
    assert "finnes allerede" in report["rejected"][1]["reasons"][0]
    assert Person.objects.count() == 1


def test_services_check_references_dates_and_choices(tmp_path, capsys):
    muni = testing.municipality()
    other = testing.person(testing.municipality())
    person = testing.person(muni)
    testing.unit(muni)
    path = write_csv(
        tmp_path,
        "national_id;unit_code;name;basis;valid_from;valid_to\n"
        f"{other.national_id};ukjent;Bolig;kanskje;31.02.2026;\n"
        f"{person.national_id};;Bolig;vedtak;01.03.2026;01.02.2026\n",
    )
    code, out = run(capsys, "services", path, "--municipality", muni.number)
    assert code == 2
    assert "Linje 2: Personen med dette fødselsnummeret finnes ikke i kommunen." in out
    assert "Enheten «ukjent» finnes ikke i kommunen." in out
    assert "Ugyldig verdi «kanskje» i «basis»" in out
    assert "Ugyldig dato «31.02.2026»" in out
    assert "Linje 3: «unit_code» må fylles ut. Sluttdato kan ikke være før startdato." in out
    assert not Service.objects.exists()


def test_xlsx_with_numbers_and_dates(tmp_path, capsys):
    muni = testing.municipality()
    person = testing.person(muni, born=dt.date(1980, 1, 5))
    unit = testing.unit(muni)
    book = Workbook()
    sheet = book.active
    sheet.append(["national_id", "unit_code", "name", "basis", "valid_from", "valid_to"])
    # Excel stores the number as an integer and drops its leading zero.
    sheet.append([int(person.national_id), unit.code, "Bolig", "vedtak", dt.datetime(2026, 1, 1)])
    path = tmp_path / "tjenester.xlsx"
    book.save(path)
    code, out = run(capsys, "services", path, "--municipality", muni.number)
    assert code == 0, out
    assert Service.objects.get(person=person).valid_from == dt.date(2026, 1, 1)


def test_file_errors_are_norwegian_and_exit_2(tmp_path, capsys):
    muni = testing.municipality()
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes("code;name;kind\nx;Bø;nav\n".encode("latin-1"))
    with pytest.raises(CommandError, match="ikke UTF-8") as error:
        call_command("import", "units", str(latin1), "--municipality", muni.number)
    assert error.value.returncode == 2
    missing = write_csv(tmp_path, "code;name\nx;y\n")
    with pytest.raises(CommandError, match="mangler kolonnene: kind"):
        call_command("import", "units", str(missing), "--municipality", muni.number)
    with pytest.raises(CommandError, match="Fant ingen kommune"):
        call_command("import", "units", str(missing), "--municipality", "0000")


def test_staff_rejects_existing_username_unknown_unit_and_role(tmp_path, capsys):
    muni = testing.municipality()
    unit = testing.unit(muni)
    testing.staff(unit, username="Kari")
    path = write_csv(
        tmp_path,
        "username;first_name;last_name;email;unit_code;role\n"
        f"kari;Kari;Li;;{unit.code};tjenesteyter\n"
        "per;Per;Li;;finnes-ikke;sjef\n"
        f"per;Per;Li;;{unit.code};leder\n"
        f"per;Per;Li;;{unit.code};leder\n",
    )
    code, out = run(capsys, "staff", path, "--municipality", muni.number)
    assert code == 2
    assert "Linje 2: Brukernavnet «kari» finnes allerede." in out
    assert "Linje 3: Enheten «finnes-ikke» finnes ikke i kommunen. Ugyldig verdi «sjef»" in out
    assert "Linje 5: Raden er en gjentakelse" in out
    assert "Linje 4" not in out
    assert not get_user_model().objects.filter(username="per").exists()


def test_validation_queries_do_not_grow_with_rows(tmp_path, capsys, django_assert_max_num_queries):
    muni = testing.municipality()
    unit = testing.unit(muni)
    persons = [testing.person(muni, born=dt.date(1970 + n, 6, 1)) for n in range(30)]
    rows = "".join(f"{p.national_id};{unit.code};Bolig;vedtak;01.01.2026;\n" for p in persons)
    path = write_csv(tmp_path, "national_id;unit_code;name;basis;valid_from;valid_to\n" + rows)
    # One of them reads the service-type catalogue (the type of each row), once.
    with django_assert_max_num_queries(9):
        code, out = run(capsys, "services", path, "--municipality", muni.number)
    assert code == 0, out
    assert Service.objects.filter(unit=unit).count() == 30
    # Every imported service gets a type from the catalogue (people.catalogue.guess_type).
    assert not Service.objects.filter(unit=unit, type__isnull=True).exists()


def test_imported_persons_get_their_number_kind_and_an_fh_number_is_refused(tmp_path, capsys):
    muni = testing.municipality()
    born = dt.date(1979, 9, 9)
    dnr = identity.synthetic_national_id(_rng, born, "K", d_number=True)
    hnr = identity.synthetic_national_id(_rng, born, "K", h_number=True)
    fh = identity.synthetic_fh_number(_rng)
    ok = write_csv(
        tmp_path,
        "national_id;given_name;family_name;phone;email;address\n"
        f"{dnr};Ola;D;;;\n{hnr};Kari;H;;;\n",
    )
    code, out = run(capsys, "persons", ok, "--municipality", muni.number)
    assert code == 0, out
    assert dict(Person.objects.values_list("national_id", "id_type")) == {dnr: "dnr", hnr: "hnr"}
    bad = write_csv(
        tmp_path,
        f"national_id;given_name;family_name;phone;email;address\n{fh};Per;F;;;\n",
        "fh.csv",
    )
    code, out = run(capsys, "persons", bad, "--municipality", muni.number)
    assert code == 2
    assert "Et FH-nummer kan ikke brukes her" in out
    assert Person.objects.count() == 2


def test_unit_rows_name_each_column_that_is_wrong_and_nothing_is_written(tmp_path, capsys):
    muni = testing.municipality()
    path = write_csv(
        tmp_path,
        "code;name;kind\n"
        "psyk;Psykisk helse;Psykisk helse og rus\n"
        f"bad code;{'x' * 121};slott\n"
        ";NAV;\n",
    )
    code, out = run(capsys, "units", path, "--municipality", muni.number)
    assert code == 2
    assert (
        "Linje 3: Koden «bad code» kan bare ha bokstaver a–z, tall, - og _. "
        "«name» kan ha høyst 120 tegn. Ugyldig verdi «slott» i «kind»." in out
    )
    assert "Linje 4: «code» må fylles ut. «kind» må fylles ut." in out
    assert "Linje 2" not in out
    assert not Unit.objects.filter(municipality=muni).exists()
