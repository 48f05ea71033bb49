# One image for every service of the standard Dagster deployment plus the API.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    DAGSTER_HOME=/opt/dagster/home DBT_PROFILES_DIR=/opt/civic/dbt_project
WORKDIR /opt/civic

# WeasyPrint (the transparency report's PDF) draws text with Pango and needs a font
RUN apt-get update && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

COPY pyproject.toml README.md ./
COPY civic_assets civic_assets
COPY anonymization anonymization
COPY metadata metadata
COPY quality quality
COPY catalog catalog
COPY api api
# editable: the code finds dbt_project/ and var/ beside it, as in a checkout
RUN pip install --no-cache-dir -e .

COPY dbt_project dbt_project
COPY workspace.yaml ./
COPY docker/workspace.yaml docker/workspace.yaml
RUN cd dbt_project && dbt parse --profiles-dir . --project-dir .
RUN mkdir -p $DAGSTER_HOME
COPY dagster.yaml $DAGSTER_HOME/dagster.yaml
