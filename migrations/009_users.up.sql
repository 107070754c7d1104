-- Accounts and sign-in sessions for the web UI.

-- People who sign in. The role decides which pages a user may open
-- (users.User.Can); a disabled user can neither sign in nor keep a session.
CREATE TABLE users (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name          text        NOT NULL UNIQUE,  -- lower case, [a-z0-9._@-]
    password_hash text        NOT NULL,         -- argon2id, PHC string form
    role          text        NOT NULL CHECK (role IN ('reviewer', 'ops', 'manager', 'admin')),
    disabled      boolean     NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT now()
);

-- Signed-in browsers. The browser holds a random token; only its SHA-256 is
-- kept here, so reading this table does not let anyone sign in. Expiry
-- slides: each use moves expires_at forward by the session's lifetime
-- (expires_at - last_seen_at stays the lifetime it was created with).
CREATE TABLE sessions (
    token_hash   bytea       PRIMARY KEY,
    user_id      bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf         text        NOT NULL, -- the token every form of the session carries
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX sessions_expires_at_idx ON sessions (expires_at);
CREATE INDEX sessions_user_id_idx ON sessions (user_id);
