// Small progressive enhancements; every page works without JavaScript.
(function () {
  "use strict";
  var toggle = document.querySelector(".nav-toggle");
  var nav = document.getElementById("main-nav");
  if (toggle && nav) {
    toggle.addEventListener("click", function () {
      var open = nav.classList.toggle("open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }
  // A step that cannot be undone asks first: data-confirm on the form (or on the button that
  // submits it) says what cannot be undone. Without JavaScript the form simply submits.
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    var question = (button && button.dataset.confirm) || event.target.dataset.confirm;
    // A form another script already took over (a fieldwork draft) has asked its own question.
    if (question && !event.defaultPrevented && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  });
  // A form sent back with errors: a summary at its top, each error linked to its field, and
  // the page scrolled to the first form with an error.
  function fieldLabel(field) {
    var label = field.id && document.querySelector('label[for="' + field.id + '"]');
    label = label || field.closest("label");
    var text = label ? label.textContent : field.name;
    return text.replace(/\s+/g, " ").trim().split(" ")[0];
  }
  var FIELDS = "input, select, textarea";
  function errorFor(field) {
    // Django names a field's error list after the field; the templates put theirs beside it.
    var own = document.getElementById(field.id + "_error");
    if (own) {
      return own;
    }
    for (var next = field.nextElementSibling; next && !next.matches("label, button, " + FIELDS); next = next.nextElementSibling) {
      if (next.matches(".errorlist, .error")) {
        return next;
      }
    }
    for (var node = field.parentElement; node && node !== field.form; node = node.parentElement) {
      if (node.querySelectorAll(FIELDS).length > 1) {
        break;
      }
      var found = node.querySelector(".errorlist, .error");
      if (found) {
        return found;
      }
    }
    return null;
  }
  function plain(element) {
    return element.textContent.replace(/\s+/g, " ").trim();
  }
  var first = null;
  document.querySelectorAll("form").forEach(function (form) {
    var fields = Array.prototype.filter.call(form.querySelectorAll('[aria-invalid="true"]'), function (f) {
      return f.id;
    });
    var used = [];
    var list = document.createElement("ul");
    fields.forEach(function (field) {
      var error = errorFor(field);
      if (error) {
        used.push(error);
      }
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = "#" + field.id;
      link.textContent = fieldLabel(field) + "：" + (error ? plain(error) : "请检查此项");
      link.addEventListener("click", function (e) {
        e.preventDefault();
        field.focus();
        field.scrollIntoView({ block: "center" });
      });
      item.appendChild(link);
      list.appendChild(item);
    });
    form.querySelectorAll(".errorlist, p.error").forEach(function (error) {
      if (used.indexOf(error) === -1 && plain(error)) {
        var item = document.createElement("li");
        item.textContent = plain(error);
        list.appendChild(item);
      }
    });
    if (!list.children.length) {
      return;
    }
    var summary = document.createElement("div");
    summary.className = "error-summary";
    summary.setAttribute("role", "alert");
    summary.setAttribute("tabindex", "-1");
    summary.setAttribute("data-testid", "error-summary");
    var heading = document.createElement("p");
    heading.textContent = "提交未成功，请更正以下内容：";
    summary.appendChild(heading);
    summary.appendChild(list);
    form.insertBefore(summary, form.firstChild);
    first = first || summary;
  });
  if (first) {
    first.scrollIntoView({ block: "start" });
    first.focus({ preventScroll: true });
  }
  // A form submits once: a double click must not send a draw or an import twice.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset.submitted === "1") {
      event.preventDefault();
      return;
    }
    form.dataset.submitted = "1";
    form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
  });
})();
