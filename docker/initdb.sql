-- The API's role needs a password on a server with password authentication; the
-- platform's bootstrap (catalog/sql) grants it SELECT on published and catalog only.
CREATE ROLE civic_api LOGIN PASSWORD 'civic_api';
CREATE DATABASE civic_dagster;
