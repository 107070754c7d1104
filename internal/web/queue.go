package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/triage-oss/triage/internal/apperr"
	"github.com/triage-oss/triage/internal/classify"
	"github.com/triage-oss/triage/internal/drafts"
	"github.com/triage-oss/triage/internal/items"
	"github.com/triage-oss/triage/internal/taxonomy"
	"github.com/triage-oss/triage/internal/users"
)

// QueuePageSize is how many drafts the queue page lists.
const QueuePageSize = 200

type queueData struct {
	Entries []drafts.QueueEntry
	Pending int
	Filter  drafts.QueueFilter
	Notice  string
}

func (h *Handler) queue(w http.ResponseWriter, r *http.Request, sess users.Session) {
	q := r.URL.Query()
	f := drafts.QueueFilter{Channel: q.Get("channel"), Intent: q.Get("intent"), Risk: q.Get("risk"), Limit: QueuePageSize, BySLA: true}
	entries, err := h.cfg.Drafts.Queue(r.Context(), f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	pending, err := h.cfg.Drafts.Pending(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, "queue", sess, queueData{Entries: entries, Pending: pending, Filter: f, Notice: q.Get("notice")})
}

type draftData struct {
	Draft          drafts.Draft
	Item           items.Item
	Thread         []items.Item
	Classification *classify.Stored
	Confidences    []labelConfidence
	Events         []drafts.Event
	Cluster        []drafts.QueueEntry // pending drafts of the item's cluster, this one included
	Next, Prev     int64               // neighbours in the queue, 0 at an end
	Notice         string
}

type labelConfidence struct {
	Field, Label string
	Confidence   float64
}

func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.Errorf(apperr.ENOTFOUND, "%q not found", r.PathValue("id"))
	}
	return id, nil
}

func (h *Handler) draftPage(w http.ResponseWriter, r *http.Request, sess users.Session) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	data, err := h.draftData(r, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	data.Notice = r.URL.Query().Get("notice")
	h.render(w, r, "draft", sess, data)
}

func (h *Handler) draftData(r *http.Request, id int64) (draftData, error) {
	ctx := r.Context()
	var d draftData
	var err error
	if d.Draft, err = h.cfg.Drafts.Get(ctx, id); err != nil {
		return d, err
	}
	if d.Item, err = h.cfg.Items.Get(ctx, d.Draft.ItemID); err != nil {
		return d, err
	}
	if d.Thread, err = h.cfg.Items.Thread(ctx, d.Item, 50); err != nil {
		return d, err
	}
	if c, err := h.cfg.Classifications.Latest(ctx, d.Item.ID); err == nil {
		d.Classification = &c
		for _, f := range taxonomy.Fields {
			label, _ := c.Label(f)
			d.Confidences = append(d.Confidences, labelConfidence{Field: string(f), Label: label, Confidence: c.Confidence.Of(f)})
		}
	} else if apperr.CodeOf(err) != apperr.ENOTFOUND {
		return d, err
	}
	if d.Events, err = h.cfg.Drafts.Events(ctx, id); err != nil {
		return d, err
	}
	if d.Item.ClusterID != nil {
		if d.Cluster, err = h.cfg.Drafts.Queue(ctx, drafts.QueueFilter{ClusterID: *d.Item.ClusterID, Limit: drafts.MaxQueueLimit}); err != nil {
			return d, err
		}
	}
	d.Prev, d.Next, err = h.neighbours(r, id)
	return d, err
}

// neighbours returns the drafts before and after id in the queue's order;
// for a draft no longer in the queue, Next is the top of the queue.
func (h *Handler) neighbours(r *http.Request, id int64) (prev, next int64, err error) {
	entries, err := h.cfg.Drafts.Queue(r.Context(), drafts.QueueFilter{Limit: QueuePageSize, BySLA: true})
	if err != nil {
		return 0, 0, err
	}
	for i, e := range entries {
		if e.DraftID != id {
			continue
		}
		if i > 0 {
			prev = entries[i-1].DraftID
		}
		if i+1 < len(entries) {
			next = entries[i+1].DraftID
		}
		return prev, next, nil
	}
	if len(entries) > 0 {
		next = entries[0].DraftID
	}
	return 0, next, nil
}

