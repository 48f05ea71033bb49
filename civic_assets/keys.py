"""Asset keys of a dataset's stages, in one place: `<slug>/<stage>`.

The graph groups a dataset's assets in one box and labels each node by the last part of
its key, so a node reads `raw`, `staging`, `mart`, `candidate` or `published`.
"""

import dagster as dg

RAW, STAGING, MART, CANDIDATE, PUBLISHED = "raw", "staging", "mart", "candidate", "published"


def raw_key(slug: str) -> dg.AssetKey:
    return dg.AssetKey([slug, RAW])


def staging_key(slug: str) -> dg.AssetKey:
    return dg.AssetKey([slug, STAGING])


def mart_key(slug: str) -> dg.AssetKey:
    return dg.AssetKey([slug, MART])


def candidate_key(slug: str) -> dg.AssetKey:
    return dg.AssetKey([slug, CANDIDATE])


def published_key(slug: str) -> dg.AssetKey:
    return dg.AssetKey([slug, PUBLISHED])


def op_name(key: dg.AssetKey) -> str:
    """The op name Dagster derives from an asset key (for run config)."""
    return "__".join(key.path)


def until_candidate_selection(slug: str) -> dg.AssetSelection:
    """`<slug>/raw`, its dbt models and `<slug>/candidate`: everything but publication,
    which waits for the reviewers."""
    return (dg.AssetSelection.assets(raw_key(slug)).downstream()
            & dg.AssetSelection.assets(candidate_key(slug)).upstream())
