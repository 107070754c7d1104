// Package users owns the accounts of the web UI: who may sign in, with
// which role, and the sessions of signed-in browsers.
//
// Passwords are stored as argon2id hashes in the PHC string form
// ([HashPassword], [VerifyPassword]); the parameters travel with each hash,
// so they can be raised later without invalidating stored passwords (a
// successful sign-in rehashes an outdated one).
//
// A session is a random token the browser keeps in a cookie; the database
// keeps only its SHA-256, so a leaked table signs nobody in. Each session
// has its own CSRF token, which every form carries and [CheckCSRF]
// compares in constant time. Sessions expire after their lifetime without
// use (the expiry slides forward as they are used, recorded at most once a
// minute) and end at once when revoked or when the user is disabled or
// changes password.
//
// A role opens areas of the UI ([User.Can]):
//
//	area       reviewer  ops  manager  admin
//	queue         x       x      x       x
//	incidents     x              x       x
//	dashboard                    x       x
//	evals                 x              x
//	admin                                x
//
// The first admin is created from the command line: `triage users add
// --role admin NAME`.
//
// Typical use by a server-rendered UI:
//
//	u, err := store.Authenticate(ctx, name, password) // ErrBadCredentials
//	token, sess, err := store.NewSession(ctx, u.ID, 12*time.Hour)
//	// set token as an HttpOnly cookie; render sess.CSRF into forms
//	sess, err = store.Session(ctx, cookie.Value) // ErrNoSession: sign in again
//	if r.Method == http.MethodPost && !users.CheckCSRF(sess, r.PostFormValue("csrf")) { ... }
//	if !sess.User.Can(users.AreaDashboard) { ... }
package users
