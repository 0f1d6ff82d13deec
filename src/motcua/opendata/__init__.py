"""Open data: the platform's figures published as datasets (CSV, JSON, XLSX, a Frictionless
data package), described in a DCAT catalogue and through a CKAN-compatible read API
(docs/opendata.md). Aggregates only: no personal data leaves through here."""
