"""Validation against the official DCAT-AP 3.0.1 SHACL shapes (pyshacl)."""


from __future__ import annotations

import functools
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS, SH

from metadata.dcat.vocabulary import DEFAULT_SHAPES_NAME, SHAPES_ENV, ShapesNotFoundError


def shapes_path(configured: str | Path | None = None) -> Path:
    """Where the DCAT-AP 3.0.1 shapes are: `configured` (the setting CIVIC_DCAT_SHAPES) or
    ../shared/data/dcat-ap/."""
    if configured:
        path = Path(configured)
    else:
        project_root = Path(__file__).resolve().parents[2]
        path = project_root.parent / "shared" / "data" / "dcat-ap" / DEFAULT_SHAPES_NAME
    if not path.is_file():
        raise ShapesNotFoundError(
            f"DCAT-AP SHACL shapes not found at {path}; set {SHAPES_ENV} to the path of "
            f"{DEFAULT_SHAPES_NAME} (SEMICeu/DCAT-AP releases/3.0.1/shacl/dcat-ap-SHACL.ttl)"
        )
    return path


def _ranges_path(shapes: Path) -> Path:
    """The release's ranges.ttl beside its shapes (`3.0.1_ranges.ttl` or `ranges.ttl`)."""
    name = shapes.name.replace("dcat-ap-SHACL.ttl", "ranges.ttl")
    return shapes.with_name(name if name != shapes.name else "ranges.ttl")


@functools.lru_cache(maxsize=4)
def _load_shapes(path: str, modified: float) -> tuple[Graph, tuple[str, ...]]:
    """The shapes graph, made whole: (graph, references dropped as defined nowhere).

    The 3.0.1 release splits its shapes in two: dcat-ap-SHACL.ttl references two property
    shapes (dcat:endpointURL and dcat:endpointDescription of a DataService) defined only
    in ranges.ttl, and ranges.ttl references five defined in neither. pyshacl refuses a
    referenced shape it cannot find, so we load both files and drop the dangling five.
    """
    shapes = Graph().parse(path, format="turtle")
    ranges = _ranges_path(Path(path))
    if ranges.is_file():
        shapes.parse(ranges, format="turtle")
    dropped = []
    for node_shape, property_shape in list(shapes.subject_objects(SH.property)):
        if shapes.value(property_shape, SH.path) is None:
            shapes.remove((node_shape, SH.property, property_shape))
            dropped.append(str(property_shape))
    return shapes, tuple(sorted(set(dropped)))


def _resource_axioms(graph: Graph) -> Graph:
    """`<iri> a rdfs:Resource` for every IRI object of the graph (RDFS axiom rdfs4b).

    DCAT-AP 3.0.1 gives dcat:endpointURL and dcat:endpointDescription the range
    rdfs:Resource, checked with sh:class: true of every IRI under RDFS semantics, but
    pyshacl only sees it when stated. This is the one entailment the shapes need; full
    RDFS inference would add thousands of triples for nothing.
    """
    axioms = Graph()
    for obj in set(graph.objects()):
        if isinstance(obj, URIRef):
            axioms.add((obj, RDF.type, RDFS.Resource))
    return axioms


def validate_dcat(graph: Graph, *, shapes: str | Path | None = None) -> tuple[bool, str]:
    """(conforms, report text) of a graph against the official DCAT-AP 3.0.1 shapes."""
    import pyshacl

    path = Path(shapes) if shapes is not None else shapes_path()
    if not path.is_file():
        raise ShapesNotFoundError(f"DCAT-AP SHACL shapes not found at {path}")
    shapes_graph, _dropped = _load_shapes(str(path), path.stat().st_mtime)
    conforms, _report_graph, report_text = pyshacl.validate(
        graph,
        shacl_graph=shapes_graph,
        ont_graph=_resource_axioms(graph),
        inference="none",
        abort_on_first=False,
        allow_warnings=False,
        meta_shacl=False,
        advanced=False,
    )
    return bool(conforms), str(report_text)
