"""The back office's password pages: change (officer), forgot, reset by a code."""

from __future__ import annotations

from motcua.identity.password_views import Door, views_for

from .access import officer_required

DOOR = Door(namespace="backoffice", signin="backoffice:login", home="backoffice:home")
_views = views_for(DOOR, officer_required)
change, forgot, reset = _views.change, _views.forgot, _views.reset
