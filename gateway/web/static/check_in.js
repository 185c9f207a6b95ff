/* The check-in page: the phone's camera reads a pass's QR code (jsQR) and sends its code.
   Without a camera, or without this file, the code is typed in the form. */
(function () {
  "use strict";
  var scanner = document.querySelector("[data-scanner]");
  var form = document.querySelector("[data-check-in-form]");
  if (!scanner || !form || !window.jsQR || !(navigator.mediaDevices && navigator.mediaDevices.getUserMedia)) {
    return;
  }
  var start = scanner.querySelector("[data-scanner-start]");
  var video = scanner.querySelector("[data-scanner-video]");
  var status = scanner.querySelector("[data-scanner-status]");
  var canvas = document.createElement("canvas");
  var context = canvas.getContext("2d", { willReadFrequently: true });
  scanner.hidden = false;

  function codeOf(text) {
    // the QR code holds the check-in page's address with the code; a bare code is read as it is
    try { return new URL(text).searchParams.get("code") || text; } catch (notAnAddress) { return text; }
  }

  function look(stream) {
    if (video.readyState === video.HAVE_ENOUGH_DATA) {
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      var image = context.getImageData(0, 0, canvas.width, canvas.height);
      var found = window.jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
      if (found && found.data) {
        stream.getTracks().forEach(function (track) { track.stop(); });
        form.elements.code.value = codeOf(found.data);
        status.textContent = status.getAttribute("data-read") || "";
        form.submit();
        return;
      }
    }
    window.setTimeout(function () { look(stream); }, 150);
  }

  start.addEventListener("click", function () {
    start.hidden = true;
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (stream) {
        video.srcObject = stream;
        video.hidden = false;
        return video.play().then(function () { look(stream); });
      })
      .catch(function () {
        start.hidden = false;
        status.textContent = status.getAttribute("data-no-camera") || "";
      });
  });

  if (scanner.hasAttribute("data-autostart")) {
    start.click();
  }
})();
