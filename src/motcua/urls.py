from django.contrib import admin
from django.urls import include, path

from motcua.api.urls import api
from motcua.core.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("can-bo/", include("motcua.backoffice.urls")),
    path("", include("motcua.portal.urls")),
]

handler400 = "motcua.portal.views.bad_request"
handler403 = "motcua.portal.views.permission_denied"
handler404 = "motcua.portal.views.page_not_found"
handler500 = "motcua.portal.views.server_error"
