-- 0010: residents talk back. Dataset requests (with upvotes) and feedback on a dataset,
-- both answered by a coordinator on the admin page. The optional e-mail is kept only to
-- send that answer: it is cleared once the answer is sent.
CREATE TABLE catalog.dataset_requests (
    id           bigserial PRIMARY KEY,
    title        text NOT NULL CHECK (length(title) BETWEEN 3 AND 200),
    description  text NOT NULL DEFAULT '' CHECK (length(description) <= 4000),
    email        text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    upvotes      integer NOT NULL DEFAULT 0,
    status       text NOT NULL DEFAULT 'open'
                 CHECK (status IN ('open', 'answered', 'fulfilled', 'declined')),
    answer       text,
    answered_at  timestamptz,
    -- the published dataset that fulfils the request
    slug         text
);

CREATE TABLE catalog.dataset_feedback (
    id           bigserial PRIMARY KEY,
    slug         text NOT NULL,
    message      text NOT NULL CHECK (length(message) BETWEEN 3 AND 4000),
    email        text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    answer       text,
    answered_at  timestamptz
);
CREATE INDEX dataset_feedback_slug ON catalog.dataset_feedback (slug, id DESC);
