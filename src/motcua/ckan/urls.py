"""A CKAN-compatible read API at ``/api/3/action/`` (and ``/api/action/``, where ckanapi's
RemoteCKAN calls): CKAN's own client and harvesters read the open-data catalogue unchanged
(docs/opendata.md)."""

from django.urls import URLPattern, path

from . import views

urlpatterns: list[URLPattern] = [
    path("<str:name>", views.action, name="ckan-action"),
]
