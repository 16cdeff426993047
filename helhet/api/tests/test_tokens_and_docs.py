import re

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from helhet import testing as t
from helhet.api.models import ApiToken

pytestmark = pytest.mark.django_db


def test_staff_create_a_token_that_is_shown_once_and_works(demo, client):
    client.force_login(demo.user("koordinator"))
    response = client.post(reverse("api:tokens"), {"name": "Fagsystem"})
    assert response.status_code == 200
    raw = re.search(r'value="(hlt_[^"]+)"', response.content.decode()).group(1)
    token = ApiToken.objects.get(user=demo.user("koordinator"))
    assert raw not in token.token_hash and token.prefix == raw[:12]
    listed = client.get(reverse("api:tokens")).content.decode()
    assert "Fagsystem" in listed and raw not in listed
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    assert api.get(reverse("api:persons")).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_revoked_token_stops_working(demo, client):
    user = demo.user("koordinator")
    client.force_login(user)
    raw = re.search(
        r'value="(hlt_[^"]+)"',
        client.post(reverse("api:tokens"), {"name": "Gammel"}).content.decode(),
    ).group(1)
    token = ApiToken.objects.get(user=user)
    response = client.post(reverse("api:revoke_token", kwargs={"token_id": token.pk}), follow=True)
    assert "trukket tilbake" in response.content.decode()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    assert api.get(reverse("api:persons")).status_code == 403


def test_nobody_revokes_another_users_token(demo, client):
    token = ApiToken.objects.create(
        user=demo.user("ke"), name="KE", token_hash="x" * 64, prefix="hlt_x"
    )
    client.force_login(demo.user("koordinator"))
    client.post(reverse("api:revoke_token", kwargs={"token_id": token.pk}))
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_token_needs_a_name(demo, client):
    client.force_login(demo.user("koordinator"))
    response = client.post(reverse("api:tokens"), {"name": ""})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_persons_get_no_tokens(db, client):
    muni = t.municipality()
    person = t.person(muni)
    from django.contrib.auth import get_user_model

    person.user = get_user_model().objects.create_user("innbygger")
    person.save()
    client.force_login(person.user)
    assert client.get(reverse("api:tokens")).status_code == 403


def test_schema_and_docs_are_served_without_inline_code(client, db):
    schema = client.get(reverse("api:schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    assert "/api/v1/plans/{plan_id}/" in schema.json()["paths"]
    docs = client.get(reverse("api:docs"))
    html = docs.content.decode()
    assert docs.status_code == 200
    assert "<style" not in html and "<script>" not in html
    assert "cdn" not in html.lower()
    scripts = re.findall(r'<script src="([^"]+)"', html)
    assert len(scripts) == 3
    for src in scripts:
        assert client.get(src).status_code == 200, src
