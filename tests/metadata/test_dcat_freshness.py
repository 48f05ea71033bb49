"""Freshness in DCAT: a dataset states, as DQV quality measurements, whether it is fresh
or overdue at the moment the caller gives, and when its next update is due; the graph
still conforms to the DCAT-AP 3.0.1 shapes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import rdflib
import rdflib.namespace as ns
from rdflib import Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF

from metadata.dcat import (
    DQV,
    FRESHNESS,
    LDQD,
    NEXT_UPDATE_DUE,
    build_catalog_graph,
    dataset_graph,
    dataset_uri,
    measurement_uri,
    metric_uri,
    published_dataset_from_records,
    serialize,
    validate_dcat,
)
from metadata.update_frequency import freshness_window
from tests.metadata.test_dcat import BASE, CATALOG, make_spec, version_rows

# version_rows: the latest version of each dataset was published on 2024-02-15 10:30 UTC
LATEST = datetime(2024, 2, 15, 10, 30, tzinfo=UTC)
MONTHLY_DUE = LATEST + freshness_window("monthly")  # twice 31 days: 2024-04-17 10:30


def dataset(slug: str, frequency: str | None):
    return published_dataset_from_records(make_spec(slug, update_frequency=frequency),
                                          version_rows(slug))


def measured(graph: rdflib.Graph, slug: str, name: str) -> Literal | None:
    """The value of one of a dataset's measurements, checked to be well formed."""
    subject = dataset_uri(BASE, slug)
    node = measurement_uri(subject, name)
    if (subject, DQV.hasQualityMeasurement, node) not in graph:
        return None
    assert (node, RDF.type, DQV.QualityMeasurement) in graph
    assert (node, DQV.computedOn, subject) in graph
    assert (node, DQV.isMeasurementOf, metric_uri(BASE, name)) in graph
    value = graph.value(node, DQV.value)
    assert isinstance(value, Literal)
    return value


def test_a_dataset_older_than_its_window_is_overdue_and_a_recent_one_fresh():
    datasets = [dataset("road_collisions", "monthly"), dataset("street_trees", "annual")]
    now = MONTHLY_DUE + timedelta(hours=1)
    graph = build_catalog_graph(CATALOG, datasets, base_url=BASE, now=now)
    assert measured(graph, "road_collisions", FRESHNESS) == Literal("overdue")
    assert measured(graph, "street_trees", FRESHNESS) == Literal("fresh")
    due = measured(graph, "road_collisions", NEXT_UPDATE_DUE)
    assert due is not None and due.datatype == ns.XSD.dateTime
    assert due.toPython() == MONTHLY_DUE
    # on what scale
    metric = metric_uri(BASE, FRESHNESS)
    assert (metric, RDF.type, DQV.Metric) in graph
    assert (metric, DQV.inDimension, LDQD.timeliness) in graph
    assert (LDQD.timeliness, RDF.type, DQV.Dimension) in graph
    conforms, report = validate_dcat(graph)
    assert conforms, report


def test_time_moving_forward_turns_a_dataset_overdue_at_its_due_moment():
    road = dataset("road_collisions", "monthly")
    states = {}
    for label, now in [("published", LATEST), ("a second before", MONTHLY_DUE
                                                - timedelta(seconds=1)),
                       ("due", MONTHLY_DUE), ("a year on", LATEST + timedelta(days=365))]:
        graph = dataset_graph(CATALOG, road, base_url=BASE, now=now, include_versions=False)
        states[label] = str(measured(graph, "road_collisions", FRESHNESS))
    assert states == {"published": "fresh", "a second before": "fresh", "due": "overdue",
                      "a year on": "overdue"}


def test_the_single_dataset_graph_with_its_freshness_conforms():
    graph = dataset_graph(CATALOG, dataset("road_collisions", "weekly"), base_url=BASE,
                          now=LATEST + timedelta(days=30))
    assert str(measured(graph, "road_collisions", FRESHNESS)) == "overdue"
    conforms, report = validate_dcat(graph)
    assert conforms, report
    # every serialization carries it
    for fmt in ("turtle", "json-ld", "rdf/xml"):
        parsed = rdflib.Graph().parse(data=serialize(graph, fmt),
                                      format={"rdf/xml": "xml"}.get(fmt, fmt))
        assert str(measured(parsed, "road_collisions", FRESHNESS)) == "overdue", fmt


def test_no_promise_no_measurement_and_no_moment_no_measurement():
    irregular = dataset("street_trees", "irregular")
    graph = dataset_graph(CATALOG, irregular, base_url=BASE, now=LATEST + timedelta(days=900))
    assert measured(graph, "street_trees", FRESHNESS) is None
    assert not list(graph.subjects(RDF.type, DQV.QualityMeasurement))
    # the graph of a caller that gives no moment is as before: no clock is read
    monthly = dataset("road_collisions", "monthly")
    assert measured(dataset_graph(CATALOG, monthly, base_url=BASE), "road_collisions",
                    FRESHNESS) is None


def test_the_same_state_is_the_same_graph():
    # no moment of judgement in the graph: two requests a second apart get one graph
    road = dataset("road_collisions", "monthly")
    first = dataset_graph(CATALOG, road, base_url=BASE, now=LATEST + timedelta(days=1))
    later = dataset_graph(CATALOG, road, base_url=BASE, now=LATEST + timedelta(days=2))
    assert isomorphic(first, later)


def test_the_metric_is_described_once_in_the_catalogue():
    datasets = [dataset("road_collisions", "monthly"), dataset("street_trees", "monthly")]
    graph = build_catalog_graph(CATALOG, datasets, base_url=BASE, now=LATEST)
    metric = URIRef(f"{BASE}/catalog#{FRESHNESS}")
    assert len(list(graph.objects(metric, DQV.expectedDataType))) == 1
    assert {lit.language for lit in graph.objects(metric, ns.SKOS.prefLabel)} == {
        "en", "fr"}
