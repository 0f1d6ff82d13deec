from django.urls import path

from . import (
    audit_log,
    desk_payments,
    desk_views,
    documents,
    dossier_views,
    evaluations,
    ledger,
    passwords,
    payments,
    reports,
    views,
)

app_name = "backoffice"
urlpatterns = [
    path("", views.home, name="home"),
    path("dang-nhap/", views.login, name="login"),
    path("dang-nhap/ma-xac-thuc/", views.verify, name="verify"),
    path("dang-nhap/thiet-lap-xac-thuc/", views.enrol, name="enrol"),
    path("dang-xuat/", views.logout, name="logout"),
    path("doi-mat-khau/", passwords.change, name="password-change"),
    path("quen-mat-khau/", passwords.forgot, name="password-forgot"),
    path("dat-lai-mat-khau/", passwords.reset, name="password-reset"),
    path("ho-so/", dossier_views.inbox, name="inbox"),
    path("ho-so/<str:code>/", dossier_views.dossier_page, name="dossier"),
    path("ho-so/<str:code>/tep/<int:file_id>/", dossier_views.dossier_file, name="dossier-file"),
    path("ho-so/<str:code>/phieu/<str:number>/", dossier_views.slip, name="dossier-slip"),
    path(
        "ho-so/<str:code>/bien-lai/<str:reference>/",
        dossier_views.payment_receipt,
        name="payment-receipt",
    ),
    path(
        "ho-so/<str:code>/phieu/<str:number>/pdf/",
        dossier_views.slip_pdf,
        name="dossier-slip-pdf",
    ),
    path(
        "ho-so/<str:code>/thanh-toan/vietqr/",
        desk_payments.start_desk_qr,
        name="desk-qr-start",
    ),
    path(
        "ho-so/<str:code>/thanh-toan/<str:reference>/",
        desk_payments.desk_qr,
        name="desk-qr",
    ),
    path("ho-so/<str:code>/phieu-danh-gia/", evaluations.card, name="evaluation-card"),
    path(
        "ho-so/<str:code>/danh-gia-tai-quay/",
        evaluations.desk,
        name="desk-evaluation",
    ),
    path(
        "ho-so/<str:code>/danh-gia-tai-quay/cam-on/",
        evaluations.desk_thanks,
        name="desk-evaluation-thanks",
    ),
    path("ho-so/<str:code>/<slug:slug>/", dossier_views.dossier_action, name="dossier-action"),
    path("tiep-nhan/", desk_views.receive_start, name="receive-start"),
    path("tiep-nhan/<str:code>/", desk_views.receive, name="receive"),
    path("so-theo-doi/", ledger.ledger, name="ledger"),
    path("so-theo-doi/pdf/", ledger.ledger_pdf, name="ledger-pdf"),
    path("van-ban/<str:code>/tai-ve/", documents.document_file, name="document-file"),
    path("bao-cao/", reports.monthly, name="report"),
    path("danh-gia/", evaluations.aggregates, name="evaluations"),
    path("doi-soat-thanh-toan/", payments.reconciliation, name="reconciliation"),
    path("nhat-ky-kiem-toan/", audit_log.audit_log, name="audit-log"),
]
