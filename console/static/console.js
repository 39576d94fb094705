/* Progressive enhancements only: every form works without this file. */
(function () {
  "use strict";

  // -- national ID (居民身份证号, GB 11643): the same rules as the referral service --------------------
  var WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  var CHECK = "10X98765432";
  function checkNationalId(raw) {
    var v = String(raw).trim().toUpperCase();
    if (!/^[0-9]{17}[0-9X]$/.test(v)) {
      return { ok: false, message: "身份证号应为 17 位数字加 1 位校验码（数字或 X）" };
    }
    var sum = 0;
    for (var i = 0; i < 17; i++) { sum += (v.charCodeAt(i) - 48) * WEIGHTS[i]; }
    if (CHECK.charAt(sum % 11) !== v.charAt(17)) {
      return { ok: false, message: "身份证号校验码不符，请逐位核对" };
    }
    var y = +v.slice(6, 10), m = +v.slice(10, 12), d = +v.slice(12, 14);
    var date = new Date(Date.UTC(y, m - 1, d));
    if (y < 1 || m < 1 || m > 12 || d < 1 || date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) {
      return { ok: false, message: "身份证号中的出生日期不存在，请核对" };
    }
    var pad = function (n, w) { n = String(n); while (n.length < w) { n = "0" + n; } return n; };
    return { ok: true, message: "身份证号格式与校验码正确", birth: pad(y, 4) + "-" + pad(m, 2) + "-" + pad(d, 2),
             sex: (+v.charAt(16)) % 2 ? "male" : "female" };
  }
  window.consoleCheckNationalId = checkNationalId;  // the browser tests compare it with the service's rules

  function setupIdCheck(input) {
    var out = document.createElement("p");
    out.className = "id-check";
    out.id = input.id + "-live";
    out.setAttribute("aria-live", "polite");
    input.insertAdjacentElement("afterend", out);
    input.setAttribute("aria-describedby", ((input.getAttribute("aria-describedby") || "") + " " + out.id).trim());
    function update() {
      var v = input.value.trim();
      if (!v) { out.textContent = ""; out.className = "id-check"; return; }
      if (v.length < 18) { out.textContent = "已输入 " + v.length + " 位，共 18 位"; out.className = "id-check"; return; }
      var r = checkNationalId(v);
      out.textContent = r.message;
      out.className = "id-check " + (r.ok ? "ok" : "bad");
      if (r.ok) {
        var birth = document.getElementById(input.dataset.birthField || "");
        if (birth && !birth.value) { birth.value = r.birth; }
        var sex = document.getElementById((input.dataset.sexPrefix || "") + r.sex);
        var anySex = document.querySelector("input[name='" + (input.dataset.sexName || "") + "']:checked");
        if (sex && !anySex) { sex.checked = true; }
      }
    }
    input.addEventListener("input", update);
    update();
  }

  // -- response clocks: time left, red once overdue -------------------------------------------------------
  function fmtMinutes(n) {
    var h = Math.floor(n / 60), m = n % 60;
    return h ? h + " 小时 " + m + " 分钟" : m + " 分钟";
  }
  function tickClocks() {
    var now = Date.now();
    document.querySelectorAll("[data-deadline]").forEach(function (el) {
      var left = Math.floor((Date.parse(el.dataset.deadline) - now) / 60000);
      el.textContent = left >= 0 ? "剩余 " + fmtMinutes(left) : "已超时 " + fmtMinutes(-left);
      el.className = "clock " + (left < 0 ? "clock-overdue" : left < 15 ? "clock-soon" : "clock-ok");
    });
  }

  // -- worklists refresh themselves (not while the user is working in them) -------------------------------
  function setupRefresh(box) {
    var seconds = +box.dataset.refresh;
    if (!seconds) { return; }
    setInterval(function () {
      if (document.hidden || box.contains(document.activeElement)) { return; }
      fetch(window.location.href, { credentials: "same-origin", headers: { "X-Requested-With": "refresh" } })
        .then(function (r) { return r.ok && !r.redirected ? r.text() : null; })
        .then(function (html) {
          if (!html) { return; }
          var fresh = new DOMParser().parseFromString(html, "text/html").getElementById(box.id);
          if (fresh) { box.innerHTML = fresh.innerHTML; tickClocks(); }
        })
        .catch(function () { /* the next tick tries again */ });
    }, seconds * 1000);
  }

  // -- show a field only when another has a given value (e.g. the five-centre category for emergencies) ----
  function setupDepends(el) {
    var name = el.dataset.dependsOn, value = el.dataset.dependsValue;
    function update() {
      var checked = document.querySelector("input[name='" + name + "']:checked");
      var on = checked && checked.value === value;
      el.hidden = !on;
    }
    document.querySelectorAll("input[name='" + name + "']").forEach(function (r) { r.addEventListener("change", update); });
    update();
  }

  // -- ICD-10: search the catalogue by code or name as the clerk types --------------------------------------
  function setupIcd10(input) {
    var list = document.getElementById(input.getAttribute("list"));
    var target = document.getElementById(input.dataset.nameField || "");
    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var q = input.value.trim();
      timer = setTimeout(function () {
        if (!q) { return; }
        fetch("/icd10/search?q=" + encodeURIComponent(q), { credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.json() : null; })
          .then(function (body) {
            if (!body || !list) { return; }
            list.innerHTML = "";
            body.items.forEach(function (item) {
              var o = document.createElement("option");
              o.value = item.code; o.label = item.code + " " + item.name; o.textContent = item.name;
              list.appendChild(o);
            });
          }).catch(function () {});
      }, 200);
    });
    input.addEventListener("change", function () {
      if (!target || target.value || !list) { return; }
      var code = input.value.trim().toUpperCase();
      list.querySelectorAll("option").forEach(function (o) { if (o.value === code) { target.value = o.textContent; } });
    });
  }

  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (!form.dataset || !form.dataset.confirm) { return; }
    if (!window.confirm(form.dataset.confirm)) { ev.preventDefault(); return; }
    // confirmed in the dialog: the server skips its own confirmation page (the one shown without JavaScript)
    if (form.elements.confirmed) { form.elements.confirmed.value = "yes"; }
  });

  // -- uploads: the file goes with a progress bar; the result page follows (its own bar: the server's reading) --
  function setupUpload(form) {
    var box = form.querySelector(".upload-progress");
    if (!box || !window.XMLHttpRequest || !window.FormData) { return; }
    var bar = box.querySelector("progress"), status = box.querySelector(".upload-status");
    form.addEventListener("submit", function (ev) {
      var file = form.querySelector("input[type=file]");
      if (!file || !file.files || !file.files.length) { return; }  // the server says what is missing
      ev.preventDefault();
      var button = form.querySelector("button[type=submit]");
      if (button) { button.disabled = true; }
      box.hidden = false;
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.upload.addEventListener("progress", function (e) {
        if (!e.lengthComputable) { return; }
        var pct = Math.round(e.loaded / e.total * 1000) / 10;
        bar.value = pct;
        status.textContent = "已上传 " + pct + "%（" + (e.loaded / 1048576).toFixed(1) + " / " + (e.total / 1048576).toFixed(1) + " MB）";
      });
      xhr.upload.addEventListener("load", function () { status.textContent = "上传完成，正在交给平台处理…"; });
      xhr.addEventListener("load", function () {
        if (xhr.status < 400 && xhr.responseURL && xhr.responseURL !== form.action) {
          window.location.href = xhr.responseURL;  // the result page, after the redirect
          return;
        }
        document.open(); document.write(xhr.responseText); document.close();  // the form with its errors
      });
      xhr.addEventListener("error", function () {
        status.textContent = "上传中断，请检查网络后重新上传。";
        if (button) { button.disabled = false; }
      });
      xhr.send(new FormData(form));
    });
  }

  // -- a job the server is running (reading an uploaded file): its progress until it is done ----------------
  function setupPoll(box) {
    var bar = box.querySelector("progress"), status = box.querySelector(".job-status");
    function tick() {
      fetch(box.dataset.poll, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (p) {
          if (!p) { setTimeout(tick, 3000); return; }
          if (p.status !== "running") { window.location.reload(); return; }
          if (p.fraction !== null && p.fraction !== undefined) {
            bar.value = Math.round(p.fraction * 1000) / 10;
            status.textContent = p.phase_label + " " + bar.value + "%，已读 " + p.rows.toLocaleString("zh-CN") + " 行";
          } else {
            bar.removeAttribute("value");
            status.textContent = p.phase_label;
          }
          setTimeout(tick, 1000);
        })
        .catch(function () { setTimeout(tick, 3000); });
    }
    tick();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector("[data-focus]");
    if (summary) { summary.focus(); }
    document.querySelectorAll("[data-id-check]").forEach(setupIdCheck);
    document.querySelectorAll("[data-depends-on]").forEach(setupDepends);
    document.querySelectorAll("[data-icd10-search]").forEach(setupIcd10);
    document.querySelectorAll("[data-refresh]").forEach(setupRefresh);
    document.querySelectorAll("form[data-upload]").forEach(setupUpload);
    document.querySelectorAll("[data-poll]").forEach(setupPoll);
    tickClocks();
    setInterval(tickClocks, 15000);
  });
})();
