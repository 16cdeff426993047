from django.urls import path

from helhet.consent import views

app_name = "consent"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("evaluering/", views.evaluation, name="evaluation"),
    path("person/<int:person_id>/", views.person_consents, name="person"),
    path("person/<int:person_id>/ny/", views.create, name="create"),
    path("person/<int:person_id>/skjema.pdf", views.form_pdf, name="form_pdf"),
    path("<int:consent_id>/", views.detail, name="detail"),
    path("<int:consent_id>/trekk-tilbake/", views.withdraw, name="withdraw"),
    path("<int:consent_id>/forny/", views.renew, name="renew"),
]
