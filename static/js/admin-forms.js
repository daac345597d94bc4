/* The admin's forms, for people and screen readers (loaded by templates/admin/base_site.html;
 * no inline script or style: the Content-Security-Policy allows none).
 *
 * 1. A Buddhist-Era date picker beside every date box (sammachip.fields.ThaiDateInput marks them
 *    data-thaidate): a month calendar in Thai, years in พ.ศ.; typing in the box still works and
 *    the box keeps the text the server reads (วว/ดด/ปปปป, thaidate.parse_thai_date).
 * 2. The autocomplete pickers (select2) named for screen readers: each combobox by its field's
 *    label (or the grid cell's aria-label), its search box too.
 * 3. Two ARIA slips of Django's own widgets mended (axe-core's WCAG 2.1 rules).
 */
(function () {
  "use strict";

  var BE_OFFSET = 543;
  var MONTHS = ["มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม",
    "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม"];
  var DAYS = ["อา", "จ", "อ", "พ", "พฤ", "ศ", "ส"];
  var DAY_NAMES = ["อาทิตย์", "จันทร์", "อังคาร", "พุธ", "พฤหัสบดี", "ศุกร์", "เสาร์"];
  var THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙";

  function arabic(text) {
    return text.replace(/[๐-๙]/g, function (d) { return String(THAI_DIGITS.indexOf(d)); });
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  /* What the box holds as a date (the server's rule: a year above 2400 is BE, two digits BE). */
  function readBox(text) {
    var m = /^\s*(\d{1,2})\s*[\/.\-]\s*(\d{1,2})\s*[\/.\-]\s*(\d{2,4})\s*$/.exec(arabic(text || ""));
    if (!m) return null;
    var day = +m[1], month = +m[2], year = +m[3];
    if (year < 100) year += 2500;
    if (year > 2400) year -= BE_OFFSET;
    var date = new Date(year, month - 1, day);
    if (date.getFullYear() !== year || date.getMonth() !== month - 1 || date.getDate() !== day) {
      return null;
    }
    return date;
  }

  function writeBox(date) {
    return pad(date.getDate()) + "/" + pad(date.getMonth() + 1) + "/" + (date.getFullYear() + BE_OFFSET);
  }

  function sameDay(a, b) {
    return a && b && a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() &&
      a.getDate() === b.getDate();
  }

  function fieldName(input) {
    var label = input.id && document.querySelector('label[for="' + input.id + '"]');
    if (label) return label.textContent.replace(/[:：]\s*$/, "").trim();
    return input.getAttribute("aria-label") || "";
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // ---- the date picker ------------------------------------------------------------------------

  var open = null; // {input, button, panel, shown (first of the month shown), focused}

  function close(returnFocus) {
    if (!open) return;
    var state = open;
    open = null;
    state.panel.remove();
    state.button.setAttribute("aria-expanded", "false");
    if (returnFocus) state.button.focus();
  }

  function choose(date) {
    var input = open.input;
    input.value = writeBox(date);
    input.dispatchEvent(new Event("input", { bubbles: true }));
    input.dispatchEvent(new Event("change", { bubbles: true }));
    close(false);
    input.focus();
  }

  function render() {
    var state = open;
    var panel = state.panel;
    var shown = state.shown;
    var picked = readBox(state.input.value);
    var today = new Date();
    panel.textContent = "";

    var head = element("div", "thaidate-head");
    var prevYear = element("button", "thaidate-nav", "«");
    prevYear.type = "button";
    prevYear.setAttribute("aria-label", "ปีก่อน");
    var prev = element("button", "thaidate-nav", "‹");
    prev.type = "button";
    prev.setAttribute("aria-label", "เดือนก่อน");
    var caption = element("h2", "thaidate-caption",
      MONTHS[shown.getMonth()] + " " + (shown.getFullYear() + BE_OFFSET));
    caption.id = "thaidate-caption";
    caption.setAttribute("aria-live", "polite");
    var next = element("button", "thaidate-nav", "›");
    next.type = "button";
    next.setAttribute("aria-label", "เดือนถัดไป");
    var nextYear = element("button", "thaidate-nav", "»");
    nextYear.type = "button";
    nextYear.setAttribute("aria-label", "ปีถัดไป");
    prevYear.addEventListener("click", function () { move(-12); });
    prev.addEventListener("click", function () { move(-1); });
    next.addEventListener("click", function () { move(1); });
    nextYear.addEventListener("click", function () { move(12); });
    head.append(prevYear, prev, caption, next, nextYear);
    panel.append(head);

    var table = element("table", "thaidate-grid");
    table.setAttribute("role", "grid");
    table.setAttribute("aria-labelledby", "thaidate-caption");
    var headRow = element("tr");
    DAYS.forEach(function (day, i) {
      var th = element("th", null, day);
      th.scope = "col";
      th.title = DAY_NAMES[i];
      th.setAttribute("abbr", DAY_NAMES[i]);
      headRow.append(th);
    });
    var thead = element("thead");
    thead.append(headRow);
    table.append(thead);
    var body = element("tbody");
    var first = new Date(shown.getFullYear(), shown.getMonth(), 1);
    var cursor = new Date(first);
    cursor.setDate(1 - first.getDay());
    var focusDay = state.focused && state.focused.getMonth() === shown.getMonth()
      ? state.focused
      : (picked && picked.getMonth() === shown.getMonth() && picked.getFullYear() === shown.getFullYear()
        ? picked : first);
    state.focused = focusDay;
    for (var week = 0; week < 6; week++) {
      var row = element("tr");
      for (var d = 0; d < 7; d++) {
        var cell = element("td");
        if (cursor.getMonth() === shown.getMonth()) {
          var day = new Date(cursor);
          var button = element("button", "thaidate-day", String(day.getDate()));
          button.type = "button";
          button.setAttribute("aria-label", "วัน" + DAY_NAMES[day.getDay()] + "ที่ " + day.getDate() +
            " " + MONTHS[day.getMonth()] + " " + (day.getFullYear() + BE_OFFSET));
          button.tabIndex = sameDay(day, focusDay) ? 0 : -1;
          if (sameDay(day, today)) button.classList.add("thaidate-today");
          if (sameDay(day, picked)) {
            button.classList.add("thaidate-picked");
            button.setAttribute("aria-pressed", "true");
          }
          button.dataset.date = writeBox(day);
          button.addEventListener("click", function (event) {
            choose(readBox(event.currentTarget.dataset.date));
          });
          cell.append(button);
        }
        row.append(cell);
        cursor.setDate(cursor.getDate() + 1);
      }
      body.append(row);
      if (cursor.getMonth() !== shown.getMonth()) break;
    }
    table.append(body);
    panel.append(table);

    var foot = element("div", "thaidate-foot");
    var todayButton = element("button", "button", "วันนี้");
    todayButton.type = "button";
    todayButton.addEventListener("click", function () { choose(new Date()); });
    var closeButton = element("button", "button", "ปิด");
    closeButton.type = "button";
    closeButton.addEventListener("click", function () { close(true); });
    foot.append(todayButton, closeButton);
    panel.append(foot);
  }

  function focusGridDay() {
    var target = open && open.panel.querySelector(".thaidate-day[tabindex='0']");
    if (target) target.focus();
  }

  function move(months) {
    var shown = open.shown;
    open.shown = new Date(shown.getFullYear(), shown.getMonth() + months, 1);
    open.focused = null;
    render();
  }

  function onKey(event) {
    if (!open) return;
    if (event.key === "Escape") {
      event.preventDefault();
      close(true);
      return;
    }
    var steps = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -7, ArrowDown: 7 }[event.key];
    if (steps && event.target.classList.contains("thaidate-day")) {
      event.preventDefault();
      var day = readBox(event.target.dataset.date);
      day.setDate(day.getDate() + steps);
      open.focused = day;
      open.shown = new Date(day.getFullYear(), day.getMonth(), 1);
      render();
      focusGridDay();
    }
  }

  function toggle(input, button) {
    if (open && open.input === input) {
      close(true);
      return;
    }
    close(false);
    var panel = element("div", "thaidate-panel");
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-label", "เลือกวันที่" + (fieldName(input) ? " – " + fieldName(input) : ""));
    var picked = readBox(input.value) || new Date();
    open = {
      input: input,
      button: button,
      panel: panel,
      shown: new Date(picked.getFullYear(), picked.getMonth(), 1),
      focused: null,
    };
    render();
    document.body.append(panel);
    var rect = input.getBoundingClientRect();
    var left = Math.min(rect.left + window.scrollX,
      window.scrollX + document.documentElement.clientWidth - panel.offsetWidth - 8);
    panel.style.setProperty("left", Math.max(window.scrollX + 8, left) + "px");
    panel.style.setProperty("top", rect.bottom + window.scrollY + 4 + "px");
    button.setAttribute("aria-expanded", "true");
    focusGridDay();
  }

  function attachPicker(input) {
    if (input.dataset.thaidateReady || input.name.indexOf("__prefix__") !== -1) return;
    input.dataset.thaidateReady = "1";
    var button = element("button", "thaidate-open");
    button.type = "button";
    button.setAttribute("aria-haspopup", "dialog");
    button.setAttribute("aria-expanded", "false");
    var name = fieldName(input);
    button.setAttribute("aria-label", "เปิดปฏิทิน" + (name ? " – " + name : ""));
    button.title = "เลือกวันที่จากปฏิทิน (พ.ศ.)";
    button.addEventListener("click", function () { toggle(input, button); });
    input.after(button);
  }

  document.addEventListener("keydown", onKey);
  document.addEventListener("mousedown", function (event) {
    if (open && !open.panel.contains(event.target) && event.target !== open.button) close(false);
  });

  // ---- select2 comboboxes named ---------------------------------------------------------------

  function nameComboboxes() {
    document.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var container = select.nextElementSibling;
      if (!container || !container.classList.contains("select2")) return;
      var selection = container.querySelector(".select2-selection");
      if (!selection || selection.dataset.named) return;
      selection.dataset.named = "1";
      var label = select.id && document.querySelector('label[for="' + select.id + '"]');
      var rendered = selection.querySelector(".select2-selection__rendered");
      if (rendered) {
        // A part of the combobox, not a second box of its own.
        rendered.removeAttribute("role");
        rendered.removeAttribute("aria-readonly");
      }
      if (label && selection.classList.contains("select2-selection--single") && rendered) {
        if (!label.id) label.id = select.id + "_label";
        selection.setAttribute("aria-labelledby", label.id + " " + rendered.id);
      } else {
        selection.removeAttribute("aria-labelledby");
        selection.setAttribute("aria-label", fieldName(select));
      }
      container.querySelectorAll(".select2-search__field").forEach(function (search) {
        search.setAttribute("aria-label", "ค้นหา" + fieldName(select));
      });
    });
    // The open dropdown's search box names the field it searches.
    document.querySelectorAll(".select2-dropdown .select2-search__field:not([aria-label])")
      .forEach(function (search) {
        var controls = search.getAttribute("aria-controls") || "";
        var id = controls.replace(/^select2-/, "").replace(/-results$/, "");
        var select = id && document.getElementById(id);
        search.setAttribute("aria-label", "ค้นหา" + (select ? fieldName(select) : ""));
      });
  }

  // ---- Django's own widgets, made valid ARIA --------------------------------------------------

  function mendAria() {
    // The filter boxes' help icons (SelectFilter2): a named span needs a role to carry a name.
    document.querySelectorAll("span.help-tooltip[aria-label]:not([role])").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
    // An open select2 names its list with aria-owns only; a combobox needs aria-controls.
    document.querySelectorAll(".select2-selection[role=combobox]")
      .forEach(function (box) {
        var owns = box.getAttribute("aria-owns");
        if (owns) box.setAttribute("aria-controls", owns);
        else if (box.getAttribute("aria-expanded") !== "true") box.removeAttribute("aria-controls");
      });
    // select2's "remove all" cross inside the chosen items' list: a list holds only items.
    document.querySelectorAll("ul.select2-selection__rendered > .select2-selection__clear")
      .forEach(function (cross) {
        var item = element("li", "select2-selection__clear-item");
        cross.replaceWith(item);
        item.append(cross);
      });
  }

  function scan() {
    document.querySelectorAll("input[data-thaidate]").forEach(attachPicker);
    nameComboboxes();
    mendAria();
  }

  var queued = false;
  function queueScan() {
    if (queued) return;
    queued = true;
    window.requestAnimationFrame(function () {
      queued = false;
      scan();
    });
  }

  function start() {
    scan();
    // select2 starts after the page is ready, and inline rows are added later: watch for both.
    new MutationObserver(queueScan).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
