from django.urls import path

from . import accounts, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("thu-tuc/", views.procedure_list, name="procedure-list"),
    path("thu-tuc/<str:code>/", views.procedure_detail, name="procedure-detail"),
    path("don-vi/", views.unit_list, name="unit-list"),
    path("don-vi/<str:code>/", views.unit_detail, name="unit-detail"),
    path("ngay-hen-tra/", views.due_date, name="due-date"),
    path("tai-khoan/", accounts.account, name="account"),
    path("tai-khoan/dang-ky/", accounts.signup, name="signup"),
    path("tai-khoan/dang-nhap/", accounts.login, name="login"),
    path("tai-khoan/dang-xuat/", accounts.logout, name="logout"),
    path("tai-khoan/vneid/", accounts.NationalIdentityStart.as_view(), name="oidc-start"),
    path(
        "tai-khoan/vneid/callback/",
        accounts.NationalIdentityCallback.as_view(),
        name="oidc-callback",
    ),
]
