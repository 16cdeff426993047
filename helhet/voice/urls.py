from django.urls import path

from helhet.voice import views

app_name = "voice"
urlpatterns = [
    path("", views.index, name="index"),
    path("organ/ny/", views.body_new, name="body_new"),
    path("medvirkning/ny/", views.consultation_new, name="consultation_new"),
    path("undersokelse/ny/", views.survey_new, name="survey_new"),
]
