from django.urls import path

from helhet.around import views

app_name = "around"
urlpatterns = [
    path("person/<int:person_id>/", views.person, name="person"),
    path("person/<int:person_id>/ekstern/ny/", views.external_new, name="external_new"),
    path("ekstern/<int:external_id>/", views.external_edit, name="external_edit"),
    path("person/<int:person_id>/behov/", views.assessment_new, name="assessment_new"),
    path("person/<int:person_id>/somatisk/", views.somatic_new, name="somatic_new"),
    path("person/<int:person_id>/kriseplan/", views.crisis_plan, name="crisis_plan"),
]
