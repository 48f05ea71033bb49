"""Asset keys of a dataset's stages, in one place."""

import dagster as dg


def raw_key(slug: str) -> dg.AssetKey:
    return dg.AssetKey(["raw", slug])


def review_key(slug: str) -> dg.AssetKey:
    return dg.AssetKey(["review", slug])


def published_key(slug: str) -> dg.AssetKey:
    return dg.AssetKey(["published", slug])


def mart_key(mart: str) -> dg.AssetKey:
    return dg.AssetKey(["marts", mart])


def op_name(key: dg.AssetKey) -> str:
    """The op name Dagster derives from an asset key (for run config)."""
    return "__".join(key.path)


def until_review_selection(slug: str) -> dg.AssetSelection:
    """raw/<slug>, its dbt models and review/<slug>: everything but publication, which
    waits for the reviewers."""
    return (dg.AssetSelection.assets(raw_key(slug)).downstream()
            & dg.AssetSelection.assets(review_key(slug)).upstream())
