import pytest

from helhet.api.tests.builders import Demo, make_demo


@pytest.fixture
def demo(db) -> Demo:
    return make_demo()
