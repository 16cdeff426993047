"""The test lanes (CONTRIBUTING.md, «Tests»): the allowance for async-unsafe
calls belongs to the browser fixture alone."""

import os


def test_a_test_without_the_browser_runs_without_the_async_unsafe_allowance():
    # Browser tests are collected last and the browser fixture removes the
    # allowance when the browser closes, so every other test runs as Django
    # would in production: a database call from a running event loop fails.
    assert "DJANGO_ALLOW_ASYNC_UNSAFE" not in os.environ
