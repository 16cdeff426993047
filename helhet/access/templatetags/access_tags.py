from django import template
from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User

register = template.Library()


@register.simple_tag
def oidc_label() -> str:
    """The identity provider's name when OpenID Connect login is on, else ""."""
    label: str = settings.OIDC_LABEL if settings.OIDC_ENABLED else ""
    return label


@register.simple_tag
def may_review_access(user: User | AnonymousUser) -> bool:
    """Whether the nav shows the leader's review of unusual access."""
    from helhet.access.roles import REVIEWERS
    from helhet.organisation.services import roles_of

    return bool(roles_of(user=user) & REVIEWERS)


@register.filter
def mask_national_ids(value: str) -> str:
    """Pages echo their own address (e.g. the language switch); an address
    typed with a fødselsnummer in it must not put the number on the page."""
    from helhet.access.logfilter import ELEVEN_DIGITS, MASK

    return ELEVEN_DIGITS.sub(MASK, str(value))


@register.filter
def basis_label(code: str) -> str:
    """The gate's basis in words, never its code."""
    from helhet.access import gate

    return gate.basis_label(code or "")


@register.filter
def category_label(code: str) -> str:
    """A category of information in words, never its code."""
    from helhet.access import gate

    return gate.category_label(code or "")
