from django.urls import path

from helhet.housing import views

app_name = "housing"
urlpatterns = [
    path("", views.index, name="index"),
    path("boliger/", views.dwellings, name="dwellings"),
    path("boliger/ny/", views.dwelling_new, name="dwelling_new"),
    path("boliger/<int:dwelling_id>/", views.dwelling, name="dwelling"),
    path("kriterier/", views.criteria_list, name="criteria_list"),
    path("kriterier/ny/", views.criteria_new, name="criteria_new"),
    path("kriterier/<int:criteria_id>/", views.criteria, name="criteria"),
    path("venteliste/", views.waiting_list, name="waiting_list"),
    path("soknader/ny/", views.register, name="register"),
    path("soknader/<int:application_id>/", views.application, name="application"),
    path("soknader/<int:application_id>/vurdering/", views.assess, name="assess"),
    path("soknader/<int:application_id>/vedtak/", views.decide, name="decide"),
    path("soknader/<int:application_id>/forelopig-svar/", views.preliminary, name="preliminary"),
    path("soknader/<int:application_id>/vedtaksbrev.pdf", views.decision_letter, name="letter"),
    path("soknader/<int:application_id>/tilbud/", views.make_offer, name="offer"),
    path("tilbud/<int:offer_id>/svar/", views.answer, name="answer"),
    path("sok/", views.apply, name="apply"),
    path("midlertidig/", views.stays, name="stays"),
    path("midlertidig/ny/", views.stay_new, name="stay_new"),
    path("midlertidig/<int:stay_id>/", views.stay, name="stay"),
    path("midlertidig/<int:stay_id>/vedtaksbrev.pdf", views.stay_letter, name="stay_letter"),
    path("midlertidig/avslag/ny/", views.refusal_new, name="refusal_new"),
    path("midlertidig/avslag/<int:refusal_id>/", views.refusal, name="refusal"),
    path(
        "midlertidig/avslag/<int:refusal_id>/vedtaksbrev.pdf",
        views.refusal_letter,
        name="refusal_letter",
    ),
    path("rutiner/", views.routines, name="routines"),
    path("varsler/", views.notices, name="notices"),
    path("statistikk/", views.stats, name="statistics"),
]
