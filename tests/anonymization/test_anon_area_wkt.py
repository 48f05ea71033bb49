"""Boundaries published as WKT are areas, not anyone's position: the residual scan passes
polygons and lines, and still finds points and coordinate pairs."""

import pandas as pd

from anonymization import scan_residual_pii

POLYGON = ("POLYGON ((-118.443049 34.263276, -118.443035 34.263347, -118.4 34.3, "
           "-118.443049 34.263276))")


def test_polygons_and_lines_are_not_positions():
    frame = pd.DataFrame({
        "geometry": [POLYGON, "MULTILINESTRING ((-118.1 34.1, -118.2 34.2))", None],
        "boundary": [POLYGON, POLYGON, POLYGON],
    })
    assert scan_residual_pii(frame) == []


def test_points_among_shapes_and_pairs_in_text_are_still_found():
    frame = pd.DataFrame({
        "geometry": [POLYGON, "POINT (-118.443049 34.263276)"],
        "note": ["seen at 34.263276, -118.443035", None],
    })
    found = {(f.column, f.kind.value) for f in scan_residual_pii(frame)}
    assert found == {("geometry", "coordinates"), ("note", "coordinates")}
