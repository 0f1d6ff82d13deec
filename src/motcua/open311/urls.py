"""Open311 GeoReport v2 at /open311/v2/ for the city's reporting apps (docs/open311.md).

Plain Django views, not Ninja: they are in no OpenAPI description (the standard is their
description)."""

from django.urls import URLPattern, URLResolver, re_path

from . import views

app_name = "open311"

FORMAT = r"\.(?P<fmt>json|xml)$"

urlpatterns: list[URLPattern | URLResolver] = [
    re_path(r"^discovery" + FORMAT, views.discovery, name="discovery"),
    re_path(r"^services" + FORMAT, views.service_list, name="services"),
    re_path(r"^services/(?P<code>[^/]+?)" + FORMAT, views.service_definition, name="service"),
    re_path(r"^requests" + FORMAT, views.requests, name="requests"),
    re_path(r"^requests/(?P<request_id>[^/]+?)" + FORMAT, views.request_detail, name="request"),
    re_path(r"^tokens/(?P<token>[^/]+?)" + FORMAT, views.token, name="token"),
    # The updates extension (mySociety's, read by FixMyStreet).
    re_path(r"^servicerequestupdates" + FORMAT, views.request_updates, name="updates"),
]
