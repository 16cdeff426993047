from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from helhet.access import views as access_views
from helhet.core import views as core_views
from helhet.workday import views as workday_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("", workday_views.start, name="home"),
    path(
        "logg-inn/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("logg-ut/", access_views.logout, name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("personer/", include("helhet.people.urls")),
    path("planer/", include("helhet.plans.urls")),
    path("koordinering/", include("helhet.coordination.urls")),
    path("tilgang/", include("helhet.access.urls")),
    path("organisasjon/", include("helhet.organisation.urls")),
    path("samtykker/", include("helhet.consent.urls")),
    path("inntak/", include("helhet.intake.urls")),
    path("samarbeid/", include("helhet.cooperation.urls")),
    path("kartlegging/", include("helhet.mapping.urls")),
    path("rundt/", include("helhet.around.urls")),
    path("brukerstemme/", include("helhet.voice.urls")),
    path("ansatte/", include("helhet.workforce.urls")),
    path("lavterskel/", include("helhet.offers.urls")),
    path("kvalitet/", include("helhet.quality.urls")),
    path("bolig/", include("helhet.housing.urls")),
    path("nav/", include("helhet.nav.urls")),
    path("revisjon/", include("helhet.audit.urls")),
    path("bakgrunn/", include("helhet.background.urls")),
    path("min-side/", include("helhet.portal.urls")),
    path("api/", include("helhet.api.urls")),
    path("fhir/r4/", include("helhet.api.fhir_urls")),
    path("systemadmin/", admin.site.urls),
]

handler403 = "helhet.core.views.permission_denied"
handler404 = "helhet.core.views.page_not_found"
handler500 = "helhet.core.views.server_error"
