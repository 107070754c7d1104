-- name: CreateToken
INSERT INTO api_tokens (name, token_hash, scopes, rate_per_minute, created_by, created_at)
VALUES ($1, $2, $3, $4, $5, $6)
RETURNING id, created_at;

-- name: TokenByHash
SELECT id, name, scopes, rate_per_minute, created_by, created_at, last_used_at, revoked_at
FROM api_tokens
WHERE token_hash = $1 AND revoked_at IS NULL;

-- name: TouchToken
UPDATE api_tokens SET last_used_at = $2 WHERE id = $1;

-- name: ListTokens
SELECT id, name, scopes, rate_per_minute, created_by, created_at, last_used_at, revoked_at
FROM api_tokens
ORDER BY created_at DESC, id DESC;

-- name: RevokeToken
UPDATE api_tokens SET revoked_at = $2 WHERE name = $1 AND revoked_at IS NULL;
