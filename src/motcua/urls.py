from django.contrib import admin
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from motcua.api.urls import api
from motcua.core.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # Switching the language only sets the language cookie, so it needs no CSRF token; without
    # one in its form, the public pages are the same for every visitor and can be cached
    # (core.page_cache, docs/overload.md).
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("open311/v2/", include("motcua.open311.urls")),
    # The open-data catalogue for CKAN's clients and harvesters (docs/opendata.md), at both
    # of CKAN's addresses: ckanapi's RemoteCKAN calls /api/action/, the documentation /api/3/.
    re_path(r"^api/(?:3/)?action/", include("motcua.ckan.urls")),
    path("can-bo/", include("motcua.backoffice.urls")),
    path("thanh-toan/", include("motcua.payments.urls")),
    # The local payment sandbox (development and tests; refused in production by its views).
    path("hop-thu-thanh-toan/", include("motcua.payments.sandbox")),
    path("", include("motcua.portal.urls")),
]

# JSON under /api/, the portal's pages elsewhere.
handler400 = "motcua.handlers.bad_request"
handler403 = "motcua.handlers.permission_denied"
handler404 = "motcua.handlers.page_not_found"
handler500 = "motcua.handlers.server_error"
