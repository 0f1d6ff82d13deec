"""Open311 GeoReport v2 at /open311/v2/ for the city's reporting apps (docs/open311.md)."""
