from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView

from helhet.api import docs, token_views, views
from helhet.around import api as around_api
from helhet.housing import api as housing_api
from helhet.nav import api as nav_api

app_name = "api"

v1 = "v1/"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", docs.SwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("nokler/", token_views.tokens, name="tokens"),
    path("nokler/<int:token_id>/trekk-tilbake/", token_views.revoke, name="revoke_token"),
    path(f"{v1}persons/", views.PersonList.as_view(), name="persons"),
    path(f"{v1}persons/<int:person_id>/", views.PersonDetail.as_view(), name="person"),
    path(f"{v1}plans/", views.PlanList.as_view(), name="plans"),
    path(f"{v1}plans/<int:plan_id>/", views.PlanDetail.as_view(), name="plan"),
    path(f"{v1}consents/", views.ConsentList.as_view(), name="consents"),
    path(f"{v1}consents/<int:consent_id>/", views.ConsentDetail.as_view(), name="consent"),
    path(f"{v1}groups/", views.GroupList.as_view(), name="groups"),
    path(f"{v1}groups/<int:group_id>/", views.GroupDetail.as_view(), name="group"),
    path(f"{v1}meetings/", views.MeetingList.as_view(), name="meetings"),
    path(f"{v1}meetings/<int:meeting_id>/", views.MeetingDetail.as_view(), name="meeting"),
    path(f"{v1}applications/", views.ApplicationList.as_view(), name="applications"),
    path(
        f"{v1}applications/<int:application_id>/",
        views.ApplicationDetail.as_view(),
        name="application",
    ),
    path(f"{v1}decisions/", views.DecisionList.as_view(), name="decisions"),
    path(f"{v1}decisions/<int:decision_id>/", views.DecisionDetail.as_view(), name="decision"),
    path(f"{v1}mappings/", views.MappingList.as_view(), name="mappings"),
    path(f"{v1}mappings/<int:mapping_id>/", views.MappingDetail.as_view(), name="mapping"),
    path(f"{v1}deviations/", views.DeviationList.as_view(), name="deviations"),
    path(f"{v1}deviations/<int:deviation_id>/", views.DeviationDetail.as_view(), name="deviation"),
    path(f"{v1}compliance/", views.Compliance.as_view(), name="compliance"),
    path(f"{v1}jobs/<int:job_id>/", views.JobDetail.as_view(), name="job"),
    path(f"{v1}housing/dwellings/", housing_api.DwellingList.as_view(), name="dwellings"),
    path(
        f"{v1}housing/applications/",
        housing_api.HousingApplicationList.as_view(),
        name="housing_applications",
    ),
    path(f"{v1}nav/conditions/", nav_api.ConditionList.as_view(), name="nav_conditions"),
    path(
        f"{v1}nav/conditions/<int:condition_id>/",
        nav_api.ConditionDetail.as_view(),
        name="nav_condition",
    ),
    path(f"{v1}nav/programmes/", nav_api.ProgrammeList.as_view(), name="nav_programmes"),
    path(
        f"{v1}nav/programmes/<int:programme_id>/",
        nav_api.ProgrammeDetail.as_view(),
        name="nav_programme",
    ),
    path(f"{v1}nav/advice/", nav_api.AdviceList.as_view(), name="nav_advice_cases"),
    path(f"{v1}nav/advice/<int:case_id>/", nav_api.AdviceDetail.as_view(), name="nav_advice"),
    path(
        f"{v1}around/external-services/",
        around_api.ExternalServiceList.as_view(),
        name="external_services",
    ),
    path(
        f"{v1}around/external-services/<int:external_id>/",
        around_api.ExternalServiceDetail.as_view(),
        name="external_service",
    ),
    path(f"{v1}around/referrals/", around_api.ReferralList.as_view(), name="referrals"),
    path(
        f"{v1}around/referrals/<int:referral_id>/",
        around_api.ReferralDetail.as_view(),
        name="referral",
    ),
    path(f"{v1}around/gp-messages/", around_api.GpMessageList.as_view(), name="gp_messages"),
    path(
        f"{v1}around/gp-messages/<int:gp_message_id>/",
        around_api.GpMessageDetail.as_view(),
        name="gp_message",
    ),
    path(f"{v1}around/relatives/", around_api.RelativeList.as_view(), name="relatives"),
    path(
        f"{v1}around/relatives/<int:relative_id>/",
        around_api.RelativeDetail.as_view(),
        name="relative",
    ),
    # Anything else under the API answers in JSON, not with the HTML 404 page.
    re_path(r"^v1/", views.not_found, name="not_found"),
]
