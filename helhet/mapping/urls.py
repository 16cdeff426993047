from django.urls import path

from helhet.mapping import views

app_name = "mapping"
urlpatterns = [
    path("", views.index, name="index"),
    path("person/<int:person_id>/", views.person, name="person"),
    path("person/<int:person_id>/ny/", views.new_mapping, name="new"),
    path("<int:mapping_id>/", views.detail, name="detail"),
    path("<int:mapping_id>/henvis/", views.refer, name="refer"),
    path("<int:mapping_id>/be-om-ip/", views.request_plan, name="request_plan"),
    path("<int:mapping_id>/screening/<slug:instrument>/", views.screening, name="screening"),
    path("plan/<int:plan_id>/evaluering/", views.plan_evaluation, name="plan_evaluation"),
    path("statistikk/", views.statistics_page, name="statistics"),
    path("statistikk/eksport.csv", views.statistics_export, {"fmt": "csv"}, name="export_csv"),
    path("statistikk/eksport.xlsx", views.statistics_export, {"fmt": "xlsx"}, name="export_xlsx"),
    path("runder/", views.rounds, name="rounds"),
    path("runder/ny/", views.new_round, name="round_new"),
    path("runder/<int:round_id>/", views.round_detail, name="round"),
    path("runder/<int:round_id>/avslutt/", views.close_round, name="round_close"),
]
