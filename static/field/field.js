/* The field app in the browser (docs/field.md): registers the service worker, keeps visits in
   an outbox in IndexedDB (per user) and sends them to /field/api/visits/ when there is signal.
   No inline script anywhere: this file is the page's only script. */
"use strict";
(function () {
  const body = document.body;
  const USER = body.dataset.user;
  const API = body.dataset.api;
  const T = {
    waiting: (n) => "รอส่ง " + n + " รายการ",
    refused: "ส่งไม่ได้",
    pending: "รอส่ง",
    sending: "กำลังส่ง…",
    offline: "ยังไม่มีสัญญาณ จะส่งให้เมื่อกลับมาออนไลน์",
    signin: "หมดเวลาการเข้าสู่ระบบ กรุณาเข้าสู่ระบบอีกครั้ง แล้วระบบจะส่งรายการที่รออยู่ให้ (ไม่มีรายการหาย)",
    failed: "ส่งไม่สำเร็จ จะลองใหม่ภายหลัง",
    sent: (n) => "ส่งแล้ว " + n + " รายการ",
    notSent: (n) => "ส่งไม่ได้ " + n + " รายการ (ดูเหตุผลด้านล่าง ทิ้งได้หรือแจ้งเจ้าหน้าที่จังหวัด)",
    saved: "บันทึกไว้ในเครื่องแล้ว จะส่งเมื่อมีสัญญาณ",
    sentOne: (name, day) => "ส่งแล้ว: การติดตาม " + name + " วันที่ " + day,
    sentNoPhoto: (name, day) => "ส่งการติดตาม " + name + " วันที่ " + day + " แล้ว รูปถ่ายจะส่งตามไปเมื่อมีสัญญาณ",
    refusedOne: (reason) => "ส่งไม่ได้: " + reason,
    twice: (day) => (day ? "มีบันทึกการติดตามของวันที่ " + day + " แล้ว" : "มีบันทึกการติดตามของวันนี้แล้ว") + " บันทึกอีกครั้งหรือไม่",
    discard: "ทิ้งรายการนี้",
    badDate: "กรุณากรอกวันที่เป็น วว/ดด/ปปปป (พ.ศ.) เช่น 15/09/2569",
    photoRefused: "บันทึกการติดตามแล้ว แต่รูปถ่ายส่งไม่ได้: ",
    photoWaiting: "รอส่งรูปถ่าย",
    located: (m) => "บันทึกตำแหน่งแล้ว (คลาดเคลื่อนประมาณ " + m + " เมตร)",
    locating: "กำลังหาตำแหน่ง…",
    noLocation: "ไม่ได้รับตำแหน่ง (ไม่ได้อนุญาตหรือไม่มีสัญญาณ GPS)",
    keep: (n) => "ยังมี " + n + " รายการที่ยังไม่ได้ส่ง รายการเหล่านี้จะยังเก็บไว้ในเครื่องนี้ และส่งได้เมื่อท่านเข้าสู่ระบบอีกครั้ง",
    keepRefused: (n) => "มี " + n + " รายการที่ส่งไม่ได้ (ระบบไม่รับ จะส่งอีกก็ไม่ได้) ยังเก็บไว้ในเครื่องนี้ให้ดูเหตุผลหรือทิ้ง",
    signOut: "ออกจากระบบต่อหรือไม่",
    /* The server's own messages (programs.widgets.IncomeWidget, FollowUp's date rule). */
    incomeNumber: "รายได้ต้องเป็นตัวเลข (บาทต่อเดือน)",
    incomeNegative: "รายได้ต้องไม่ติดลบ",
    incomeTooHigh: "รายได้สูงเกินจริง (ไม่เกิน 99,999,999 บาทต่อเดือน)",
    future: (day, today) => "วันที่ติดตามต้องไม่เป็นวันในอนาคต (" + day + " ยังมาไม่ถึง วันนี้คือ " + today + ")",
  };

  /* IndexedDB: one store, each visit keyed by its client_uuid and marked with its user. */
  function openDb() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open("sammachip-field", 1);
      request.onupgradeneeded = () => {
        const store = request.result.createObjectStore("outbox", { keyPath: "client_uuid" });
        store.createIndex("user", "user");
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }
  function tx(mode, work) {
    return openDb().then((db) => new Promise((resolve, reject) => {
      const transaction = db.transaction("outbox", mode);
      const result = work(transaction.objectStore("outbox"));
      transaction.oncomplete = () => resolve(result && "result" in result ? result.result : undefined);
      transaction.onerror = () => reject(transaction.error);
    }));
  }
  const mine = () => tx("readonly", (store) => store.index("user").getAll(USER));
  const put = (item) => tx("readwrite", (store) => store.put(item));
  const remove = (key) => tx("readwrite", (store) => store.delete(key));
  const one = (key) => tx("readonly", (store) => store.get(key));

  /* The visits sent from this phone (household and ISO day, no more): a second visit of the
     same day is asked about even after the first left the outbox. Cleared on signing out. */
  const SENT = "sammachip-field-sent-" + USER;
  function sentDays() {
    try { return JSON.parse(localStorage.getItem(SENT) || "[]"); } catch (e) { return []; }
  }
  function rememberSent(item) {
    const key = item.household + ":" + item.visited_on;
    const days = sentDays().filter((k) => k !== key);
    days.push(key);
    try { localStorage.setItem(SENT, JSON.stringify(days.slice(-500))); } catch (e) { /* full */ }
  }
  function localIso(day) {
    return day.getFullYear() + "-" + String(day.getMonth() + 1).padStart(2, "0") + "-" +
      String(day.getDate()).padStart(2, "0");
  }

  function uuid() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  function arabic(text) {
    return String(text || "").replace(/[๐-๙]/g, (d) => String(d.charCodeAt(0) - 0x0e50));
  }
  /* "15/09/2569" (BE, or CE above nothing: a year above 2400 is BE) → "2026-09-15". */
  function isoDate(text) {
    const m = arabic(text).trim().match(/^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})$/);
    if (!m) return null;
    let year = Number(m[3]);
    if (year < 100) year += 2500;
    if (year > 2400) year -= 543;
    const day = new Date(Date.UTC(year, Number(m[2]) - 1, Number(m[1])));
    if (day.getUTCDate() !== Number(m[1]) || day.getUTCMonth() !== Number(m[2]) - 1) return null;
    return day.toISOString().slice(0, 10);
  }
  const MONTHS = ["มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม",
    "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม"];
  /* "2026-12-08" → "8 ธันวาคม 2569" (sammachip.thaidate.format_thai_date). */
  function thaiDate(iso) {
    const [y, m, d] = iso.split("-").map(Number);
    return d + " " + MONTHS[m - 1] + " " + (y + 543);
  }
  /* The income as the server reads it (sammachip.numbers.typed_number, then Decimal): the
     Thai reason it would refuse it with, or "". */
  function incomeError(text) {
    const typed = arabic(text).replace(/[,\s\u00a0\u202f]/g, "").replace(/บาท$/, "");
    if (!typed) return "";
    if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(typed)) return T.incomeNumber;
    const amount = Number(typed);
    if (!Number.isFinite(amount)) return T.incomeNumber;
    if (amount < 0) return T.incomeNegative;
    if (amount >= 100000000) return T.incomeTooHigh;
    return "";
  }
  function csrf() {
    const m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }

  /* The outbox panel. */
  const panel = document.getElementById("outbox");
  const status = document.getElementById("outbox-status");
  const signin = document.getElementById("outbox-signin");
  function say(text) { status.textContent = text || ""; }
  function render() {
    return mine().then((items) => {
      items.sort((a, b) => a.created - b.created);
      const pending = items.filter((i) => i.state !== "refused").length;
      panel.hidden = items.length === 0 && !status.textContent;
      document.getElementById("outbox-send").hidden = pending === 0;
      document.getElementById("outbox-count").textContent = T.waiting(pending);
      const list = document.getElementById("outbox-items");
      list.replaceChildren(...items.map((item) => {
        const li = document.createElement("li");
        li.className = "state-" + item.state;
        li.dataset.uuid = item.client_uuid;
        li.textContent = item.label + " · " + item.visited_text + " · " +
          (item.state === "refused" ? T.refused + ": " + item.message
            : item.visit_sent ? T.photoWaiting : T.pending);
        if (item.state === "refused") {
          const discard = document.createElement("button");
          discard.type = "button";
          discard.className = "btn btn-link btn-sm p-0 ms-2";
          discard.textContent = T.discard;
          discard.addEventListener("click", () => remove(item.client_uuid).then(render));
          li.append(discard);
        }
        return li;
      }));
      return items;
    });
  }

  /* "ok", "retry", "signin", or the server's Thai reason for refusing the file. */
  function sendPhoto(item) {
    const data = new FormData();
    data.append("photo", item.photo, "photo.jpg");
    return fetch(API + item.client_uuid + "/photo/", {
      method: "POST", credentials: "same-origin", redirect: "manual",
      headers: { "X-CSRFToken": csrf() }, body: data,
    }).then((response) => {
      if (response.ok) return "ok";
      if (response.status === 401 || response.status === 403 || response.type === "opaqueredirect") return "signin";
      if (response.status === 400) return response.json().then((body) => body.message, () => "retry");
      return "retry";
    }).catch(() => "retry");
  }

  /* A photo scaled on the phone before it enters the outbox: at most 1600 px and about 500 KB,
     re-encoded as JPEG (which also leaves the camera's EXIF and GPS behind). */
  function shrink(file) {
    if (!file || !file.size) return Promise.resolve(null);
    return createImageBitmap(file, { imageOrientation: "from-image" }).then((bitmap) => {
      const scale = Math.min(1, 1600 / Math.max(bitmap.width, bitmap.height));
      const canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      const encode = (quality) => new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", quality))
        .then((blob) => (blob.size > 500 * 1024 && quality > 0.4 ? encode(quality - 0.15) : blob));
      return encode(0.85);
    });
  }

  /* One send at a time; a send asked for meanwhile (a visit just saved, the "online" event)
     runs after it, so what it waits for is really sent. */
  let running = null;
  function sync() {
    if (running) return running.then(sync);
    running = sendOnce().finally(() => { running = null; });
    return running;
  }
  function sendOnce() {
    return mine().then((items) => {
      const batch = items.filter((i) => i.state !== "refused").slice(0, 200);
      if (!batch.length) { if (!items.length) say(""); return null; }
      if (!navigator.onLine) { say(T.offline); return null; }
      say(T.sending);
      const visits = batch.map((i) => ({
        client_uuid: i.client_uuid, household: i.household, visited_on: i.visited_on,
        practising: i.practising, monthly_income: i.monthly_income, notes: i.notes,
        stopped_reason: i.stopped_reason, latitude: i.latitude || null, longitude: i.longitude || null,
      }));
      return fetch(API, {
        method: "POST", credentials: "same-origin", redirect: "manual",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
        body: JSON.stringify({ visits: visits }),
      }).then((response) => {
        if (response.status === 401 || response.status === 403 || response.type === "opaqueredirect") {
          signin.hidden = false;
          say(T.signin);
          return null;
        }
        if (!response.ok) { say(T.failed); return null; }
        signin.hidden = true;
        return response.json().then((data) => {
          const byUuid = new Map(batch.map((i) => [i.client_uuid, i]));
          let done = 0;
          let refused = 0;
          let signedOut = false;
          return data.results.reduce((chain, result) => chain.then(() => {
            const item = byUuid.get(result.client_uuid);
            if (!item) return null;
            if (result.status === "refused") {
              refused += 1;
              item.state = "refused";
              item.message = result.message;
              return put(item);
            }
            rememberSent(item);
            if (!item.photo) { done += 1; return remove(item.client_uuid); }
            item.visit_sent = true;
            return put(item).then(() => sendPhoto(item)).then((answer) => {
              if (answer === "signin") { signedOut = true; return null; }
              if (answer === "retry") return null;
              done += 1;
              if (answer === "ok") return remove(item.client_uuid);
              refused += 1;
              item.state = "refused";
              item.message = T.photoRefused + answer;
              return put(item);
            });
          }), Promise.resolve()).then(() => {
            if (signedOut) { signin.hidden = false; say(T.signin); } else {
              say([done ? T.sent(done) : "", refused ? T.notSent(refused) : ""].filter(Boolean).join(" · "));
            }
            // The worklist on screen predates these visits: offer the fresh one (the due dates move).
            if (done && !form) document.getElementById("outbox-reload").hidden = false;
          });
        });
      }).catch(() => say(T.offline));
    }).then(render);
  }

  /* The visit form: kept in the outbox first, then sent (offline or not: one path). */
  const form = document.getElementById("visit-form");
  const locate = document.getElementById("take-location");
  const locationStatus = document.getElementById("location-status");
  if (form && locate && "geolocation" in navigator) {
    locate.hidden = false;
    locate.addEventListener("click", () => {
      locationStatus.textContent = T.locating;
      navigator.geolocation.getCurrentPosition((position) => {
        form.elements.latitude.value = position.coords.latitude.toFixed(6);
        form.elements.longitude.value = position.coords.longitude.toFixed(6);
        locationStatus.textContent = T.located(Math.round(position.coords.accuracy));
      }, () => { locationStatus.textContent = T.noLocation; }, { enableHighAccuracy: true, timeout: 20000 });
    });
  }
  /* After a save the form goes: what happened is said where the officer looks (sent, kept
     on the phone, or refused), with the way back to the worklist. */
  function tell(item) {
    return one(item.client_uuid).then((left) => {
      const done = document.getElementById("visit-saved");
      const text = document.getElementById("visit-saved-text");
      let ok = true;
      if (!left) text.textContent = T.sentOne(item.label, item.visited_text);
      else if (left.state === "refused") { ok = false; text.textContent = T.refusedOne(left.message); }
      else if (left.visit_sent) text.textContent = T.sentNoPhoto(item.label, item.visited_text);
      else text.textContent = T.saved;
      done.className = "alert " + (ok ? "alert-success" : "alert-danger");
      form.hidden = true;
      done.hidden = false;
      done.scrollIntoView({ block: "center" });
      done.focus({ preventScroll: true });
    });
  }
  if (form) {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (form.dataset.busy) return;
      const data = new FormData(form);
      const visited = isoDate(data.get("visited_on"));
      const dateBox = form.elements.visited_on;
      if (!visited) { dateBox.setCustomValidity(T.badDate); dateBox.reportValidity(); return; }
      const today = localIso(new Date());
      if (visited > today) {
        dateBox.setCustomValidity(T.future(thaiDate(visited), thaiDate(today)));
        dateBox.reportValidity();
        return;
      }
      dateBox.setCustomValidity("");
      const incomeBox = form.elements.monthly_income;
      const badIncome = incomeError(incomeBox.value);
      incomeBox.setCustomValidity(badIncome);
      if (badIncome) { incomeBox.reportValidity(); return; }
      const household = Number(form.dataset.household);
      const known = new Set((form.dataset.visited || "").split(" ").filter(Boolean));
      form.dataset.busy = "1";
      mine().then((items) => {
        const twice = known.has(visited) || sentDays().includes(household + ":" + visited) ||
          items.some((i) => i.household === household && i.visited_on === visited && i.state !== "refused");
        const day = visited === localIso(new Date()) ? "" : String(data.get("visited_on")).trim();
        if (twice && !window.confirm(T.twice(day))) { delete form.dataset.busy; return null; }
        return queue(data, visited, household);
      }).catch(() => { delete form.dataset.busy; });
    });
    form.elements.visited_on.addEventListener("input", (e) => e.target.setCustomValidity(""));
    form.elements.monthly_income.addEventListener("input", (e) => e.target.setCustomValidity(""));
  }
  function queue(data, visited, household) {
    const heading = document.querySelector("h1");
    const item = {
      client_uuid: uuid(), user: USER, household: household,
      label: heading ? heading.textContent.trim() : "", visited_on: visited,
      visited_text: String(data.get("visited_on")).trim(),
      practising: data.get("practising") !== "0",
      monthly_income: String(data.get("monthly_income") || ""),
      notes: String(data.get("notes") || ""), stopped_reason: String(data.get("stopped_reason") || ""),
      latitude: data.get("latitude") || null, longitude: data.get("longitude") || null,
      state: "pending", message: "", created: Date.now(),
    };
    const photoBox = form.elements.photo;
    return shrink(photoBox && photoBox.files[0]).catch(() => null).then((photo) => {
      item.photo = photo;
      return put(item);
    }).then(() => {
      form.reset();
      if (locationStatus) locationStatus.textContent = "";
      return render();
    }).then(sync).then(() => tell(item)).finally(() => { delete form.dataset.busy; });
  }

  document.getElementById("outbox-send").addEventListener("click", sync);
  window.addEventListener("online", sync);

  /* Offline, the page shown is the copy kept on the phone: said above it. */
  const offline = document.getElementById("offline-banner");
  const showOffline = () => { offline.hidden = navigator.onLine; };
  window.addEventListener("online", showOffline);
  window.addEventListener("offline", showOffline);
  showOffline();

  /* Signing out: the cached pages go; the outbox stays only if it holds visits (warned). */
  const signout = document.getElementById("signout");
  signout.addEventListener("submit", (event) => {
    event.preventDefault();
    mine().then((items) => {
      const refused = items.filter((i) => i.state === "refused").length;
      const pending = items.length - refused;
      const said = [pending ? T.keep(pending) : "", refused ? T.keepRefused(refused) : ""].filter(Boolean);
      if (said.length && !window.confirm(said.join("\n") + "\n" + T.signOut)) return null;
      try { localStorage.removeItem(SENT); } catch (e) { /* none */ }
      const clear = "caches" in window
        ? caches.keys().then((keys) => Promise.all(keys.map((key) => caches.delete(key))))
        : Promise.resolve();
      return clear.then(() => signout.submit());
    });
  });

  /* The service worker, and what it should keep: this page, the visit pages it links to, the
     style sheets and their fonts. */
  function shellUrls() {
    const urls = new Set([location.pathname + location.search]);
    document.querySelectorAll("a[data-visit-page]").forEach((a) => urls.add(a.pathname));
    document.querySelectorAll("link[rel=stylesheet], script[src]").forEach((el) => urls.add(el.href || el.src));
    for (const sheet of document.styleSheets) {
      let rules = [];
      try { rules = sheet.cssRules; } catch (e) { continue; }
      for (const rule of rules) {
        if (rule.type !== CSSRule.FONT_FACE_RULE) continue;
        const m = rule.style.getPropertyValue("src").match(/url\(["']?([^"')]+)/);
        if (m) urls.add(new URL(m[1], sheet.href).pathname);
      }
    }
    return Array.from(urls);
  }
  if ("serviceWorker" in navigator && body.dataset.sw) {
    navigator.serviceWorker.register(body.dataset.sw, { scope: body.dataset.home }).then(() =>
      navigator.serviceWorker.ready
    ).then((registration) => {
      if (navigator.onLine && registration.active) {
        registration.active.postMessage({ type: "cache", urls: shellUrls() });
      }
    }).catch(() => null);
  }

  render().then(sync);
})();
