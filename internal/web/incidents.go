package web

import (
	"fmt"
	"net/http"

	"github.com/triage-oss/triage/internal/incidents"
	"github.com/triage-oss/triage/internal/users"
)

func (h *Handler) incidentList(w http.ResponseWriter, r *http.Request, sess users.Session) {
	list, err := h.cfg.Incidents.List(r.Context(), "")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, "incidents", sess, map[string]any{"Incidents": list, "Notice": r.URL.Query().Get("notice")})
}

func (h *Handler) incidentPage(w http.ResponseWriter, r *http.Request, sess users.Session) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	n, err := h.cfg.Incidents.Get(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, "incident", sess, struct {
		Incident incidents.Incident
		Notice   string
	}{n, r.URL.Query().Get("notice")})
}

func (h *Handler) incidentReply(w http.ResponseWriter, r *http.Request, sess users.Session) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	n, err := h.cfg.Incidents.Reply(r.Context(), id, normalizeNewlines(r.PostFormValue("body")), sess.User.Name)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/incidents/%d?notice=%s", id, urlQuery(fmt.Sprintf("Reply approved for %d members; each is sent on its own.", n))), http.StatusSeeOther)
}

func (h *Handler) incidentClose(w http.ResponseWriter, r *http.Request, sess users.Session) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	n, err := h.cfg.Incidents.Close(r.Context(), id, sess.User.Name, r.PostFormValue("reason"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/incidents?notice="+urlQuery(fmt.Sprintf("Incident %d closed with %d open members.", id, n)), http.StatusSeeOther)
}
