from django.urls import path

from helhet.plans import views

app_name = "plans"
urlpatterns = [
    path("<int:plan_id>/", views.detail, name="detail"),
    path("<int:plan_id>/endre/", views.edit_plan, name="edit"),
    path("<int:plan_id>/mal/ny/", views.goal_form, name="goal_new"),
    path("<int:plan_id>/mal/<int:goal_id>/", views.goal_form, name="goal_edit"),
    path(
        "<int:plan_id>/mal/<int:row_id>/fjern/", views.remove, {"kind": "goal"}, name="goal_delete"
    ),
    path("<int:plan_id>/mal/<int:goal_id>/tiltak/ny/", views.measure_form, name="measure_new"),
    path("<int:plan_id>/tiltak/<int:measure_id>/", views.measure_form, name="measure_edit"),
    path(
        "<int:plan_id>/tiltak/<int:row_id>/fjern/",
        views.remove,
        {"kind": "measure"},
        name="measure_delete",
    ),
    path("<int:plan_id>/deltakere/ny/", views.participant_form, name="participant_new"),
    path(
        "<int:plan_id>/deltakere/<int:participant_id>/",
        views.participant_form,
        name="participant_edit",
    ),
    path(
        "<int:plan_id>/deltakere/<int:row_id>/fjern/",
        views.remove,
        {"kind": "participant"},
        name="participant_delete",
    ),
    path("<int:plan_id>/kriseplan/", views.crisis_plan, name="crisis_plan"),
    path("<int:plan_id>/svar/", views.answer_offer, name="answer"),
    path("<int:plan_id>/avslutt/", views.close, name="close"),
    path("<int:plan_id>/historikk/", views.history, name="history"),
    path("<int:plan_id>/versjon/<int:number>/", views.version, name="version"),
    path("<int:plan_id>/sammenlign/", views.compare, name="compare"),
    path("<int:plan_id>/pdf/", views.plan_pdf, name="pdf"),
    path("tilby/<int:person_id>/", views.offer, name="offer"),
]
