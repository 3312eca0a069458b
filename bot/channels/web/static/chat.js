// The web chat without page reloads: each answer is posted in the background and the page's
// conversation is replaced by the server's. Without this script the same forms post normally.
(function () {
  "use strict";
  if (!window.fetch || !window.FormData || !window.DOMParser) return;
  document.documentElement.classList.add("js");

  function body(form, submitter) {
    var data;
    try {
      data = new FormData(form, submitter);
    } catch (e) {
      data = new FormData(form);
      if (submitter && submitter.name) data.append(submitter.name, submitter.value);
    }
    return new URLSearchParams(data);
  }

  function show(html) {
    var fresh = new DOMParser().parseFromString(html, "text/html");
    var chat = fresh.getElementById("chat");
    var old = document.getElementById("chat");
    if (!chat || !old) return false;
    old.replaceWith(document.importNode(chat, true));
    document.title = fresh.title;
    var footer = fresh.querySelector("footer");
    var here = document.querySelector("footer");
    if (footer && here) here.replaceWith(document.importNode(footer, true));
    var lang = fresh.documentElement.getAttribute("lang");
    if (lang) document.documentElement.setAttribute("lang", lang);
    document.documentElement.setAttribute("dir", fresh.documentElement.getAttribute("dir") || "ltr");
    var heading = document.querySelector("#now h1");
    var summary = document.getElementById("error-summary"); // a refused answer
    // Read out only what this answer brought (the server marks it): the bot's new messages,
    // then the next question, or why the answer was refused. Never the earlier bubbles.
    var told = Array.prototype.map.call(
      document.querySelectorAll("#chat [data-announce]"),
      function (el) { return el.textContent.replace(/\s+/g, " ").trim(); }
    );
    var announce = document.getElementById("announce");
    if (announce) announce.textContent = told.join(" ");
    var focus = summary || heading;
    if (focus) focus.focus({ preventScroll: true });
    var top = summary || document.getElementById("now");
    if (top) top.scrollIntoView({ block: "start" });
    return true;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-chat")) return;
    event.preventDefault();
    if (form.classList.contains("is-busy")) return; // one answer at a time
    form.classList.add("is-busy");
    // (form.action would be the button named "action", not the address)
    fetch(form.getAttribute("action"), {
      method: "POST",
      body: body(form, event.submitter),
      headers: { "X-Chat": "1" },
      credentials: "same-origin",
      redirect: "follow",
    })
      .then(function (response) { return response.text(); })
      .then(function (html) { if (!show(html)) window.location.reload(); })
      .catch(function () { window.location.reload(); }); // shows where the parent is now
  });
})();
