from django.urls import path

from helhet.people import views

app_name = "people"
urlpatterns = [
    path("", views.search, name="search"),
    path("ny/", views.register, name="register"),
    path("<int:person_id>/", views.detail, name="detail"),
]
