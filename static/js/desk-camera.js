// The desk's scan screens (check-in, print on scan): scan a badge's QR code with the phone's
// camera. BarcodeDetector (Chromium on Android, ChromeOS, macOS) reads the rear camera's
// picture; what it reads goes in the code field and the form is sent, as a USB scanner would.
// Without BarcodeDetector or a camera the button stays hidden and the page works as before.
// After a scan the next page starts the camera again (its permission is already given),
// until "Stop the camera"; it skips the code it just sent until that badge leaves the picture.
(function () {
  "use strict";
  const form = document.querySelector("form[data-scan]");
  const start = document.querySelector("[data-camera-start]");
  const panel = document.querySelector("[data-camera]");
  const failed = document.querySelector("[data-camera-error]");
  const code = document.getElementById("code");
  if (!form || !start || !panel || !code) return;
  const video = panel.querySelector("video");
  const stopButton = panel.querySelector("[data-camera-stop]");
  const media = navigator.mediaDevices;
  const KEEP_ON = "desk-camera-on";
  const SENT = "desk-camera-sent";
  if (!("BarcodeDetector" in window) || !media || !media.getUserMedia) return;

  let stream = null;
  let detector = null;
  let justSent = window.sessionStorage.getItem(SENT);
  window.sessionStorage.removeItem(SENT);

  async function usable() {
    try {
      const formats = await window.BarcodeDetector.getSupportedFormats();
      if (formats.indexOf("qr_code") < 0) return false;
      const devices = await media.enumerateDevices();
      return devices.some(function (d) { return d.kind === "videoinput"; });
    } catch (e) {
      return false;
    }
  }

  function stop() {
    if (stream) stream.getTracks().forEach(function (track) { track.stop(); });
    stream = null;
    video.srcObject = null;
    panel.hidden = true;
    start.hidden = false;
  }

  function found(text) {
    window.sessionStorage.setItem(SENT, text);
    code.value = text;
    stop();
    if (form.requestSubmit) form.requestSubmit(); else form.submit();
  }

  async function look() {
    if (!stream) return;
    try {
      if (video.readyState >= 2) {
        const codes = await detector.detect(video);
        const text = codes.length ? String(codes[0].rawValue || "").trim() : "";
        if (text && text !== justSent) { found(text); return; }
        if (!text) justSent = null;  // the badge just scanned has left the picture
      }
    } catch (e) { /* a frame it could not read: try the next one */ }
    window.setTimeout(look, 150);
  }

  async function open() {
    failed.hidden = true;
    try {
      stream = await media.getUserMedia({audio: false,
                                          video: {facingMode: {ideal: "environment"}}});
    } catch (e) {
      window.sessionStorage.removeItem(KEEP_ON);
      failed.hidden = false;
      return;
    }
    detector = detector || new window.BarcodeDetector({formats: ["qr_code"]});
    window.sessionStorage.setItem(KEEP_ON, "1");
    video.srcObject = stream;
    code.blur();  // a phone's keyboard would cover the picture and the answer
    panel.hidden = false;
    start.hidden = true;
    try { await video.play(); } catch (e) { /* muted inline video plays on its own */ }
    look();
  }

  start.addEventListener("click", open);
  stopButton.addEventListener("click", function () {
    window.sessionStorage.removeItem(KEEP_ON);
    stop();
    code.focus();
  });
  usable().then(function (yes) {
    if (!yes) return;
    start.hidden = false;
    if (window.sessionStorage.getItem(KEEP_ON)) open();
  });
})();
