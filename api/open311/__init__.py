"""Open311 GeoReport v2, read side, over the published service requests.

Services and requests are read from the latest published version of one dataset (the
setting `open311_dataset`, `la_service_requests` by default) as the API's read-only role.
Positions are only as precise as the published data: where a dataset publishes no
coordinates, a request's `address` is the area it is published at (its Neighborhood
Council) and it has no `lat`/`long`.
"""
