import os

import pytest
from hypothesis import settings as hypothesis_settings

# No per-example deadline: CI shares two cores with a browser and a database,
# and a slow example is not a wrong one. Tests that need speed are benchmarks.
hypothesis_settings.register_profile("helhet", deadline=None)
hypothesis_settings.load_profile("helhet")

# Browser tests run Django's live server in a thread; Playwright's sync API
# runs an event loop in the test thread, which Django would otherwise refuse.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session", autouse=True)
def _data_dirs():
    # What the `helhet` command and the WSGI application make at start
    # (helhet/core/datadirs.py); WhiteNoise looks for STATIC_ROOT.
    from helhet.core.datadirs import ensure_data_dirs

    ensure_data_dirs()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Argon2 is deliberately slow; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


CHROMIUM = "/usr/bin/chromium"
# Without these flags Chromium tries Google's hosts at every start, which this
# closed network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (never a browser Playwright downloads)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser tab with Norwegian locale, pointed at the live server."""
    context = browser.new_context(base_url=live_server.url, locale="nb-NO")
    context.set_default_timeout(10_000)
    tab = context.new_page()
    yield tab
    context.close()
