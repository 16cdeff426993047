import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from helhet import testing
from helhet.access.models import AccessLogEntry
from helhet.cooperation import rules
from helhet.cooperation.models import Attachment, Message
from helhet.cooperation.tests.builders import JPEG, PDF, PNG, coordinated_person
from helhet.organisation.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _post(client, person, name, content, body="Se vedlegg"):
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    return client.post(
        f"/samarbeid/person/{person.pk}/meldinger/", {"body": body, "attachment": upload}
    )


@pytest.mark.parametrize(
    ("name", "content", "error"),
    [
        ("rapport.pdf", PNG, "Filendelsen «.pdf» passer ikke med innholdet, som er PNG-bilde."),
        ("bilde.png", b"MZ\x90\x00" + b"\x00" * 40, "Bare PDF, PNG og JPEG kan lastes opp."),
        ("skjema.docx", PDF, "Filendelsen «.docx» passer ikke"),
        ("tom.pdf", b"", "Den innsendte filen er tom."),
    ],
)
def test_a_refused_attachment_shows_why_and_stores_nothing(client, media, name, content, error):
    _, _, coordinator, person = coordinated_person()
    client.force_login(coordinator)
    response = _post(client, person, name, content)
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not Message.objects.exists() and not Attachment.objects.exists()
    assert not any(media.rglob("*"))


def test_a_file_over_10_mb_is_refused(client, media):
    _, _, coordinator, person = coordinated_person()
    client.force_login(coordinator)
    big = PDF + b"0" * rules.MAX_ATTACHMENT_BYTES
    response = _post(client, person, "stor.pdf", big)
    assert response.status_code == 400
    assert "Filen er for stor" in response.content.decode()
    assert not Message.objects.exists()
    assert not any(media.rglob("*"))


def test_an_accepted_attachment_is_stored_outside_the_web_root_and_served_through_the_gate(
    client, media
):
    muni, _, coordinator, person = coordinated_person()
    client.force_login(coordinator)
    assert _post(client, person, "epikrise.JPG", JPEG, body="Epikrise fra DPS").status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.content_type == "image/jpeg"
    stored = media / "cooperation" / attachment.stored_name
    assert stored.read_bytes() == JPEG
    assert "epikrise" not in attachment.file.name

    page = client.get(f"/samarbeid/person/{person.pk}/meldinger/").content.decode()
    assert "Epikrise fra DPS" in page and "epikrise.JPG" in page
    response = client.get(f"/samarbeid/vedlegg/{attachment.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == JPEG
    assert AccessLogEntry.objects.filter(person=person, what="vedlegg", granted=True).exists()

    outsider = testing.staff(testing.unit(muni), Role.SERVICE_PROVIDER)
    client.force_login(outsider)
    assert client.get(f"/samarbeid/vedlegg/{attachment.pk}/").status_code == 403
    assert client.get(f"/samarbeid/person/{person.pk}/meldinger/").status_code == 403
    assert client.get("/samarbeid/vedlegg/987654/").status_code == 404


def test_the_person_reads_and_writes_their_thread_on_min_side_not_the_staff_page(client):
    _, _, coordinator, person = coordinated_person()
    person.user = get_user_model().objects.create_user(username="kari", password=testing.PASSWORD)
    person.save()
    Message.objects.create(
        person=person, author=coordinator, author_name="Koordinator", body="Hei Kari"
    )
    client.force_login(person.user)
    assert client.get(f"/samarbeid/person/{person.pk}/meldinger/").status_code == 403
    client.post(f"/samarbeid/person/{person.pk}/meldinger/", {"body": "Ikke her"})
    assert not Message.objects.filter(body="Ikke her").exists()
    assert "Hei Kari" in client.get("/min-side/meldinger/").content.decode()
    client.post("/min-side/meldinger/", {"body": "Takk!"})
    assert Message.objects.filter(person=person, body="Takk!").exists()
