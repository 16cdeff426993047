from django.urls import path

from helhet.access import views

app_name = "access"
urlpatterns = [
    path("person/<int:person_id>/logg/", views.person_log, name="person_log"),
    path("nodtilgang/", views.emergency, name="emergency"),
    path("kontroll/", views.review, name="review"),
    path("kontroll/<int:entry_id>/gjennomgatt/", views.review_entry, name="review_entry"),
    path("administrasjonslogg/", views.admin_log, name="admin_log"),
    path("ny-innlogging/", views.enrol_request, name="enrol_request"),
    path("ny-innlogging/<uidb64>/<token>/", views.enrol_confirm, name="enrol_confirm"),
    path("tofaktor/", views.otp_setup, name="otp_setup"),
    path("tofaktor/bekreft/", views.otp_verify, name="otp_verify"),
    path("oidc/logg-inn/", views.oidc_init, name="oidc_init"),
    path("oidc/callback/", views.oidc_callback, name="oidc_callback"),
]
