from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("thu-tuc/", views.procedure_list, name="procedure-list"),
    path("thu-tuc/<str:code>/", views.procedure_detail, name="procedure-detail"),
    path("don-vi/", views.unit_list, name="unit-list"),
    path("don-vi/<str:code>/", views.unit_detail, name="unit-detail"),
    path("ngay-hen-tra/", views.due_date, name="due-date"),
]
