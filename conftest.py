import os

import pytest
from hypothesis import settings as hypothesis_settings

# No per-example deadline: CI shares two cores with a browser and a database,
# and a slow example is not a wrong one. Tests that need speed are benchmarks.
hypothesis_settings.register_profile("helhet", deadline=None)
hypothesis_settings.load_profile("helhet")

BROWSER_FIXTURES = {"browser", "page"}


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(items):
    # A test that drives the browser is a browser test, marked or not, so
    # `-m "not browser and not load"` (the fast lane, CONTRIBUTING.md) never
    # starts Chromium. Marked before `-m` selects, hence the wrapper.
    for item in items:
        if BROWSER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)
    yield
    # Browser tests run last (a stable sort after pytest-django's, the same in
    # every xdist worker): the browser fixture's allowance for async-unsafe
    # calls lasts as long as the browser, so no other test should come after.
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


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

    # Playwright's sync API keeps an event loop running in the test thread for
    # as long as it runs, and Django refuses database access from a thread with
    # a running loop. The allowance is given here, for the browser's lifetime
    # only, so no test that does not drive the browser runs with it.
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            yield chromium
            chromium.close()
    finally:
        if before is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


@pytest.fixture
def page(browser, live_server):
    """A fresh browser tab with Norwegian locale, pointed at the live server."""
    context = browser.new_context(base_url=live_server.url, locale="nb-NO")
    context.set_default_timeout(10_000)
    tab = context.new_page()
    yield tab
    context.close()
