// WebAuthn for Gatehouse's pages: security keys, passkeys and passkey
// login. A form marked data-gh-webauthn="create" or "get" carries the
// ceremony's options (data-options, JSON from the server); its button
// marked data-gh-webauthn-start asks the browser, puts the answer in the
// form's "credential" field and submits the form. A form marked
// data-gh-webauthn="passkey" (the login page) first asks the server for
// options (a same-origin POST answered in JSON). Where the browser offers
// passkeys in the username field's autofill (conditional mediation), the
// login page starts that too. Without WebAuthn or without scripts the
// buttons stay hidden and the page says so.
(function () {
  "use strict";

  function toB64url(buf) {
    var bytes = new Uint8Array(buf);
    var s = "";
    for (var i = 0; i < bytes.length; i++) {
      s += String.fromCharCode(bytes[i]);
    }
    return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function fromB64url(s) {
    s = s.replace(/-/g, "+").replace(/_/g, "/");
    while (s.length % 4) {
      s += "=";
    }
    var bin = atob(s);
    var out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) {
      out[i] = bin.charCodeAt(i);
    }
    return out.buffer;
  }

  function ids(list) {
    return (list || []).map(function (c) {
      var d = { type: c.type, id: fromB64url(c.id) };
      if (c.transports) {
        d.transports = c.transports;
      }
      return d;
    });
  }

  // creationOptions and requestOptions turn the server's JSON into what
  // navigator.credentials takes.
  function creationOptions(o) {
    var pk = Object.assign({}, o.publicKey);
    pk.challenge = fromB64url(pk.challenge);
    pk.user = Object.assign({}, pk.user, { id: fromB64url(pk.user.id) });
    pk.excludeCredentials = ids(pk.excludeCredentials);
    return { publicKey: pk };
  }

  function requestOptions(o) {
    var pk = Object.assign({}, o.publicKey);
    pk.challenge = fromB64url(pk.challenge);
    pk.allowCredentials = ids(pk.allowCredentials);
    return { publicKey: pk };
  }

  // answer writes a PublicKeyCredential as the JSON the server parses.
  function answer(cred) {
    var r = cred.response;
    var out = {
      id: cred.id,
      rawId: toB64url(cred.rawId),
      type: cred.type,
      authenticatorAttachment: cred.authenticatorAttachment || undefined,
      clientExtensionResults: cred.getClientExtensionResults ? cred.getClientExtensionResults() : {},
      response: { clientDataJSON: toB64url(r.clientDataJSON) }
    };
    if (r.attestationObject) {
      out.response.attestationObject = toB64url(r.attestationObject);
      if (r.getTransports) {
        out.response.transports = r.getTransports();
      }
    } else {
      out.response.authenticatorData = toB64url(r.authenticatorData);
      out.response.signature = toB64url(r.signature);
      if (r.userHandle) {
        out.response.userHandle = toB64url(r.userHandle);
      }
    }
    return JSON.stringify(out);
  }

  function showError(form) {
    var el = form.querySelector("[data-gh-webauthn-error]");
    if (el) {
      el.hidden = false;
    }
  }

  function submitWith(form, cred) {
    form.elements.credential.value = answer(cred);
    form.submit();
  }

  var supported = !!(window.PublicKeyCredential && navigator.credentials);
  var pending = null; // the conditional request, aborted by a button

  function ask(kind, options, form) {
    if (pending) {
      pending.abort();
      pending = null;
    }
    var p = kind === "create" ? navigator.credentials.create(creationOptions(options))
      : navigator.credentials.get(requestOptions(options));
    p.then(function (cred) {
      submitWith(form, cred);
    }, function () {
      showError(form);
    });
  }

  // passkeyOptions asks the server for a passkey login's options. Each
  // request waits for the one before it: the server keeps one ceremony
  // per browser (its cookie), so the last options asked for are the ones
  // whose answer it takes.
  var queue = Promise.resolve();

  function passkeyOptions(form) {
    var next = queue.then(function () {
      return askOptions(form);
    });
    queue = next.catch(function () {});
    return next;
  }

  function askOptions(form) {
    var body = new URLSearchParams();
    return fetch(form.action, {
      method: "POST", credentials: "same-origin", body: body,
      headers: { "Accept": "application/json" }
    }).then(function (resp) {
      if (!resp.ok) {
        throw new Error("options " + resp.status);
      }
      return resp.json();
    }).then(function (j) {
      return j.options;
    });
  }

  var forms = document.querySelectorAll("form[data-gh-webauthn]");
  for (var i = 0; i < forms.length; i++) {
    (function (form) {
      var kind = form.getAttribute("data-gh-webauthn");
      var start = form.querySelector("[data-gh-webauthn-start]");
      var missing = form.querySelector("[data-gh-webauthn-unsupported]");
      if (!supported) {
        if (missing) {
          missing.hidden = false;
        }
        return;
      }
      if (start) {
        start.hidden = false;
      }
      if (kind === "passkey") {
        start.addEventListener("click", function (e) {
          e.preventDefault();
          passkeyOptions(form).then(function (o) {
            ask("get", o, form);
          }, function () {
            showError(form);
          });
        });
        startConditional(form);
        return;
      }
      var options = JSON.parse(form.getAttribute("data-options"));
      start.addEventListener("click", function (e) {
        if (kind === "create" && !form.reportValidity()) {
          return;
        }
        e.preventDefault();
        ask(kind, options, form);
      });
    })(forms[i]);
  }

  // startConditional offers the user's passkeys in the login field's
  // autofill, where the browser can.
  function startConditional(form) {
    if (!document.querySelector("input[autocomplete~=webauthn]") ||
        !PublicKeyCredential.isConditionalMediationAvailable) {
      return;
    }
    PublicKeyCredential.isConditionalMediationAvailable().then(function (ok) {
      if (!ok) {
        return;
      }
      passkeyOptions(form).then(function (o) {
        var ctl = new AbortController();
        pending = ctl;
        var req = requestOptions(o);
        req.mediation = "conditional";
        req.signal = ctl.signal;
        navigator.credentials.get(req).then(function (cred) {
          submitWith(form, cred);
        }, function () {});
      }, function () {});
    });
  }
})();