// afterReview goes to the next draft waiting, or back to the queue.
func (h *Handler) afterReview(w http.ResponseWriter, r *http.Request, id int64, notice string) {
	_, next, err := h.neighbours(r, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	dest := "/queue"
	if next != 0 {
		dest = fmt.Sprintf("/queue/%d", next)
	}
	http.Redirect(w, r, dest+"?notice="+urlQuery(notice), http.StatusSeeOther)
}

func (h *Handler) reviewForm(r *http.Request) (int64, int, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, 0, err
	}
	version, err := strconv.Atoi(r.PostFormValue("version"))
	if err != nil {
		return 0, 0, apperr.Invalid("invalid review", apperr.FieldError{Field: "version", Message: "required"})
	}
	return id, version, nil
}

func (h *Handler) approve(w http.ResponseWriter, r *http.Request, sess users.Session) {
	id, version, err := h.reviewForm(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d, err := h.cfg.Drafts.Review(r.Context(), id, drafts.Action{Kind: drafts.ActionApprove, Version: version,
		Reviewer: sess.User.Name, Body: normalizeNewlines(r.PostFormValue("body"))})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.afterReview(w, r, id, fmt.Sprintf("Draft %d %s: it will be sent.", id, d.State))
}

func (h *Handler) reject(w http.ResponseWriter, r *http.Request, sess users.Session) {
	id, version, err := h.reviewForm(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if _, err := h.cfg.Drafts.Review(r.Context(), id, drafts.Action{Kind: drafts.ActionReject, Version: version,
		Reviewer: sess.User.Name, Reason: strings.TrimSpace(r.PostFormValue("reason"))}); err != nil {
		h.fail(w, r, err)
		return
	}
	h.afterReview(w, r, id, fmt.Sprintf("Draft %d rejected: nothing will be sent.", id))
}

// approveCluster approves, as written, every pending draft of a
// near-duplicate cluster whose version the reviewer saw (the form lists
// them); a draft changed since is left for a separate look.
func (h *Handler) approveCluster(w http.ResponseWriter, r *http.Request, sess users.Session) {
	if _, err := pathID(r); err != nil {
		h.fail(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		h.fail(w, r, apperr.Errorf(apperr.EINVALID, "bad form: %v", err))
		return
	}
	approved, conflicts := 0, 0
	for _, v := range r.PostForm["draft"] {
		idStr, verStr, ok := strings.Cut(v, ":")
		id, err1 := strconv.ParseInt(idStr, 10, 64)
		version, err2 := strconv.Atoi(verStr)
		if !ok || err1 != nil || err2 != nil {
			h.fail(w, r, apperr.Invalid("invalid bulk approval", apperr.FieldError{Field: "draft", Message: "id:version"}))
			return
		}
		_, err := h.cfg.Drafts.Review(r.Context(), id, drafts.Action{Kind: drafts.ActionApprove, Version: version, Reviewer: sess.User.Name})
		switch {
		case err == nil:
			approved++
		case apperr.CodeOf(err) == apperr.ECONFLICT:
			conflicts++
		default:
			h.fail(w, r, err)
			return
		}
	}
	notice := fmt.Sprintf("Approved %d drafts of the cluster.", approved)
	if conflicts > 0 {
		notice += fmt.Sprintf(" %d changed meanwhile and were left for review.", conflicts)
	}
	http.Redirect(w, r, "/queue?notice="+urlQuery(notice), http.StatusSeeOther)
}

func normalizeNewlines(s string) string { return strings.ReplaceAll(s, "\r\n", "\n") }
