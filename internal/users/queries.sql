-- Accounts and sessions of the web UI.

-- name: InsertUser
INSERT INTO users (name, password_hash, role, created_at)
VALUES ($1, $2, $3, $4)
RETURNING id, name, role, created_at, disabled;

-- name: SelectCredentials
SELECT id, name, role, created_at, disabled, password_hash
FROM users
WHERE name = $1;

-- name: UpdatePassword
-- Sets a password and ends the user's sessions, in one statement.
WITH u AS (
    UPDATE users SET password_hash = $2 WHERE name = $1 RETURNING id
), ended AS (
    DELETE FROM sessions WHERE user_id IN (SELECT id FROM u)
)
SELECT id FROM u;

-- name: UpgradeHash
-- Rehashes a password with the current parameters, unless it changed since
-- it was read.
UPDATE users SET password_hash = $3 WHERE id = $1 AND password_hash = $2;

-- name: UpdateDisabled
-- Disables or enables a user; disabling ends their sessions.
WITH u AS (
    UPDATE users SET disabled = $2 WHERE name = $1 RETURNING id, disabled
), ended AS (
    DELETE FROM sessions WHERE user_id IN (SELECT id FROM u WHERE disabled)
)
SELECT id FROM u;

-- name: ListUsers
SELECT id, name, role, created_at, disabled
FROM users
ORDER BY name;

-- name: CountUsers
SELECT count(*) FROM users;

-- name: InsertSession
-- Opens a session for an enabled user; returns no row otherwise.
WITH u AS (
    SELECT id, name, role, created_at, disabled FROM users WHERE id = $2 AND NOT disabled
), opened AS (
    INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at, last_seen_at)
    SELECT $1, id, $3, $4, $5, $4 FROM u
)
SELECT id, name, role, created_at, disabled FROM u;

-- name: SelectSession
SELECT u.id, u.name, u.role, u.created_at, u.disabled, s.csrf, s.expires_at, s.last_seen_at
FROM sessions s
JOIN users u ON u.id = s.user_id
WHERE s.token_hash = $1 AND s.expires_at > $2 AND NOT u.disabled;

-- name: TouchSession
-- Records a use and slides the expiry, unless another request did since
-- the session was read.
UPDATE sessions SET last_seen_at = $2, expires_at = $3
WHERE token_hash = $1 AND last_seen_at = $4;

-- name: DeleteSession
DELETE FROM sessions WHERE token_hash = $1;

-- name: DeleteExpiredSessions
DELETE FROM sessions WHERE expires_at <= $1;
