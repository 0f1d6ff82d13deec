"""Figures written the Vietnamese way on the dashboards: 1.234 hồ sơ, 97,3%."""

from __future__ import annotations

from django import template

from motcua.reporting.charts import Number, figure, number

register = template.Library()


@register.filter
def vn_number(value: Number) -> str:
    return number(value)


@register.filter
def vn_percent(value: Number) -> str:
    return figure(value, "%")


@register.filter
def vn_score(value: Number) -> str:
    """A score or points of the index, to the hundredth as the index keeps them."""
    return number(value, 2)
