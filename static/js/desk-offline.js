// The check-in page offline. While the network answers, the page works as without this
// script, and keeps a copy of the edition on this device (IndexedDB): each badge as a key
// (SHA-256 of what is scanned, never the code itself), names, lists and who is inside,
// refreshed from the event log position it was read at (only what changed since). When the
// network drops, scans are answered from the copy, said to be "offline — will sync", and
// queued with a nonce and this device's clock; when it returns, the queue is sent (each
// nonce records once) and the server says which were recorded, conflicts or refused.
(function () {
  "use strict";
  const root = document.querySelector("[data-offline-desk]");
  const form = document.querySelector("[data-scan]");
  if (!root || !form || !window.indexedDB || !window.crypto || !crypto.subtle) return;
  const slug = root.dataset.slug, list = root.dataset.list, direction = root.dataset.direction;
  const text = function (name, values) {
    return (root.dataset["msg" + name] || "").replace(/\{(\w+)\}/g, function (_, key) {
      return values && key in values ? values[key] : "";
    });
  };
  const status = root.querySelector("[data-offline-status]");
  const results = root.querySelector("[data-offline-results]");
  let syncing = null;

  // Ready offline once this page and its files are kept: the page says so (data-ready) only then.
  const kept = navigator.serviceWorker && window.caches
    ? navigator.serviceWorker.register(root.dataset.workerUrl, {scope: "/staff/desk/"})
      .then(keepThisPage).catch(function () { /* the page still works online */ })
    : Promise.resolve();

  // The worker keeps what it fetches; this page and its files were fetched before it ran,
  // so they are kept once here (the same cache as desk-offline-worker.js).
  function keepThisPage() {
    const files = Array.from(document.querySelectorAll("link[rel=stylesheet], script[src]"),
                             function (e) { return e.href || e.src; });
    return caches.open("desk-offline-v1").then(function (cache) {
      return Promise.all([location.pathname + location.search].concat(files).map(function (url) {
        return cache.match(url).then(function (hit) { return hit || cache.add(url); });
      }));
    });
  }

  // IndexedDB: one copy per edition ("copies", by slug), and the queue ("queue", by nonce).
  function database() {
    return new Promise(function (resolve, reject) {
      const opening = indexedDB.open("desk-offline", 1);
      opening.onupgradeneeded = function () {
        opening.result.createObjectStore("copies", {keyPath: "edition"});
        opening.result.createObjectStore("queue", {keyPath: "nonce"});
      };
      opening.onsuccess = function () { resolve(opening.result); };
      opening.onerror = function () { reject(opening.error); };
    });
  }
  function run(store, mode, work) {
    return database().then(function (db) {
      return new Promise(function (resolve, reject) {
        const tx = db.transaction(store, mode);
        const request = work(tx.objectStore(store));
        tx.oncomplete = function () { resolve(request && request.result); };
        tx.onerror = function () { reject(tx.error); };
      });
    });
  }
  const loadCopy = function () { return run("copies", "readonly", function (s) { return s.get(slug); }); };
  const saveCopy = function (copy) { return run("copies", "readwrite", function (s) { return s.put(copy); }); };
  const queued = function () {
    return run("queue", "readonly", function (s) { return s.getAll(); }).then(function (all) {
      return all.filter(function (scan) { return scan.edition === slug; });
    });
  };

  function device() {
    let id = localStorage.getItem("desk-device");
    if (!id) { id = crypto.randomUUID(); localStorage.setItem("desk-device", id); }
    return id;
  }

  // What a badge is found by: the same key the server computes (projections/desk_copy.py).
  function key(value) {
    return crypto.subtle.digest("SHA-256", new TextEncoder().encode("desk-copy/" + value))
      .then(function (digest) {
        return Array.from(new Uint8Array(digest), function (b) {
          return b.toString(16).padStart(2, "0");
        }).join("");
      });
  }
  const ALPHABET = "ACDEFHJKMNPQRTUVWXY34679";
  function shortCode(typed) {  // as domain.checkin.normalised_short_code reads it
    const code = typed.toUpperCase().replace(/[\s\-\u2010\u2011\u2013\u2014._]/g, "")
      .replace(/G/g, "6");
    return code.length === 9 && Array.from(code).every(function (c) {
      return ALPHABET.indexOf(c) >= 0;
    }) ? code : null;
  }

  function fetchJson(url, options) {
    return fetch(url, Object.assign({credentials: "same-origin", redirect: "manual"}, options))
      .then(function (response) {
        if (response.type === "opaqueredirect" || response.status === 401) {
          throw new Error("signed-out");
        }
        if (!response.ok) throw new Error("http " + response.status);
        return response.json();
      });
  }

  function refresh() {
    return loadCopy().then(function (copy) {
      const since = copy ? "?since=" + copy.position : "";
      return fetchJson(root.dataset.copyUrl + since).then(function (fresh) {
        const people = fresh.complete || !copy ? {} : copy.people;
        fresh.people.forEach(function (person) { people[person.id] = person; });
        fresh.people = people;
        fresh.updated = new Date().toISOString();
        return saveCopy(fresh).then(function () { return fresh; });
      });
    });
  }

  function time(iso, copy) {  // "10 h 02" / "10:02 a.m." as the pages write it, in the edition's zone
    const french = document.documentElement.lang === "fr";
    return new Date(iso).toLocaleTimeString(french ? "fr-CA" : "en-CA", {
      hour: french ? "2-digit" : "numeric", minute: "2-digit", timeZone: copy && copy.time_zone});
  }

  function show() {
    return Promise.all([loadCopy(), queued()]).then(function (found) {
      const copy = found[0], waiting = found[1].length;
      const parts = [];
      if (!navigator.onLine) parts.push(text("Offline"));
      if (copy) {
        parts.push(text("Copy", {count: Object.keys(copy.people).length, time: time(copy.updated, copy)}));
      }
      if (waiting) parts.push(text("Waiting", {count: waiting}));
      status.textContent = parts.join(" ");
      if (copy) showPresent(copy);
      root.classList.toggle("offline", !navigator.onLine);
      root.hidden = !parts.length;
      root.dataset.waiting = String(waiting);
    });
  }

  // "12 people inside now" above the field, from the copy (what this device knows).
  function showPresent(copy) {
    const present = document.querySelector("[data-present]");
    if (!present) return;
    const count = Object.values(copy.people).filter(function (p) {
      return p.admitted && p.inside[list];
    }).length;
    const form = new Intl.PluralRules(document.documentElement.lang).select(count);
    present.textContent = text(form === "one" ? "PresentOne" : "PresentOther", {count: count});
  }

  function sync() {
    if (syncing) return syncing;
    syncing = queued().then(function (scans) {
      if (!scans.length) return null;
      return fetchJson(root.dataset.syncUrl, {
        method: "POST",
        headers: {"Content-Type": "application/json", "X-CSRF-Token": root.dataset.csrf},
        body: JSON.stringify({device: device(), scans: scans.map(function (s) {
          return {nonce: s.nonce, code: s.code, list: s.list, direction: s.direction,
                  scanned_at: s.scanned_at};
        })}),
      }).then(function (answer) {
        return run("queue", "readwrite", function (store) {
          answer.results.forEach(function (r) { store.delete(r.nonce); });
        }).then(function () { return report(answer.results, scans); });
      });
    }).then(function () { return refresh(); }).catch(function (error) {
      if (error.message === "signed-out") status.textContent = text("SignIn");
    }).finally(function () { syncing = null; return show(); });
    return syncing;
  }

  function report(answers, scans) {
    const byNonce = {};
    scans.forEach(function (s) { byNonce[s.nonce] = s; });
    const heading = document.createElement("li");
    heading.textContent = text("Synced", {count: answers.length});
    results.replaceChildren(heading);
    answers.forEach(function (r) {
      if (r.status === "recorded") return;
      const item = document.createElement("li");
      item.className = r.status === "conflict" ? "conflict" : "bad";
      item.dataset.syncResult = r.status;
      item.textContent = (byNonce[r.nonce] && byNonce[r.nonce].who || "") + " — " + r.message;
      results.appendChild(item);
    });
  }

  function answer(tone, headline, person, copy) {
    let shown = document.querySelector("[data-answer]");
    if (!shown) {
      shown = document.createElement("div");
      const muted = form.nextElementSibling;
      form.after(shown);
      if (muted && muted.matches("p.muted")) muted.remove();
    }
    shown.className = "scan-answer " + tone;
    shown.setAttribute("role", "alert");
    shown.dataset.answer = tone;
    shown.dataset.offline = "true";
    const lines = [["headline", headline]];
    if (person) {
      lines.push(["who", person.first_name + " " + person.last_name]);
      const kind = copy.registration_types[person.registration_type] || person.registration_type;
      lines.push(["what", (person.delegation ? (copy.delegations[person.delegation] ||
                                                person.delegation) + " · " : "") + kind]);
    }
    shown.replaceChildren.apply(shown, lines.map(function (line) {
      const div = document.createElement("div");
      div.className = line[0];
      div.textContent = line[1];
      return div;
    }));
  }

  function admits(copy, person) {
    const door = copy.lists.filter(function (l) { return l.code === list; })[0];
    if (!door) return true;
    if (door.registration_types && door.registration_types.indexOf(person.registration_type) < 0) {
      return false;
    }
    const today = new Date().toLocaleDateString("en-CA", {timeZone: copy.time_zone});
    return !door.day || door.day === today;
  }

  function scanOffline(code) {
    const short = shortCode(code);
    return Promise.all([loadCopy(), key(code), short ? key(short) : null]).then(function (got) {
      const copy = got[0], keys = [got[1], got[2]];
      const person = copy && Object.values(copy.people).filter(function (p) {
        return p.keys.indexOf(keys[0]) >= 0 || (keys[1] && p.keys.indexOf(keys[1]) >= 0);
      })[0];
      const listName = copy ? (copy.lists.filter(function (l) { return l.code === list; })[0] || {}).name : list;
      if (person && !person.admitted) return answer("bad", text("NotAdmitted"), person, copy);
      if (person && !admits(copy, person)) {
        return answer("bad", text("NotOnList", {list: listName}), person, copy);
      }
      const since = person && person.inside[list];
      if (person && direction === "entry" && since) {
        return answer("warn", text("Inside", {time: time(since, copy)}), person, copy);
      }
      if (person && direction === "exit" && !since) {
        return answer("bad", text("NotInside", {list: listName}), person, copy);
      }
      const now = new Date().toISOString();
      const scan = {nonce: crypto.randomUUID(), edition: slug, code: code, list: list,
                    direction: direction, scanned_at: now,
                    who: person ? person.first_name + " " + person.last_name : code};
      return run("queue", "readwrite", function (s) { return s.put(scan); }).then(function () {
        if (!person) return answer("warn", text("Unknown"), null, copy);
        if (direction === "entry") person.inside[list] = now; else delete person.inside[list];
        return saveCopy(copy).then(function () {
          answer("ok", direction === "entry" ? text("In") : text("Out", {time: time(now, copy)}),
                 person, copy);
        });
      });
    }).then(show);
  }

  form.addEventListener("submit", function (event) {
    const input = form.querySelector("[name=code]");
    const code = input.value.trim();
    if (!code) return;
    if (navigator.onLine && root.dataset.waiting === "0") return;  // the page answers
    event.preventDefault();
    if (navigator.onLine) {  // send the queue first, then this scan as usual
      sync().then(function () { form.submit(); });
      return;
    }
    input.value = "";
    scanOffline(code).finally(function () { input.focus(); });
  });

  document.querySelectorAll("form[action$='/sign-out']").forEach(function (signOut) {
    signOut.addEventListener("submit", function (event) {
      if (root.dataset.waiting !== "0") {
        event.preventDefault();
        status.textContent = text("SignOut");
        root.hidden = false;
      }
    });
  });

  window.addEventListener("online", function () { sync(); });
  window.addEventListener("offline", show);
  root.dataset.waiting = "0";
  show().then(function () {
    if (navigator.onLine) return queued().then(function (q) { return q.length ? sync() : refresh(); });
    return null;
  }).then(show).catch(function () { /* offline, or storage refused: the page works online */ })
    .finally(function () { return kept.then(function () { root.dataset.ready = "true"; }); });
})();
