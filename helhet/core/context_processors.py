from django.conf import settings


def helhet(request):
    user = getattr(request, "user", None)
    staff = getattr(user, "staff", None) if user and user.is_authenticated else None
    return {
        "demo_mode": settings.DEMO_MODE,
        "current_staff": staff,
    }
