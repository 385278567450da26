/* Konstruct website chat widget — served by the appliance, no dependencies. Everything lives in a
 * shadow root so the host page's CSS cannot reach it. Replies arrive as HTML the server has
 * already escaped and sanitised; the visitor's own text is only ever set as text. */
(function (cfg) {
  "use strict";
  if (!cfg || window["__konstructWidget_" + cfg.id]) return;
  window["__konstructWidget_" + cfg.id] = true;
  var KEY = "konstruct-widget:" + cfg.id;
  var memory = {};
  var store = {
    get: function () { try { return localStorage.getItem(KEY); } catch (e) { return memory[KEY] || null; } },
    set: function (v) { try { localStorage.setItem(KEY, v); } catch (e) { memory[KEY] = v; } },
    clear: function () { try { localStorage.removeItem(KEY); } catch (e) { delete memory[KEY]; } },
  };
  var CSS =
    // Important in the shadow context beats the page's own !important: nothing of the host page's CSS reaches the widget.
    ":host{all:initial!important;display:block!important;position:fixed!important;width:0!important;height:0!important;border:0!important}" +
    ".k{position:fixed;right:20px;bottom:20px;z-index:2147483000;font:14px/1.4 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#1b1f24}" +
    ".bubble{width:56px;height:56px;border-radius:50%;border:0;background:#2456d6;color:#fff;cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.25);display:flex;align-items:center;justify-content:center;margin-left:auto}" +
    ".bubble svg{width:28px;height:28px;fill:#fff}" +
    ".panel{display:none;flex-direction:column;width:340px;max-width:calc(100vw - 40px);height:460px;max-height:calc(100vh - 100px);background:#fff;border-radius:12px;box-shadow:0 8px 30px rgba(0,0,0,.25);overflow:hidden;margin-bottom:12px}" +
    ".open .panel{display:flex}" +
    ".head{background:#2456d6;color:#fff;padding:10px 14px;font-weight:600;display:flex;justify-content:space-between;align-items:center}" +
    ".head button{background:none;border:0;color:#fff;font-size:20px;cursor:pointer}" +
    ".log{flex:1;overflow-y:auto;padding:10px;background:#f5f6f8}" +
    ".m{margin:6px 0;padding:8px 10px;border-radius:10px;max-width:85%;word-wrap:break-word;white-space:pre-wrap}" +
    ".visitor{background:#2456d6;color:#fff;margin-left:auto}" +
    ".agent{background:#fff;border:1px solid #dde1e6}.agent a{color:#2456d6}.agent pre{white-space:pre-wrap}" +
    ".note{color:#6a737d;font-size:12px;text-align:center;margin:6px 0}.error{color:#b42318}" +
    "form{display:flex;border-top:1px solid #dde1e6}" +
    "textarea{flex:1;border:0;padding:10px;font:inherit;resize:none;height:44px;outline:none}" +
    "form button{border:0;background:#fff;color:#2456d6;font-weight:600;padding:0 14px;cursor:pointer}" +
    "form .attach{padding:0 8px;font-size:18px}.files{display:block;font-size:12px;opacity:.85;margin-top:2px}";

  var host = document.createElement("konstruct-chat");
  host.setAttribute("data-konstruct-widget", cfg.id);
  var root = host.attachShadow({ mode: "open" });
  try {
    var sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    root.adoptedStyleSheets = [sheet];
  } catch (e) {
    var style = document.createElement("style");
    style.textContent = CSS;
    root.appendChild(style);
  }
  var box = el("div", "k");
  var panel = el("div", "panel");
  var head = el("div", "head");
  head.appendChild(el("span", "", cfg.title || "Chat with us"));
  var close = el("button", "", "\u00d7");
  close.setAttribute("aria-label", "Close chat");
  head.appendChild(close);
  var log = el("div", "log");
  log.setAttribute("role", "log");
  var form = el("form");
  var input = el("textarea");
  input.setAttribute("aria-label", "Your message");
  input.setAttribute("placeholder", "Write a message\u2026");
  input.maxLength = cfg.maxChars;
  var send = el("button", "", "Send");
  send.type = "submit";
  // Files: a hidden picker behind a button; what is picked goes with the next message (base64 in the same JSON).
  var picker = el("input");
  picker.type = "file";
  picker.multiple = cfg.maxFiles > 1;
  picker.style.display = "none";
  var attach = el("button", "attach", "+");
  attach.type = "button";
  attach.setAttribute("aria-label", "Attach a file");
  if (cfg.maxFiles > 0) { form.appendChild(attach); form.appendChild(picker); }
  form.appendChild(input);
  form.appendChild(send);
  panel.appendChild(head);
  panel.appendChild(log);
  panel.appendChild(form);
  var bubble = el("button", "bubble");
  // A speech bubble drawn here: no emoji font, image or icon CDN needed.
  bubble.innerHTML = '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z"/></svg>';
  bubble.setAttribute("aria-label", "Open chat");
  box.appendChild(panel);
  box.appendChild(bubble);
  root.appendChild(box);
  (document.body || document.documentElement).appendChild(host);

  var shown = {};
  var opened = false;
  var polling = false;
  var status = el("div", "note");

  function el(tag, cls, text) {
    var n = document.createElement(tag);
    if (cls) n.className = cls;
    if (text) n.textContent = text;
    return n;
  }
  function note(text, error) {
    status.textContent = text || "";
    status.className = "note" + (error ? " error" : "");
    log.appendChild(status);
    log.scrollTop = log.scrollHeight;
  }
  function call(path, body) {
    return fetch(cfg.base + "/widget/" + cfg.id + "/" + path, {
      method: "POST",
      mode: "cors",
      credentials: "omit",
      headers: { "content-type": "text/plain;charset=UTF-8" },
      body: JSON.stringify(body || {}),
    }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (data) {
        if (res.ok) return data;
        var err = new Error((data.error && data.error.message) || "The chat is unavailable (" + res.status + ").");
        err.status = res.status;
        err.retryAfter = Number(res.headers.get("retry-after") || 0);
        throw err;
      });
    });
  }
  function token() {
    var t = store.get();
    if (t) return Promise.resolve(t);
    return call("session").then(function (d) { store.set(d.token); return d.token; });
  }
  /** A 401 means the token is not valid for this widget (any more): start a new visitor once. */
  function withToken(fn) {
    return token().then(fn).catch(function (e) {
      if (e.status !== 401) throw e;
      store.clear();
      return token().then(fn);
    });
  }
  function render(lines) {
    for (var i = 0; i < lines.length; i++) {
      var l = lines[i];
      if (shown[l.id]) continue;
      shown[l.id] = true;
      var m = el("div", "m " + (l.from === "agent" ? "agent" : "visitor"));
      m.setAttribute("data-id", l.id);
      if (l.from === "agent") m.innerHTML = l.html; // escaped and sanitised by the server
      else {
        m.textContent = l.text;
        if (l.files && l.files.length) m.appendChild(el("span", "files", "Attached: " + l.files.join(", ")));
      }
      log.appendChild(m);
    }
    log.scrollTop = log.scrollHeight;
  }
  var timer = 0;
  var again = false;
  /** One poll in flight at most, and one timer: a send while polling asks for another round at once. */
  function pollLoop() {
    clearTimeout(timer);
    if (!opened) return;
    if (polling) { again = true; return; }
    polling = true;
    again = false;
    withToken(function (t) { return call("poll", { token: t }); })
      .then(function (d) {
        render(d.lines || []);
        note(d.pending ? "\u2026" : "");
        polling = false;
        if (opened) timer = setTimeout(pollLoop, d.pending || again ? 0 : 4000);
      })
      .catch(function (e) {
        note(e.message, true);
        polling = false;
        if (opened && e.status !== 403 && e.status !== 404) timer = setTimeout(pollLoop, Math.max(e.retryAfter || 0, 5) * 1000);
      });
  }
  function messageId() {
    var a = new Uint8Array(16);
    crypto.getRandomValues(a);
    return Array.prototype.map.call(a, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  var picked = [];
  attach.addEventListener("click", function () { picker.click(); });
  picker.addEventListener("change", function () {
    var list = Array.prototype.slice.call(picker.files || []);
    picker.value = "";
    if (list.length > cfg.maxFiles) return note("Please attach at most " + cfg.maxFiles + " files to one message.", true);
    for (var i = 0; i < list.length; i++)
      if (list[i].size > cfg.maxFileMb * 1048576) return note('"' + list[i].name + '" is larger than ' + cfg.maxFileMb + " MB.", true);
    picked = list;
    note(list.length ? "Attached: " + list.map(function (f) { return f.name; }).join(", ") : "");
  });
  /** A picked file as { name, data } with its bytes in base64 (FileReader's data: URL, prefix removed). */
  function encode(file) {
    return new Promise(function (resolve, reject) {
      var r = new FileReader();
      r.onload = function () { resolve({ name: file.name, data: String(r.result).slice(String(r.result).indexOf(",") + 1) }); };
      r.onerror = function () { reject(new Error('"' + file.name + '" could not be read.')); };
      r.readAsDataURL(file);
    });
  }
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var text = input.value.trim();
    var sending = picked;
    if (!text && !sending.length) return;
    var id = messageId();
    send.disabled = true;
    Promise.all(sending.map(encode))
      .then(function (files) {
        return withToken(function (t) { return call("messages", files.length ? { token: t, id: id, text: text, files: files } : { token: t, id: id, text: text }); });
      })
      .then(function () {
        input.value = "";
        picked = [];
        send.disabled = false;
        note("");
        pollLoop();
      })
      .catch(function (e) {
        send.disabled = false;
        note(e.message, true);
      });
  });
  input.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter" && !ev.shiftKey) {
      ev.preventDefault();
      form.requestSubmit ? form.requestSubmit() : send.click();
    }
  });
  function toggle(open) {
    opened = open;
    box.className = open ? "k open" : "k";
    bubble.setAttribute("aria-label", open ? "Close chat" : "Open chat");
    if (open) {
      input.focus();
      pollLoop();
    }
  }
  bubble.addEventListener("click", function () { toggle(!opened); });
  close.addEventListener("click", function () { toggle(false); });
})(__KONSTRUCT_WIDGET__);
