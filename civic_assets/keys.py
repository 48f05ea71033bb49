"""Asset keys of a dataset's stages, in one place: `<slug>/<stage>`.

The graph groups a dataset's assets in one box and labels each node by the last part of
its key, so a node reads `raw`, `staging`, `mart`, `candidate` or `published`.
"""

import dagster as dg

RAW, STAGING, MART, CANDIDATE, PUBLISHED = "raw", "staging", "mart", "candidate", "published"
GEOGRAPHY = "geography"
# a dataset's further files load into raw.<slug>__<name>; its spatial step into
# raw.<slug>__geography
TABLE_SEPARATOR = "__"


def raw_key(slug: str) -> dg.AssetKey:
    return dg.AssetKey([slug, RAW])


def extract_key(slug: str, name: str) -> dg.AssetKey:
    """One of a dataset's further source files (the spec's `extracts`)."""
    return dg.AssetKey([slug, f"{RAW}_{name}"])


def extract_table(slug: str, name: str) -> str:
    return f"{slug}{TABLE_SEPARATOR}{name}"


def geography_key(slug: str) -> dg.AssetKey:
    return dg.AssetKey([slug, GEOGRAPHY])


def raw_table_key(table: str) -> tuple[str, dg.AssetKey]:
    """(slug, key) of the asset that writes raw.<table>: an extract, a further file
    (`<slug>__<name>`) or a spatial step (`<slug>__geography`)."""
    slug, _, name = table.partition(TABLE_SEPARATOR)
    if not name:
        return slug, raw_key(slug)
    return slug, geography_key(slug) if name == GEOGRAPHY else extract_key(slug, name)


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
    """The dataset's extracts, its dbt models and `<slug>/candidate`: everything of its
    group but publication, which waits for the reviewers. Other datasets' models it
    reads (a derived dataset's inputs) are theirs to refresh."""
    return (dg.AssetSelection.assets(candidate_key(slug)).upstream()
            & dg.AssetSelection.groups(slug))
