/* Rete QuBì: small progressive enhancements. Every page works without this file. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }

  ready(function () {
    // The menu folds behind a button on narrow screens.
    var toggle = document.querySelector(".menu-toggle");
    var nav = document.getElementById("site-nav");
    if (toggle && nav) {
      toggle.hidden = false;
      toggle.addEventListener("click", function () {
        var open = toggle.getAttribute("aria-expanded") === "true";
        toggle.setAttribute("aria-expanded", open ? "false" : "true");
        nav.classList.toggle("open", !open);
      });
    }

    // A form with errors: move the focus to its summary so that it is read first. On a
    // phone, search results start below the form: go to them.
    var summary = document.getElementById("error-summary");
    var results = document.getElementById("results-title");
    // After an action, its confirmation (?done=...) is where the eye and the focus are.
    var confirmation = document.querySelector("main > .notice[role=status]");
    if (summary) {
      summary.focus();
    } else if (confirmation) {
      confirmation.setAttribute("tabindex", "-1");
      confirmation.focus();
      // an address's #fragment moves the page and the focus once it has loaded: back to it
      window.addEventListener("load", function () {
        confirmation.focus();
        confirmation.scrollIntoView({block: "nearest"});
      });
    } else if (results && window.matchMedia("(max-width: 40rem)").matches) {
      results.focus();
    }

    // Places are people: a family larger than the places left is told before it sends.
    var registration = document.querySelector("form[data-places-left]");
    if (registration) {
      var warning = registration.querySelector("[data-places-warning]");
      var left = parseInt(registration.getAttribute("data-places-left"), 10);
      var check = function () {
        var people = ["adults", "children"].reduce(function (sum, name) {
          return sum + (parseInt(registration.elements[name].value, 10) || 0);
        }, 0);
        warning.hidden = people <= left;
        warning.textContent = warning.hidden ? "" : warning.getAttribute("data-template")
          .replace("{people}", people).replace("{left}", left);
      };
      registration.addEventListener("input", check);
      check();
    }

    // Search: the day and time fields only matter for "a day and a time".
    var dayFields = document.querySelector("[data-when-day]");
    if (dayFields) {
      var radios = document.querySelectorAll("input[name=when]");
      var sync = function () {
        var chosen = document.querySelector("input[name=when]:checked");
        dayFields.hidden = !(chosen && chosen.value === "day");
      };
      radios.forEach(function (radio) { radio.addEventListener("change", sync); });
      dayFields.querySelectorAll("select, input").forEach(function (input) {
        input.addEventListener("focus", function () { document.getElementById("when-day").checked = true; });
      });
      sync();
    }

    // The calendar address selects itself, ready to copy.
    document.querySelectorAll("[data-select-on-focus]").forEach(function (input) {
      input.addEventListener("focus", function () { input.select(); });
    });

    // Filters that apply as soon as they change.
    document.querySelectorAll("[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });

    // Buttons that ask before doing something that cannot be undone.
    document.querySelectorAll("[data-confirm]").forEach(function (button) {
      button.addEventListener("click", function (event) {
        if (!window.confirm(button.getAttribute("data-confirm"))) { event.preventDefault(); }
      });
    });

    // New referral: what the receiver will see, as it is typed.
    var aside = document.querySelector("[data-live-preview]");
    var form = document.getElementById("referral-form");
    if (aside && form) {
      aside.hidden = false;
      var show = function (name, text) {
        var target = aside.querySelector('[data-show="' + name + '"]');
        if (target) { target.textContent = text && text.trim() ? text : "—"; }
      };
      var update = function () {
        var needs = Array.prototype.map.call(form.querySelectorAll("input[name=needs]:checked"),
          function (box) { return box.getAttribute("data-label"); });
        show("needs", needs.join(", "));
        var urgency = form.querySelector("select[name=urgency]");
        show("urgency", urgency ? urgency.options[urgency.selectedIndex].text : "");
        ["children_ages", "family.zone", "summary"].forEach(function (name) {
          var input = form.querySelector('[name="' + name + '"]');
          show(name, input ? input.value : "");
        });
      };
      form.addEventListener("input", update);
      form.addEventListener("change", update);
      update();
    }
  });
})();
