-- 0004: the dataset spec lost its unused `dbt.source_name` (the dbt source of a dataset is
-- `raw.<slug>` by construction). The specs stored with each dataset are read back by the
-- API with the current spec model, which refuses unknown fields: drop it from them too.
UPDATE catalog.datasets
SET spec = spec #- '{dbt,source_name}'
WHERE spec #> '{dbt,source_name}' IS NOT NULL;
