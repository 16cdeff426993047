"""An installation that forgets a setting runs securely, or not at all."""

import os
import subprocess
import sys

SHOW = "from django.conf import settings; print(settings.DEMO_MODE, settings.SESSION_COOKIE_SECURE)"


def _run(**env_changes):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("HELHET_DEMO_MODE", "HELHET_SECRET_KEY", "DJANGO_SETTINGS_MODULE")
    }
    env.update(DJANGO_SETTINGS_MODULE="helhet.settings", **env_changes)
    code = f"import django; django.setup(); {SHOW}"
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )


def test_without_the_demo_variable_it_is_not_a_demo():
    done = _run(HELHET_SECRET_KEY="a-long-random-key-for-this-test-only-0123456789")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "True"]


def test_production_refuses_to_start_without_a_secret_key():
    done = _run()
    assert done.returncode != 0
    assert "HELHET_SECRET_KEY is not set" in done.stderr


def test_demo_mode_only_when_turned_on():
    done = _run(HELHET_DEMO_MODE="1")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "False"]


def test_the_deploy_check_passes_with_production_settings():
    """What CI runs last: Django's deployment checks (and drf-spectacular's
    schema checks), warnings counted as errors, with production settings (and
    without the test run's allowance for the browser fixture's async code)."""
    dropped = (
        "HELHET_DEMO_MODE",
        "HELHET_SECRET_KEY",
        "DJANGO_SETTINGS_MODULE",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
    )
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(
        DJANGO_SETTINGS_MODULE="helhet.settings",
        HELHET_SECRET_KEY="a-long-random-key-for-this-test-only-0123456789-abcdefghijklmnop",
        HELHET_ALLOWED_HOSTS="helhet.example.kommune.no",
    )
    done = subprocess.run(
        [sys.executable, "-m", "helhet.manage", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
