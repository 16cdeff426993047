from django.urls import path

from helhet.nav import views

app_name = "nav"
urlpatterns = [
    path("", views.index, name="index"),
    path("vilkar/ny/", views.condition_new, name="condition_new"),
    path("vilkar/<int:condition_id>/", views.condition, name="condition"),
    path(
        "brudd/<int:noncompliance_id>/vedtaksbrev.pdf",
        views.noncompliance_letter,
        name="noncompliance_letter",
    ),
    path("statistikk/", views.stats, name="statistics"),
    path("kvp/ny/", views.programme_new, name="programme_new"),
    path("kvp/<int:programme_id>/", views.programme, name="programme"),
    path("okonomi/ny/", views.advice_new, name="advice_new"),
    path("okonomi/<int:case_id>/", views.advice, name="advice"),
]
