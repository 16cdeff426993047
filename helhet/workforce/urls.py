from django.urls import path

from helhet.workforce import views

app_name = "workforce"
urlpatterns = [
    path("", views.index, name="index"),
    path("opplaering/krav/ny/", views.requirement_new, name="requirement_new"),
    path("opplaering/ny/", views.record_new, name="record_new"),
    path("sikkerhet/ny/", views.assessment_new, name="assessment_new"),
]
