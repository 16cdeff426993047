from django import template

from helhet.plans import rules

register = template.Library()


@register.filter
def may_offer_plan(plans) -> bool:
    """Whether a new plan may be offered, given the person's plans (one open plan per person)."""
    return rules.may_offer_plan(plan.status for plan in plans)


@register.simple_tag
def conflict_for(conflicts, field=None, name=""):
    """The conflict of a refused save for one field (by the field or its name), or None."""
    return (conflicts or {}).get(name or getattr(field, "name", ""))
