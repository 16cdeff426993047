from django.urls import path

from helhet.intake import views

app_name = "intake"
urlpatterns = [
    path("", views.cases, name="cases"),
    path("arbeidsliste/", views.worklist, name="worklist"),
    path("ny/", views.register, name="register"),
    path("statistikk/", views.stats, name="stats"),
    path("soknad/<int:application_id>/", views.application, name="application"),
    path("soknad/<int:application_id>/notat/", views.add_note, name="add_note"),
    path("soknad/<int:application_id>/vurdering/", views.assess, name="assess"),
    path("soknad/<int:application_id>/kvittering/", views.acknowledge, name="acknowledge"),
    path(
        "soknad/<int:application_id>/forelopig-svar/",
        views.preliminary_answer,
        name="preliminary_answer",
    ),
    path("soknad/<int:application_id>/brev/<slug:letter>.pdf", views.letter, name="letter"),
    path("soknad/<int:application_id>/nav/", views.social_facts, name="social_facts"),
    path("soknad/<int:application_id>/vedtak/", views.decide, name="decide"),
    path("vedtak/<int:decision_id>/", views.decision, name="decision"),
    path("vedtak/<int:decision_id>/signer/", views.sign, name="sign"),
    path("vedtak/<int:decision_id>/brev.pdf", views.decision_letter, name="decision_letter"),
    path("vedtak/<int:decision_id>/brev-sendt/", views.decision_letter_sent, name="letter_sent"),
    path(
        "vedtak/<int:decision_id>/brev-mottatt/",
        views.decision_letter_received,
        name="letter_received",
    ),
    path("vedtak/<int:decision_id>/oppstart/", views.confirm_start, name="confirm_start"),
    path("vedtak/<int:decision_id>/klage/", views.add_appeal, name="add_appeal"),
    path(
        "vedtak/<int:decision_id>/klage/<int:appeal_id>/status/",
        views.appeal_status,
        name="appeal_status",
    ),
    path("vedtak/<int:decision_id>/koordinatoransvar/", views.assign, name="assign"),
    path("koordinator/<int:request_id>/", views.coordinator_request, name="request"),
    path("koordinator/<int:request_id>/oppnevn/", views.name_coordinator, name="name_coordinator"),
    path("koordinator/<int:request_id>/brev.pdf", views.coordinator_letter, name="request_letter"),
    path(
        "koordinator/<int:request_id>/brev-sendt/",
        views.coordinator_letter_sent,
        name="request_letter_sent",
    ),
    path("koordinatorer/", views.coordinators, name="coordinators"),
    path("koordinatorer/<int:staff_id>/opplaering/", views.training, name="training"),
]
