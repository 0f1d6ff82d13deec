from django.urls import path

from . import views

app_name = "backoffice"
urlpatterns = [
    path("", views.home, name="home"),
    path("dang-nhap/", views.login, name="login"),
    path("dang-nhap/ma-xac-thuc/", views.verify, name="verify"),
    path("dang-nhap/thiet-lap-xac-thuc/", views.enrol, name="enrol"),
    path("dang-xuat/", views.logout, name="logout"),
]
