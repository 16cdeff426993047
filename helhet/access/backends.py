"""Login throttling (django-axes) for every login made over HTTP."""

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest


# django-axes ships no type information: its backend is Any to mypy.
class LockoutBackend(AxesStandaloneBackend):  # type: ignore[misc]
    """Refuses a locked-out username before its password is checked.

    Logins without a request (the test client, the shell) are not HTTP
    attempts and cannot be throttled by address or session; django-axes would
    raise for them, so they pass through to the next backend unchanged.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> AbstractBaseUser | None:
        if request is None:
            return None
        user: AbstractBaseUser | None = super().authenticate(
            request, username=username, password=password, **kwargs
        )
        return user
