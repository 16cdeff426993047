from unittest import mock

import pytest
from requests.exceptions import ConnectionError as RequestsConnectionError
from rest_framework import exceptions
from rest_framework.test import APIRequestFactory

from helhet.api.authentication import ApiTokenAuthentication, OIDCBearerAuthentication

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _oidc_configured(settings):
    settings.OIDC_OP_JWKS_ENDPOINT = "https://idp.example/jwks"
    settings.OIDC_OP_USER_ENDPOINT = "https://idp.example/userinfo"


def _request(header: str):
    return APIRequestFactory().get("/api/v1/persons/", HTTP_AUTHORIZATION=header)


def test_oidc_bearer_token_maps_to_the_staff_member(demo, settings):
    settings.OIDC_STAFF_CLAIM = "preferred_username"
    auth = OIDCBearerAuthentication()
    claims = {"preferred_username": "koordinator"}
    with mock.patch.object(auth.backend, "get_userinfo", return_value=claims):
        user, token = auth.authenticate(_request("Bearer abc"))
    assert user == demo.user("koordinator") and token == "abc"


def test_oidc_provider_down_is_an_authentication_failure_not_a_crash(db):
    auth = OIDCBearerAuthentication()
    with mock.patch.object(auth.backend, "get_userinfo", side_effect=RequestsConnectionError()):
        with pytest.raises(exceptions.AuthenticationFailed):
            auth.authenticate(_request("Bearer abc"))


@pytest.mark.parametrize("header", ["Token", "Token a b", "Token hlt_ukjent", "Token ikke-vår"])
def test_malformed_or_unknown_tokens_fail(db, header):
    with pytest.raises(exceptions.AuthenticationFailed):
        ApiTokenAuthentication().authenticate(_request(header))


def test_other_schemes_are_left_to_other_classes(db):
    assert ApiTokenAuthentication().authenticate(_request("Bearer abc")) is None
