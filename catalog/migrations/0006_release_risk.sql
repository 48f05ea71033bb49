-- 0006: the re-identification risk of each release, kept with the candidate and copied to
-- the version it becomes, so that a new candidate is compared with the last publication
-- (k, l, prosecutor and marketer risk, t-closeness, utility, the quasi-identifiers measured
-- and those accepted) and the history of a dataset's risk can be read back.
ALTER TABLE catalog.candidates ADD COLUMN risk jsonb NOT NULL DEFAULT '{}'::jsonb;
ALTER TABLE catalog.versions ADD COLUMN risk jsonb NOT NULL DEFAULT '{}'::jsonb;
