"""PII detection, anonymization operators, risk and privacy models, residual-PII scan.

A pure library: pandas in, pandas out. It imports nothing else of the platform, reads
no environment (secrets are passed in) and downloads nothing: the person-name model is
an installed package.
"""

from anonymization.detection import PiiDetection, detect_pii
from anonymization.engine import UndeclaredPiiError, anonymize
from anonymization.kinds import DIRECT_IDENTIFIERS, PiiKind
from anonymization.operators import MissingSecretError, OperatorError
from anonymization.policy import AnonymizationPolicy, PolicyError, parse_policy
from anonymization.privacy_models import (
    DeltaPresence,
    PopulationRisk,
    TCloseness,
    delta_presence,
    population_risk,
    t_closeness,
)
from anonymization.quasi_identifiers import (
    ColumnClass,
    ColumnRole,
    QuasiKind,
    UndeclaredQuasiIdentifier,
    classify_columns,
    undeclared_quasi_identifiers,
)
from anonymization.recognizers import DEFAULT_MIN_CONFIDENCE, Span, find_pii, find_pii_many
from anonymization.releases import ReleaseDifference, compare_releases
from anonymization.report import AnonymizationReport, AppliedStep
from anonymization.risk import RiskInputError, RiskMetrics, compute_risk, format_risk_text
from anonymization.scan import Finding, scan_residual_pii
from anonymization.utility import UtilityMetrics, compute_utility

__all__ = [
    "DEFAULT_MIN_CONFIDENCE",
    "DIRECT_IDENTIFIERS",
    "AnonymizationPolicy",
    "AnonymizationReport",
    "AppliedStep",
    "ColumnClass",
    "ColumnRole",
    "DeltaPresence",
    "Finding",
    "MissingSecretError",
    "OperatorError",
    "PiiDetection",
    "PiiKind",
    "PolicyError",
    "PopulationRisk",
    "QuasiKind",
    "ReleaseDifference",
    "RiskInputError",
    "RiskMetrics",
    "Span",
    "TCloseness",
    "UndeclaredPiiError",
    "UndeclaredQuasiIdentifier",
    "UtilityMetrics",
    "anonymize",
    "classify_columns",
    "compare_releases",
    "compute_risk",
    "compute_utility",
    "delta_presence",
    "detect_pii",
    "find_pii",
    "find_pii_many",
    "format_risk_text",
    "parse_policy",
    "population_risk",
    "scan_residual_pii",
    "t_closeness",
    "undeclared_quasi_identifiers",
]
