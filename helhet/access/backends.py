"""Login throttling (django-axes) for every login made over HTTP."""

from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    """Refuses a locked-out username before its password is checked.

    Logins without a request (the test client, the shell) are not HTTP
    attempts and cannot be throttled by address or session; django-axes would
    raise for them, so they pass through to the next backend unchanged.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
