import pytest


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_api_docs_work_under_the_content_security_policy(page):
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.goto("/api/docs/")
    page.get_by_text("/api/v1/plans/{plan_id}/").first.wait_for()
    assert page.get_by_role("heading", name="Helhet API").count() >= 1
    assert violations == []
