"""The project's Dagster components (the `dg` components API)."""
