"""Walking the project's URL patterns, for the URL walker and the role matrix."""

from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.module_loading import import_string

from helhet.access.registry import PersonKwarg, declaration

SKIPPED_NAMESPACES = {"admin"}  # see test_admin_cannot_change_person_owned_data
UNKNOWN_ID = 987654321


def walk(patterns, namespaces=(), kwargs=()):
    """(url name, kwarg names in order, converters) for every leaf pattern."""
    for entry in patterns:
        names = tuple(entry.pattern.regex.groupindex)
        converters = getattr(entry.pattern, "converters", {})
        if isinstance(entry, URLResolver):
            if entry.namespace in SKIPPED_NAMESPACES:
                continue
            inner = namespaces + ((entry.namespace,) if entry.namespace else ())
            for name, found, conv in walk(entry.url_patterns, inner, kwargs + names):
                yield name, found, {**converters, **conv}
        elif isinstance(entry, URLPattern):
            name = ":".join(namespaces + (entry.name,)) if entry.name else entry.lookup_str
            yield name, kwargs + names, converters


ALL = sorted({(name, kwargs) for name, kwargs, _conv in walk(get_resolver().url_patterns)})
CONVERTERS = {(name, kwargs): conv for name, kwargs, conv in walk(get_resolver().url_patterns)}


def declared(name, arg):
    return declaration(name.partition(":")[0] if ":" in name else "", arg)


def is_person(name, arg) -> bool:
    return isinstance(declared(name, arg), PersonKwarg)


PERSON_URLS = [(n, k) for n, k in ALL if any(is_person(n, a) for a in k)]


def value_for(name, kwargs, arg, person, ids):
    found = declared(name, arg)
    if isinstance(found, PersonKwarg):
        return import_string(found.sample.replace(":", "."))(person, ids)
    if found is not None and found.example is not None:
        return found.example
    converter = CONVERTERS[name, kwargs].get(arg)
    return 1 if type(converter).__name__ == "IntConverter" else "x"


def url_for(name, kwargs, person):
    ids: dict = {}
    for arg in kwargs:
        ids[arg] = value_for(name, kwargs, arg, person, ids)
    return reverse(name, kwargs=ids)
