"""A CKAN-compatible read API at ``/api/3/action/`` (docs/opendata.md): CKAN's own client
(``ckanapi``) and harvesters read the open-data catalogue unchanged."""
