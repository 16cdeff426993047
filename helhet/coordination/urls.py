from django.urls import path

from helhet.coordination import views

app_name = "coordination"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("planoversikt.csv", views.overview_csv, name="overview-csv"),
    path("rutiner/", views.routines, name="routines"),
    path("rutiner/koordinatorgrense/", views.caseload, name="caseload"),
]
