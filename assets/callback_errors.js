/* A Dash callback refused for its rate (429), or that failed on the server (500, 503; 502, 504 from nginx), left
 * the page as it was, with no word: Dash's renderer shows a failed callback only in its debug tools. The answer
 * carries a message in the page's language (web/errors.py); this shows it in a notice until a callback succeeds.
 */
(function () {
  "use strict";

  var CALLBACK = "/_dash-update-component";
  var notice = null;

  function show(message) {
    if (!notice) {
      notice = document.createElement("div");
      notice.id = "callback-notice";
      notice.setAttribute("role", "alert");
      notice.className = "alert alert-warning position-fixed bottom-0 start-50 translate-middle-x mb-3 shadow";
      notice.style.zIndex = "1080";
      document.body.appendChild(notice);
    }
    notice.textContent = message;
  }

  function hide() {
    if (notice) {
      notice.remove();
      notice = null;
    }
  }

  var fetch = window.fetch;
  window.fetch = function (resource) {
    var answer = fetch.apply(this, arguments);
    var url = typeof resource === "string" ? resource : (resource && resource.url) || "";
    if (url.indexOf(CALLBACK) === -1) return answer;
    return answer.then(function (response) {
      if (response.status === 429 || response.status >= 500) {
        response.clone().json().then(function (body) { show(body.message); }, function () {});
      } else if (response.ok) {
        hide();
      }
      return response;
    });
  };
})();
