from django.urls import path

from helhet.quality import views

app_name = "quality"
urlpatterns = [
    path("", views.index, name="index"),
    path("avvik/ny/", views.report, name="report"),
    path("avvik/<int:deviation_id>/", views.deviation, name="deviation"),
    path("avvik/<int:deviation_id>/toppledelse/", views.inform_top, name="inform_top"),
    path("statistikk/", views.statistics, name="statistics"),
    path("rutiner/", views.procedures, name="procedures"),
    path("rutiner/ny/", views.procedure_new, name="procedure_new"),
    path("rutiner/<int:procedure_id>/", views.procedure, name="procedure"),
    path("rutiner/<int:procedure_id>/lest/", views.acknowledge, name="acknowledge"),
]
