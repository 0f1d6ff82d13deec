from django.urls import path, re_path

from motcua.core import public_urls

from . import (
    accounts,
    data_catalogue,
    documents,
    evaluations,
    feedback,
    feedback_pages,
    lookup,
    my_dossiers,
    opendata,
    opendata_dcat,
    passwords,
    payments,
    rankings,
    submission,
    views,
    waitroom,
)

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("thu-tuc/", views.procedure_list, name="procedure-list"),
    path("thu-tuc/<str:code>/", views.procedure_detail, name="procedure-detail"),
    path("don-vi/", views.unit_list, name="unit-list"),
    path("don-vi/<str:code>/", views.unit_detail, name="unit-detail"),
    path("ngay-hen-tra/", views.due_date, name="due-date"),
    path("xep-hang/", rankings.ranking_page, name="rankings"),
    path("xep-hang/don-vi/<str:code>/", rankings.unit_page, name="index-unit"),
    path(public_urls.OPENDATA, opendata.dataset_list, name="opendata"),
    path(public_urls.OPENDATA_DATASET, opendata.dataset_detail, name="opendata-dataset"),
    path(public_urls.OPENDATA_FILE, opendata.dataset_file, name="opendata-file"),
    path("hang-cho/", waitroom.room, name="waitroom"),
    path("hang-cho/tim/", waitroom.find, name="waitroom-find"),
    path("hang-cho/<str:secret>/", waitroom.ticket, name="waitroom-ticket"),
    path("hang-cho/<str:secret>/vao/", waitroom.enter, name="waitroom-enter"),
    path("tai-khoan/", accounts.account, name="account"),
    path("tai-khoan/dang-ky/", accounts.signup, name="signup"),
    path("tai-khoan/dang-nhap/", accounts.login, name="login"),
    path("tai-khoan/dang-xuat/", accounts.logout, name="logout"),
    path("tai-khoan/doi-mat-khau/", passwords.change, name="password-change"),
    path("tai-khoan/quen-mat-khau/", passwords.forgot, name="password-forgot"),
    path("tai-khoan/dat-lai-mat-khau/", passwords.reset, name="password-reset"),
    path("tai-khoan/vneid/", accounts.NationalIdentityStart.as_view(), name="oidc-start"),
    path(
        "tai-khoan/vneid/callback/",
        accounts.NationalIdentityCallback.as_view(),
        name="oidc-callback",
    ),
]

# The citizen's dossiers: online submission (drafts), my dossiers, public lookup.
urlpatterns += [
    path("thu-tuc/<str:code>/nop/", submission.start, name="submission-start"),
    path("ho-so-nhap/", submission.draft_list, name="draft-list"),
    path("ho-so-nhap/<int:draft_id>/", submission.draft_resume, name="draft-resume"),
    path("ho-so-nhap/<int:draft_id>/lua-chon/", submission.draft_choices, name="draft-choices"),
    path(
        "ho-so-nhap/<int:draft_id>/giay-to/",
        submission.draft_attachments,
        name="draft-attachments",
    ),
    path(
        "ho-so-nhap/<int:draft_id>/giay-to/<int:file_id>/xoa/",
        submission.draft_file_remove,
        name="draft-file-remove",
    ),
    path("ho-so-nhap/<int:draft_id>/kiem-tra/", submission.draft_check, name="draft-check"),
    path("ho-so-nhap/<int:draft_id>/xoa/", submission.draft_delete, name="draft-delete"),
    path("ho-so-nhap/<int:draft_id>/<slug:page_key>/", submission.draft_page, name="draft-page"),
    path("ho-so/", my_dossiers.dossier_list, name="dossier-list"),
    path(public_urls.DOSSIER, my_dossiers.dossier_detail, name="dossier-detail"),
    path("ho-so/<str:code>/da-nop/", submission.dossier_submitted, name="dossier-submitted"),
    path("ho-so/<str:code>/tep/<int:file_id>/", my_dossiers.dossier_file, name="dossier-file"),
    path(
        "ho-so/<str:code>/phieu/<str:number>/<int:event_id>/",
        my_dossiers.dossier_slip,
        name="dossier-slip",
    ),
    path("ho-so/<str:code>/phieu/<str:number>/pdf/", documents.slip_pdf, name="dossier-slip-pdf"),
    path("ho-so/<str:code>/thanh-toan/", payments.pay, name="pay"),
    path(public_urls.PAYMENT, payments.payment, name="payment"),
    path(
        "ho-so/<str:code>/thanh-toan/<str:reference>/bien-lai/",
        payments.receipt,
        name="payment-receipt",
    ),
    path("ho-so/<str:code>/bo-sung/", my_dossiers.dossier_supplement, name="dossier-supplement"),
    path("ho-so/<str:code>/rut/", my_dossiers.dossier_withdraw, name="dossier-withdraw"),
    path("ho-so/<str:code>/danh-gia/", evaluations.evaluate_own, name="dossier-evaluate"),
    path(public_urls.EVALUATION, evaluations.evaluate_by_token, name="evaluation"),
    path("danh-gia-cam-on/", evaluations.thanks, name="evaluation-thanks"),
    path(public_urls.LOOKUP, lookup.lookup, name="lookup"),
]

