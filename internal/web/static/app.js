// Keyboard-first review. j/k move through a list (or to the next/previous
// draft), Enter opens, a approves, e edits, r rejects with a reason, ?
// shows the keys. No dependencies; works without it too (every action is
// a plain form or link).
(function () {
  "use strict";
  var rows = [], selected = -1;
  // e and r move the focus into a field: done on keyup, so that the key's
  // own character is not typed into the field it opens.
  var focusOnKeyUp = null;

  function typing(e) {
    var t = e.target;
    return t && (t.tagName === "INPUT" || t.tagName === "SELECT" || (t.tagName === "TEXTAREA" && !t.readOnly));
  }

  function select(i) {
    if (!rows.length) return;
    if (selected >= 0) rows[selected].classList.remove("selected");
    selected = Math.max(0, Math.min(rows.length - 1, i));
    rows[selected].classList.add("selected");
    rows[selected].scrollIntoView({ block: "nearest" });
  }

  function click(sel) {
    var el = document.querySelector(sel);
    if (el) { el.click(); return true; }
    return false;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var list = document.querySelector("[data-list]");
    if (list) rows = Array.prototype.slice.call(list.querySelectorAll("tr[data-href]"));
    rows.forEach(function (row, i) {
      row.addEventListener("click", function (e) {
        if (e.target.tagName === "A" || e.target.tagName === "INPUT") return;
        select(i);
        window.location.href = row.getAttribute("data-href");
      });
    });
    if (rows.length) select(0);
    var edit = document.querySelector("[data-action=edit]");
    if (edit) edit.addEventListener("click", startEdit);
  });

  function startEdit() {
    var body = document.getElementById("body");
    if (!body) return;
    body.readOnly = false;
    body.focus();
    body.setSelectionRange(body.value.length, body.value.length);
  }

  document.addEventListener("keyup", function (e) {
    if (focusOnKeyUp && e.key === focusOnKeyUp.key) {
      var f = focusOnKeyUp;
      focusOnKeyUp = null;
      f.run();
    }
  });

  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    var help = document.getElementById("help");
    if (e.key === "Escape") {
      if (help) help.hidden = true;
      if (document.activeElement && document.activeElement.blur) document.activeElement.blur();
      var body = document.getElementById("body");
      if (body) body.readOnly = true;
      return;
    }
    if (typing(e)) return;
    switch (e.key) {
      case "?":
        if (help) help.hidden = !help.hidden;
        break;
      case "j":
        if (rows.length) select(selected + 1); else click("[data-key=j]");
        break;
      case "k":
        if (rows.length) select(selected - 1); else click("[data-key=k]");
        break;
      case "Enter":
        if (rows.length && selected >= 0) window.location.href = rows[selected].getAttribute("data-href");
        else return;
        break;
      case "a":
        if (!click("#approve [data-key=a]")) return;
        break;
      case "e":
        if (!document.getElementById("body")) return;
        focusOnKeyUp = { key: "e", run: startEdit };
        break;
      case "r":
        var reason = document.getElementById("reason");
        if (!reason) return;
        focusOnKeyUp = { key: "r", run: function () { reason.focus(); } };
        break;
      default:
        return;
    }
    e.preventDefault();
  });
})();
