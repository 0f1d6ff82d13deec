"""What the back office's navigation offers a person: the dossier pages to those who work on
dossiers, the feedback inbox to those who handle feedback, the hotline to its operators,
the operations dashboards to the officers of a unit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import template

from motcua.dossiers.access import officer_scope
from motcua.feedback import rules, selectors

register = template.Library()


@dataclass(frozen=True)
class Sections:
    dossiers: bool
    feedback: bool
    hotline: bool
    dashboards: bool
    plans: bool
    data_catalogue: bool


@register.simple_tag
def officer_sections(user: Any) -> Sections:
    """An account holding only the hotline role sees the hotline alone."""
    scope = officer_scope(user)
    handled = selectors.handled_agencies(user)
    only_calls = bool(scope.roles) and not scope.agency_ids and not scope.is_system_admin
    return Sections(
        dossiers=not only_calls,
        feedback=handled is None or bool(handled),
        hotline=rules.is_operator(user),
        dashboards=scope.is_system_admin or bool(scope.agency_ids),
        # Plans are read by the officers of the units they concern (motcua.plans.rules).
        plans=scope.is_system_admin or bool(scope.agency_ids),
        # Every officer of an agency reads the data catalogue (motcua.datacatalog.rules).
        data_catalogue=scope.is_system_admin or bool(scope.agency_ids),
    )
