"""The anonymization policy of a dataset: the `anonymization:` key of its spec YAML.

Example (see README for the full reference):

    quasi_identifiers: [neighbourhood, requester_age, request_type, postal_code]
    sensitive_attributes: []
    # a column that looks like a quasi-identifier but is published as it is, on purpose
    accepted_quasi_identifiers:
      - {column: ward, reason: "wards are coarser than neighbourhoods here; ..."}
    k: 5
    suppression: rows            # rows | values
    redact_free_text: true
    undeclared_pii: drop         # drop | fail
    columns:
      requester_name: drop
      requester_email: {operator: pseudonymize}
      requester_age: {operator: generalize, to: range, width: 10, top: 80}
      postal_code: {operator: generalize, to: fsa}
      latitude: {operator: aggregate_area, longitude: longitude, output: neighbourhood}
      description: {operator: redact}
    boundaries: data/boundaries/neighbourhoods.geojson
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from anonymization.kinds import PiiKind

_TEXT_KINDS: list[PiiKind] = [k for k in PiiKind if k is not PiiKind.FREE_TEXT]


class PolicyError(ValueError):
    """The anonymization policy is invalid; the message names every bad field."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DropRule(_Strict):
    operator: Literal["drop"]


class KeepRule(_Strict):
    """Publish the column as it is: for a column detected as personal that is not."""

    operator: Literal["keep"]
    reason: str | None = None


class MaskRule(_Strict):
    operator: Literal["mask"]
    keep_last: int = Field(default=4, ge=0)
    keep_first: int = Field(default=0, ge=0)
    char: str = Field(default="*", min_length=1, max_length=1)
    rename_to: str | None = None


class PseudonymizeRule(_Strict):
    """Keyed HMAC-SHA256 token: the same value gives the same token, and cannot be reversed."""

    operator: Literal["pseudonymize"]
    length: int = Field(default=16, ge=8, le=64)  # hex characters of the digest kept
    prefix: str = ""
    # trim and case-fold first, so that " Marie@X.ca" and "marie@x.ca" link
    normalize: bool = True
    rename_to: str | None = None


class GeneralizeRule(_Strict):
    """Coarser values: numbers to ranges or bins, timestamps to hour/day/week/month/year,
    postal codes to FSA."""

    operator: Literal["generalize"]
    to: Literal["range", "bins", "hour", "day", "week", "month", "year", "fsa"]
    width: int | None = Field(default=None, ge=1)  # range: width of each range (default 10)
    top: float | None = None  # range: values at or above `top` become "top+"
    bins: list[float] | None = None  # bins: edges, left-closed
    labels: list[str] | None = None  # bins: one label per bin
    rename_to: str | None = None

    @model_validator(mode="after")
    def _options_match_target(self) -> GeneralizeRule:
        if self.to == "bins":
            if not self.bins or len(self.bins) < 2:
                raise ValueError("bins: generalize to 'bins' needs at least two bin edges")
            if list(self.bins) != sorted(set(self.bins)):
                raise ValueError("bins: edges must be strictly increasing")
            if self.labels is not None and len(self.labels) != len(self.bins) - 1:
                raise ValueError(
                    f"labels: {len(self.bins) - 1} bins need {len(self.bins) - 1} labels, "
                    f"got {len(self.labels)}"
                )
        elif self.bins is not None or self.labels is not None:
            raise ValueError(f"bins/labels: only valid with to: bins (this rule has to: {self.to})")
        if self.to != "range" and (self.width is not None or self.top is not None):
            raise ValueError(f"width/top: only valid with to: range (this rule has to: {self.to})")
        return self


class AggregateAreaRule(_Strict):
    """Replace points by the name of the area that contains them; the point columns are dropped.

    On a latitude column, `longitude` names its partner; on a column of points (WKT
    strings or shapely geometries) leave `longitude` out.
    """

    operator: Literal["aggregate_area"]
    longitude: str | None = None
    output: str = "area"
    name_property: str = "name"
    boundaries: str | None = None  # GeoJSON path; or pass boundaries= to anonymize()
    crs: str = "EPSG:4326"  # of the points


class RedactRule(_Strict):
    """Replace personal information inside free text by tokens such as <EMAIL>."""

    operator: Literal["redact"]
    kinds: list[PiiKind] = Field(default_factory=lambda: _TEXT_KINDS.copy())

    @field_validator("kinds")
    @classmethod
    def _no_free_text(cls, value: list[PiiKind]) -> list[PiiKind]:
        if PiiKind.FREE_TEXT in value:
            raise ValueError("free_text is a column kind, not something to redact inside text")
        return value


ColumnRule = Annotated[
    DropRule | KeepRule | MaskRule | PseudonymizeRule | GeneralizeRule | AggregateAreaRule
    | RedactRule,
    Field(discriminator="operator"),
]


class AcceptedQuasiIdentifier(_Strict):
    """A published column that looks like a quasi-identifier, accepted without counting it
    in k. The reason is the privacy reviewer's to read and goes to the audit log."""

    column: str = Field(min_length=1)
    reason: str

    @field_validator("reason")
    @classmethod
    def _reason_is_written(cls, value: str) -> str:
        if len(value.strip()) < 10:
            raise ValueError("write why this column may be published without counting it "
                             "in k (at least a sentence)")
        return value.strip()


