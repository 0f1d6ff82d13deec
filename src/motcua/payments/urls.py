from django.urls import path

from . import views

app_name = "payments"
urlpatterns = [
    path("vnpay/ipn/", views.vnpay_ipn, name="vnpay-ipn"),
    path("vnpay/ket-qua/", views.vnpay_return, name="vnpay-return"),
    path("ngan-hang/thong-bao/", views.bank_webhook, name="bank-webhook"),
    path("quoc-gia/xac-nhan/", views.national_confirm, name="national-confirm"),
]
