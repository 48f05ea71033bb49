"""The spatial step between a dataset's extract and dbt: areas in km² of its polygons,
and the area each of its points falls in (see `metadata.specs.Geography`)."""
