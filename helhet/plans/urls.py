from django.urls import path

from helhet.plans import views

app_name = "plans"
urlpatterns = [
    path("<int:plan_id>/", views.detail, name="detail"),
]
