"""PII detection, anonymization operators, risk metrics and residual-PII scan on DataFrames.

A pure library: pandas in, pandas out. It imports nothing else of the platform, so the
Dagster assets, the CLI and the tests all use the same code.
"""

from anonymization.detection import PiiDetection, detect_pii
from anonymization.engine import UndeclaredPiiError, anonymize
from anonymization.kinds import PiiKind
from anonymization.operators import MissingSecretError, OperatorError
from anonymization.policy import AnonymizationPolicy, PolicyError, parse_policy
from anonymization.report import AnonymizationReport, AppliedStep
from anonymization.risk import RiskInputError, RiskMetrics, compute_risk, format_risk_text
from anonymization.scan import Finding, scan_residual_pii

__all__ = [
    "AnonymizationPolicy",
    "AnonymizationReport",
    "AppliedStep",
    "Finding",
    "MissingSecretError",
    "OperatorError",
    "PiiDetection",
    "PiiKind",
    "PolicyError",
    "RiskInputError",
    "RiskMetrics",
    "UndeclaredPiiError",
    "anonymize",
    "compute_risk",
    "detect_pii",
    "format_risk_text",
    "parse_policy",
    "scan_residual_pii",
]
