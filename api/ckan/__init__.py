"""The CKAN Action API (read side), so that CKAN tools — `ckanapi`, harvesters, portals'
dataset pages — read the catalogue and the published data as they read any CKAN site.

A published dataset is a CKAN package (latest version); its organization is the spec's
publisher; each published format of the latest version is a resource with an id stable
per dataset and format; the CSV resource is the DataStore one (`datastore_active`),
whose table is the latest version table, searched with `datastore_search` and
`datastore_search_sql` (read-only SELECTs on published tables only).
"""
