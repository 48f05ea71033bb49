-- 0014: rate limits shared by every API worker process (and every API server on the
-- database): attempts are counted here per limiter, client and window, not in each
-- process's memory, so a client gets the limit once, not once per worker.
--
-- `client` is a SHA-256 of the day's salt (catalog.usage_salt) and the client's address:
-- no address is stored, and once the salt is deleted (the next day) no hash can be traced
-- back to one. A limiter's windows older than the previous one are deleted as its
-- attempts come in.
CREATE TABLE catalog.rate_limit_hits (
    limiter       text NOT NULL,
    -- a hash, never an address (the check holds every writer to it)
    client        text NOT NULL CHECK (client ~ '^[0-9a-f]{64}$'),
    window_start  timestamptz NOT NULL,
    n             integer NOT NULL CHECK (n > 0),
    PRIMARY KEY (limiter, client, window_start)
);
-- the purge of a limiter's past windows finds them without reading the current ones
CREATE INDEX rate_limit_hits_purge ON catalog.rate_limit_hits (limiter, window_start);
