"""A CKAN-compatible read API at ``/api/3/action/`` (and ``/api/action/``, where ckanapi's
RemoteCKAN calls): CKAN's own client and harvesters read the open-data catalogue unchanged
(docs/opendata.md)."""

from django.urls import URLPattern, path

from . import views

urlpatterns: list[URLPattern] = [
    # The DCAT catalogue's endpointURL for this API: the API's version, as CKAN's /api/3.
    path("", views.version, name="ckan-version"),
    path("<str:name>", views.action, name="ckan-action"),
]
