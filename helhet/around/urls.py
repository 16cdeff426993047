from django.urls import path

from helhet.around import views

app_name = "around"
urlpatterns = [
    path("person/<int:person_id>/", views.person, name="person"),
    path("person/<int:person_id>/ekstern/ny/", views.external_new, name="external_new"),
    path("ekstern/<int:external_id>/", views.external_edit, name="external_edit"),
    path("ekstern/<int:external_id>/delta/", views.external_join, name="external_join"),
    path("person/<int:person_id>/behov/", views.assessment_new, name="assessment_new"),
    path("person/<int:person_id>/somatisk/", views.somatic_new, name="somatic_new"),
    path("person/<int:person_id>/kriseplan/", views.crisis_plan, name="crisis_plan"),
    path("person/<int:person_id>/henvisning/ny/", views.referral_new, name="referral_new"),
    path("henvisning/<int:referral_id>/", views.referral_edit, name="referral_edit"),
    path("henvisning/<int:referral_id>/fhir/", views.referral_fhir, name="referral_fhir"),
    path("person/<int:person_id>/utskrivning/ny/", views.discharge_new, name="discharge_new"),
    path("utskrivning/<int:discharge_id>/", views.discharge_edit, name="discharge_edit"),
    path("utskrivning/<int:discharge_id>/ettervern/", views.aftercare, name="aftercare"),
    path("person/<int:person_id>/fastlege/", views.gp_message_new, name="gp_message_new"),
    path(
        "fastlegemelding/<int:gp_message_id>/fhir/", views.gp_message_fhir, name="gp_message_fhir"
    ),
    path("utskrivninger/", views.discharges, name="discharges"),
    path("parorende/<int:relative_id>/behov/", views.relative_need_new, name="relative_need_new"),
    path("person/<int:person_id>/barn/avklaring/", views.children_check, name="children_check"),
    path("person/<int:person_id>/barn/ny/", views.child_new, name="child_new"),
    path("barn/<int:child_id>/", views.child_edit, name="child_edit"),
]
