import pytest

from helhet.plans.tests.builders import Story, make_story


@pytest.fixture
def story(db) -> Story:
    return make_story()


@pytest.fixture
def coordinator_client(client, story):
    client.force_login(story.coordinator)
    return client
