from django.urls import path

from helhet.organisation import views

app_name = "organisation"
urlpatterns = [
    path("tilknytninger/", views.memberships, name="memberships"),
]
