-- name: Record
INSERT INTO audit_log (at, actor, action, target, status, remote, detail) VALUES ($1, $2, $3, $4, $5, $6, $7);

-- name: List
SELECT id, at, actor, action, target, status, remote, detail
FROM audit_log
WHERE $1 = '' OR actor = $1
ORDER BY at DESC, id DESC
LIMIT $2;
