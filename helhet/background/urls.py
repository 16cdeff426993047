from django.urls import path

from helhet.background import views

app_name = "background"
urlpatterns = [
    path("<int:job_id>/", views.status, name="status"),
    path("<int:job_id>/fil/", views.download, name="download"),
]
