// Forms with data-confirm="question" ask before they are sent. A listener in a file rather
// than an inline onsubmit handler: the Content-Security-Policy forbids inline scripts.
document.addEventListener("submit", function (event) {
  var form = event.target;
  var question = form.getAttribute && form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
