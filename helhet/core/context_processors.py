from django.conf import settings
from django.utils.functional import SimpleLazyObject

from helhet.core import menu


def _municipality(user, staff):
    if staff is not None:
        return staff.municipality.name
    person = getattr(user, "person", None)
    return person.municipality.name if person is not None else ""


def helhet(request):
    user = getattr(request, "user", None)
    staff = getattr(user, "staff", None) if user and user.is_authenticated else None
    authenticated = bool(user and user.is_authenticated)

    def _menu():
        primary, more = menu.split(menu.links_for(user, request.path, request))
        return {"primary": primary, "more": more}

    return {
        "demo_mode": settings.DEMO_MODE,
        "current_staff": staff,
        # Lazy: pages without the header (PDFs, fragments) pay nothing.
        "main_menu": SimpleLazyObject(_menu) if authenticated else {},
        "municipality_name": SimpleLazyObject(lambda: _municipality(user, staff))
        if authenticated
        else "",
    }