class DetectionSettings(_Strict):
    sample_size: int = Field(default=20_000, ge=100)
    min_confidence: float = Field(default=0.5, ge=0, le=1)
    seed: int = 0


class AnonymizationPolicy(_Strict):
    quasi_identifiers: list[str] = Field(default_factory=list)
    sensitive_attributes: list[str] = Field(
        default_factory=list, validation_alias=AliasChoices("sensitive_attributes", "sensitive")
    )
    accepted_quasi_identifiers: list[AcceptedQuasiIdentifier] = Field(default_factory=list)
    k: int = Field(default=5, ge=1)
    l: int | None = Field(default=None, ge=1)  # noqa: E741 - the l of l-diversity
    # rows: drop records of small classes; values: set their quasi-identifiers to null
    suppression: Literal["rows", "values"] = "rows"
    redact_free_text: bool = True
    undeclared_pii: Literal["drop", "fail"] = "drop"
    columns: dict[str, ColumnRule] = Field(default_factory=dict)
    # GeoJSON of the areas for every aggregate_area rule that names none itself
    boundaries: str | None = None
    detection: DetectionSettings = Field(default_factory=DetectionSettings)

    @field_validator("columns", mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        # `requester_name: drop` is short for `requester_name: {operator: drop}`
        if isinstance(value, Mapping):
            return {
                name: {"operator": rule} if isinstance(rule, str) else rule
                for name, rule in value.items()
            }
        return value

    @model_validator(mode="after")
    def _consistent(self) -> AnonymizationPolicy:
        if self.l is not None and not self.sensitive_attributes:
            raise ValueError("l: l-diversity needs sensitive_attributes to be declared")
        dropped = {
            name for name, rule in self.columns.items()
            if isinstance(rule, DropRule | AggregateAreaRule)
        }
        dropped |= {
            rule.longitude for rule in self.columns.values()
            if isinstance(rule, AggregateAreaRule) and rule.longitude
        }
        outputs = self.output_names()
        for field_name, names in (
            ("quasi_identifiers", self.quasi_identifiers),
            ("sensitive_attributes", self.sensitive_attributes),
            ("accepted_quasi_identifiers", self.accepted_columns()),
        ):
            gone = [n for n in names if n in dropped and n not in outputs.values()]
            if gone:
                raise ValueError(
                    f"{field_name}: {', '.join(gone)} would be dropped by the column rules "
                    "and cannot be measured afterwards"
                )
        overlap = set(self.quasi_identifiers) & set(self.sensitive_attributes)
        if overlap:
            raise ValueError(
                f"sensitive_attributes: {', '.join(sorted(overlap))} also declared as "
                "quasi-identifiers"
            )
        # declared ones are counted in k; accepting one as well would say the opposite
        both = set(self.quasi_identifiers) & set(self.accepted_columns())
        if both:
            raise ValueError(
                f"accepted_quasi_identifiers: {', '.join(sorted(both))} also declared as "
                "quasi-identifiers (declare a column, or accept it, not both)"
            )
        accepted = self.accepted_columns()
        repeated = sorted({c for c in accepted if accepted.count(c) > 1})
        if repeated:
            raise ValueError(f"accepted_quasi_identifiers: {', '.join(repeated)} accepted twice")
        return self

    def accepted_columns(self) -> list[str]:
        return [item.column for item in self.accepted_quasi_identifiers]

    def output_names(self) -> dict[str, str]:
        """Input column -> output column, for rules that rename or create a column."""
        names = {}
        for name, rule in self.columns.items():
            if isinstance(rule, AggregateAreaRule):
                names[name] = rule.output
            else:
                target = getattr(rule, "rename_to", None)
                if target:
                    names[name] = target
        return names

    def mentioned_columns(self) -> set[str]:
        """Columns the policy decides about, so detected PII in them is not 'undeclared'."""
        mentioned = set(self.columns)
        mentioned |= {
            rule.longitude for rule in self.columns.values()
            if isinstance(rule, AggregateAreaRule) and rule.longitude
        }
        return mentioned


def parse_policy(data: Mapping[str, Any] | AnonymizationPolicy | None) -> AnonymizationPolicy:
    """Validate the `anonymization:` mapping of a dataset spec; PolicyError names bad fields."""
    if isinstance(data, AnonymizationPolicy):
        return data
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        raise PolicyError(
            f"anonymization: expected a mapping of policy fields, got {type(data).__name__}"
        )
    try:
        return AnonymizationPolicy.model_validate(dict(data))
    except ValidationError as exc:
        lines = [f"anonymization policy: {exc.error_count()} problem(s)"]
        for item in exc.errors():
            # drop pydantic's union-member tags ("generalize") from the location
            loc = [str(p) for p in item["loc"]]
            field_path = ".".join(["anonymization", *loc])
            message = item["msg"].removeprefix("Value error, ")
            lines.append(f"  - {field_path}: {message}")
        raise PolicyError("\n".join(lines)) from exc
