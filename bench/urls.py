from django.urls import include, path

from bench import baseline
from motcua.urls import handler400, handler403, handler404, handler500, urlpatterns

urlpatterns = [
    path("bench/", include(baseline.urlpatterns)),
    *urlpatterns,
]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
