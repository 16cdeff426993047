from django.urls import path, re_path

from helhet.api import fhir_views as views
from helhet.around import fhir_views as around
from helhet.housing import fhir as housing_fhir

app_name = "fhir"
urlpatterns = [
    path("", views.Base.as_view(), name="base"),
    path("metadata", views.Metadata.as_view(), name="metadata"),
    path("Patient", views.PatientSearch.as_view(), name="patients"),
    path("Patient/<str:person_id>", views.PatientRead.as_view(), name="patient"),
    path("CarePlan", views.CarePlanSearch.as_view(), name="care_plans"),
    path("CarePlan/<str:plan_id>", views.CarePlanRead.as_view(), name="care_plan"),
    path("CareTeam", views.CareTeamSearch.as_view(), name="care_teams"),
    path("CareTeam/<str:group_id>", views.CareTeamRead.as_view(), name="care_team"),
    path("Consent", views.ConsentSearch.as_view(), name="consents"),
    path("Consent/<str:consent_id>", views.ConsentRead.as_view(), name="consent"),
    path(
        "QuestionnaireResponse",
        views.QuestionnaireResponseSearch.as_view(),
        name="questionnaire_responses",
    ),
    path(
        "QuestionnaireResponse/<str:mapping_id>",
        views.QuestionnaireResponseRead.as_view(),
        name="questionnaire_response",
    ),
    # Housing (helhet.housing.fhir): dwellings as Location, applications as Task.
    path("Location", housing_fhir.LocationSearch.as_view(), name="locations"),
    path("Location/<str:dwelling_id>", housing_fhir.LocationRead.as_view(), name="location"),
    path("Task", housing_fhir.TaskSearch.as_view(), name="tasks"),
    path("Task/<str:housing_application_id>", housing_fhir.TaskRead.as_view(), name="task"),
    # Around the person (helhet.around.fhir_views).
    path("Organization", around.OrganizationSearch.as_view(), name="organizations"),
    path("Organization/<str:external_id>", around.OrganizationRead.as_view(), name="organization"),
    path("Practitioner", around.PractitionerSearch.as_view(), name="practitioners"),
    path("Practitioner/<str:external_id>", around.PractitionerRead.as_view(), name="practitioner"),
    path("ServiceRequest", around.ServiceRequestSearch.as_view(), name="service_requests"),
    path(
        "ServiceRequest/<str:referral_id>",
        around.ServiceRequestRead.as_view(),
        name="service_request",
    ),
    path("Communication", around.CommunicationSearch.as_view(), name="communications"),
    path(
        "Communication/<str:gp_message_id>",
        around.CommunicationRead.as_view(),
        name="communication",
    ),
    path("RelatedPerson", around.RelatedPersonSearch.as_view(), name="related_persons"),
    path(
        "RelatedPerson/<str:relative_id>",
        around.RelatedPersonRead.as_view(),
        name="related_person",
    ),
    re_path(r"^.+$", views.unknown, name="unknown"),
]
