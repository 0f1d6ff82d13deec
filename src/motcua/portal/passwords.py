"""The portal's password pages: change (citizen account area), forgot, reset by a code."""

from __future__ import annotations

from motcua.identity.password_views import Door, views_for

from .access import citizen_required

DOOR = Door(namespace="portal", signin="portal:login", home="portal:account")
_views = views_for(DOOR, citizen_required)
change, forgot, reset = _views.change, _views.forgot, _views.reset
