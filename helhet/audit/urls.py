from django.urls import path

from helhet.audit import campaign_views, views

app_name = "audit"
urlpatterns = [
    path("", views.compliance, name="compliance"),
    path("beregn/", views.recompute, name="recompute"),
    path("etterlevelse.pdf", views.compliance_pdf, name="compliance_pdf"),
    path("kriterium/<str:criterion>/", views.criterion, name="criterion"),
    path("utvalg/", views.samples, name="samples"),
    path("utvalg/<int:sample_id>/", views.sample, name="sample"),
    path("utvalg/<int:sample_id>/rapport.pdf", views.sample_pdf, name="sample_pdf"),
    path("utvalg/<int:sample_id>/<str:reference>/", views.sample_item, name="sample_item"),
    path("egenvurdering/", campaign_views.campaign_list, name="campaigns"),
    path("egenvurdering/ny/", campaign_views.campaign_new, name="campaign_new"),
    path("egenvurdering/<int:campaign_id>/", campaign_views.campaign, name="campaign"),
    path(
        "egenvurdering/svar/<int:participation_id>/",
        campaign_views.participation,
        name="participation",
    ),
    path(
        "egenvurdering/svar/<int:participation_id>/vurdering/",
        campaign_views.assess,
        name="assess",
    ),
    path(
        "egenvurdering/svar/<int:participation_id>/tilbakemelding.pdf",
        campaign_views.feedback_letter,
        name="feedback_letter",
    ),
]
