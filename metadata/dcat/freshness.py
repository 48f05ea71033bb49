"""A dataset's freshness as W3C DQV quality measurements, judged at a moment the caller
gives (the metadata package reads no clock).

    <dataset> dqv:hasQualityMeasurement <dataset#freshness>, <dataset#next-update-due> .
    <dataset#freshness> a dqv:QualityMeasurement ;
        dqv:computedOn <dataset> ; dqv:isMeasurementOf <catalog#freshness> ;
        dqv:value "overdue" .
    <dataset#next-update-due> … dqv:isMeasurementOf <catalog#next-update-due> ;
        dqv:value "…due…"^^xsd:dateTime .
    <catalog#freshness> a dqv:Metric ; dqv:inDimension ldqd:timeliness ;
        dqv:expectedDataType xsd:string ; skos:prefLabel …; skos:definition … .

"fresh" or "overdue" is what the portal shows and what Dagster's freshness policy on the
published asset reports (`metadata.update_frequency.freshness_at`: the promised interval
times its grace since the latest publication). A dataset that promises no frequency has
no measurement: nothing was promised, so nothing is late.

The moment of judgement is not stated: the graph stays the same from one request to the
next until the state changes (the due date tells a harvester when it will), so two
serializations or two fetches of the catalogue are the same graph.
"""

from __future__ import annotations

from datetime import datetime

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS, XSD

from metadata.dcat.model import PublishedDataset, _datetime_literal
from metadata.dcat.uris import _base
from metadata.dcat.vocabulary import DQV, LDQD
from metadata.update_frequency import FRESHNESS_GRACE, Freshness, freshness_at

FRESHNESS, NEXT_UPDATE_DUE = "freshness", "next-update-due"

_METRICS = {
    FRESHNESS: (
        XSD.string,
        {"en": "Freshness", "fr": "Fraîcheur"},
        {"en": f'"overdue" once {FRESHNESS_GRACE} times the promised update interval '
               '(dct:accrualPeriodicity) has passed since the latest publication '
               '(dct:modified), else "fresh".',
         "fr": f'« overdue » (en retard) une fois écoulées {FRESHNESS_GRACE} fois la '
               'périodicité promise (dct:accrualPeriodicity) depuis la dernière '
               'publication (dct:modified), sinon « fresh » (à jour).'},
    ),
    NEXT_UPDATE_DUE: (
        XSD.dateTime,
        {"en": "Next update due", "fr": "Prochaine mise à jour attendue"},
        {"en": "The moment from which the dataset is overdue unless a new version is "
               "published.",
         "fr": "Le moment à partir duquel le jeu de données est en retard si aucune "
               "nouvelle version n'est publiée."},
    ),
}


def metric_uri(base_url: str, name: str) -> URIRef:
    return URIRef(f"{_base(base_url)}/catalog#{name}")


def measurement_uri(dataset: URIRef, name: str) -> URIRef:
    return URIRef(f"{dataset}#{name}")


def dataset_freshness(dataset: PublishedDataset, now: datetime) -> Freshness:
    """The dataset's freshness at `now`, from its latest publication and its promise."""
    latest = dataset.latest
    if latest is None:
        return Freshness("no_schedule", None)
    return freshness_at(latest.published_at, now,
                        update_frequency=dataset.spec.metadata.update_frequency,
                        schedule=dataset.spec.schedule)


def _metric(graph: Graph, base_url: str, name: str) -> URIRef:
    metric = metric_uri(base_url, name)
    if (metric, RDF.type, DQV.Metric) in graph:
        return metric
    datatype, labels, definitions = _METRICS[name]
    graph.add((metric, RDF.type, DQV.Metric))
    graph.add((metric, DQV.expectedDataType, datatype))
    graph.add((metric, DQV.inDimension, LDQD.timeliness))
    graph.add((LDQD.timeliness, RDF.type, DQV.Dimension))
    graph.add((LDQD.timeliness, SKOS.prefLabel, Literal("Timeliness", lang="en")))
    for language, text in labels.items():
        graph.add((metric, SKOS.prefLabel, Literal(text, lang=language)))
    for language, text in definitions.items():
        graph.add((metric, SKOS.definition, Literal(text, lang=language)))
    return metric


def _measurement(graph: Graph, subject: URIRef, *, base_url: str, name: str,
                 value: Literal) -> None:
    node = measurement_uri(subject, name)
    graph.add((subject, DQV.hasQualityMeasurement, node))
    graph.add((node, RDF.type, DQV.QualityMeasurement))
    graph.add((node, DQV.computedOn, subject))
    graph.add((node, DQV.isMeasurementOf, _metric(graph, base_url, name)))
    graph.add((node, DQV.value, value))


def add_freshness(graph: Graph, subject: URIRef, dataset: PublishedDataset, *,
                  base_url: str, now: datetime) -> Freshness:
    """State the dataset's freshness at `now` (when it promised a frequency)."""
    freshness = dataset_freshness(dataset, now)
    if freshness.due is None:
        return freshness
    _measurement(graph, subject, base_url=base_url, name=FRESHNESS,
                 value=Literal(freshness.state))  # xsd:string, as JSON-LD reads it back
    _measurement(graph, subject, base_url=base_url, name=NEXT_UPDATE_DUE,
                 value=_datetime_literal(freshness.due))
    return freshness