# Issued documents: public verification (what the QR code opens) and the citizen's data store.
urlpatterns += [
    path(public_urls.VERIFY, documents.verify, name="verify"),
    path(public_urls.CRL, documents.revocation_list, name="crl"),
    path(public_urls.DOCUMENT, documents.document, name="document"),
    path("xac-thuc/<str:code>/tai-ve/", documents.document_file, name="document-file"),
    path("kho-du-lieu/", documents.data_store, name="data-store"),
]

# Feedback and petitions (phản ánh, kiến nghị): send, follow, my feedback, public answers.
urlpatterns += [
    path("phan-anh/", feedback_pages.public_list, name="feedback-public"),
    path("phan-anh/tra-loi/<str:code>/", feedback_pages.public_detail, name="feedback-answer"),
    path("phan-anh/gui/", feedback.send, name="feedback-send"),
    path("phan-anh/gui/lien-he/", feedback.contact, name="feedback-contact"),
    path("phan-anh/gui/kiem-tra/", feedback.check, name="feedback-check"),
    path("phan-anh/gui/theo-doi/", feedback.follow_instead, name="feedback-follow-instead"),
    path("phan-anh/gui/da-gui/", feedback.sent, name="feedback-sent"),
    path("phan-anh/cua-toi/", feedback_pages.mine, name="feedback-mine"),
    path(public_urls.FEEDBACK, feedback_pages.follow, name="feedback-follow"),
    path(
        "phan-anh/theo-doi/<str:code>/bo-sung/", feedback_pages.provide_info, name="feedback-info"
    ),
    path("phan-anh/theo-doi/<str:code>/danh-gia/", feedback_pages.rate, name="feedback-rate"),
    path(
        "phan-anh/theo-doi/<str:code>/tep/<int:file_id>/",
        feedback_pages.attachment,
        name="feedback-file",
    ),
]

# The city's data catalogue (danh mục cơ sở dữ liệu): versions, differences, a database's fields.
urlpatterns += [
    path(public_urls.DATA_CATALOGUE, data_catalogue.catalogue, name="data-catalogue"),
    path(
        public_urls.DATA_CATALOGUE_EXPORT,
        data_catalogue.catalogue_export,
        name="data-catalogue-export",
    ),
    path(
        public_urls.DATA_CATALOGUE_VERSION,
        data_catalogue.version_page,
        name="data-catalogue-version",
    ),
    path(
        public_urls.DATA_CATALOGUE_VERSION_EXPORT,
        data_catalogue.version_export,
        name="data-catalogue-version-export",
    ),
    re_path(
        r"^danh-muc-csdl/phien-ban/(?P<number>[0-9]+)/danh-muc-csdl\.(?P<fmt>ttl|jsonld|rdf)$",
        opendata_dcat.data_catalogue_version,
        name="data-catalogue-version-dcat",
    ),
    path(
        public_urls.DATA_CATALOGUE_DATABASE,
        data_catalogue.database_page,
        name="data-catalogue-database",
    ),
]

# Open data: the DCAT catalogue, before the datasets' routes (du-lieu-mo/<slug>/…).
urlpatterns += [
    re_path(
        r"^du-lieu-mo/catalog\.(?P<fmt>ttl|jsonld|rdf)$",
        opendata_dcat.catalogue,
        name="opendata-dcat",
    ),
]
