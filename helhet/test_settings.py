"""Settings for the test suite: the production settings in demo mode.

Demo mode is off unless something turns it on (helhet.settings); the tests
run as a laptop demo does (no second factor to enrol, no HTTPS), and tests of
production behaviour switch it off with ``settings.DEMO_MODE = False``. Set
in the environment, so the ``helhet`` child processes some tests start
inherit it.
"""

import os

os.environ.setdefault("HELHET_DEMO_MODE", "1")

from helhet.settings import *  # noqa: E402, F403

# Tasks run at once, inside the test, so a page test sees the finished work
# without a worker; the queue's own tests (helhet/background/tests) switch to the
# database backend and run workers.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
