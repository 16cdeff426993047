from django.urls import path

from helhet.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("velg/", views.choose, name="choose"),
    path("plan/", views.plan, name="plan"),
    path("plan/pdf/", views.plan_pdf, name="plan_pdf"),
    path("plan/mal/ny/", views.goal_new, name="goal_new"),
    path("plan/mal/<int:goal_id>/", views.goal_edit, name="goal_edit"),
    path("plan/mal/<int:goal_id>/kommentar/", views.goal_comment, name="goal_comment"),
    path("samtykker/", views.consents, name="consents"),
    path("samtykker/nytt/", views.consent_new, name="consent_new"),
    path(
        "samtykker/<int:consent_id>/trekk-tilbake/",
        views.consent_withdraw,
        name="consent_withdraw",
    ),
    path("paminnelser/<int:reminder_id>/lest/", views.reminder_seen, name="reminder_seen"),
    path("varsler/<int:act_id>/lest/", views.act_seen, name="act_seen"),
    path("innsyn/", views.access_log, name="access_log"),
    path("innsyn/sperr/", views.block_new, name="block_new"),
    path("innsyn/sperr/<int:block_id>/opphev/", views.block_lift, name="block_lift"),
    path("innsyn/varsling/", views.notice, name="notice"),
    path("fullmakter/", views.proxies, name="proxies"),
    path(
        "fullmakter/<int:representation_id>/tilbakekall/",
        views.proxy_revoke,
        name="proxy_revoke",
    ),
    path("meldinger/", views.message_list, name="messages"),
    path("tilbakemelding/", views.feedback, name="feedback"),
    # Staff pages.
    path("ansatt/verge/<int:person_id>/", views.guardian_new, name="guardian_new"),
    path("ansatt/tilbakemeldinger/", views.feedback_overview, name="feedback_overview"),
]
