from django.urls import path

from helhet.offers import views

app_name = "offers"
urlpatterns = [
    path("", views.index, name="index"),
    path("ny/", views.offer_new, name="offer_new"),
    path("bruk/ny/", views.use_new, name="use_new"),
    path("statistikk/", views.statistics, name="statistics"),
]
