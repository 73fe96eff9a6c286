/* deckforge: answer an exam item on the card. On the front the learner taps options (or
   presses 1-9): one option, or N for "Choose N"; steps in sequence (tap again to undo); a
   right-hand item for each left-hand one. The back marks what was picked and says how it went.
   Without JavaScript nothing here runs: the front is a plain question, the back the key.
   The pick must survive the flip. Anki desktop shows the back in the same page, so an object
   on the window holds it; other clients (AnkiDroid) may load the back as a new page, where only
   sessionStorage survives. The community's anki-persistence script picks one of the two
   (sessionStorage where the object exists, else a property of an object the desktop keeps);
   here the pick goes to both and the back reads the page's own copy first, so the desktop never
   depends on storage and a storage that throws only costs the new-page case. The front clears
   the pick when it shows, so a pick never outlives its review. Card text is only read (textContent) and moved or cloned as
   nodes: nothing here writes HTML. One page may run this for many cards (Anki desktop keeps
   the page; the preview shows many cards), so everything lives in this function or on one
   window object, and no top-level let/const. Written for old WebViews. */
(function () {
  var DF = window.deckforgeAnswer || (window.deckforgeAnswer = { picks: {}, backs: {}, active: null });
  var STORE = "deckforge-pick:";

  function hasClass(el, name) {
    return el.nodeType === 1 && new RegExp("(^| )" + name + "( |$)").test(el.className);
  }
  function addClass(el, name) { if (!hasClass(el, name)) el.className += " " + name; }
  function dropClass(el, name) {
    el.className = el.className.replace(new RegExp("(^| )" + name + "(?= |$)", "g"), "");
  }
  function clean(text) { return text.replace(/\s+/g, " ").replace(/^ | $/g, ""); }
  function textOf(item, cls) {  // an item's text, without the check mark the back adds
    var box = item.querySelector("." + cls), text = "";
    if (!box) return "";
    for (var i = 0; i < box.childNodes.length; i++) {
      if (!hasClass(box.childNodes[i], "mark")) text += box.childNodes[i].textContent;
    }
    return clean(text);
  }
  function children(list, cls) {
    var out = [];
    for (var c = list ? list.firstChild : null; c; c = c.nextSibling) if (hasClass(c, cls)) out.push(c);
    return out;
  }
  function hash(text) {  // FNV-1a, 32 bits
    var h = 2166136261;
    for (var i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = (h + (h << 1) + (h << 4) + (h << 7) + (h << 8) + (h << 24)) >>> 0;
    }
    return h;
  }
  function save(key, pick) {
    DF.picks[key] = pick;
    try { window.sessionStorage.setItem(STORE + key, JSON.stringify(pick)); } catch (e) { /* none */ }
    var backs = DF.backs[key] || [];  // a page that shows the back too (the preview)
    for (var i = 0; i < backs.length; i++) if (document.body.contains(backs[i].card)) backs[i].show();
  }
  function load(key) {
    if (Object.prototype.hasOwnProperty.call(DF.picks, key)) return DF.picks[key];
    try {
      var raw = window.sessionStorage.getItem(STORE + key);
      return raw ? JSON.parse(raw) : null;
    } catch (e) { return null; }
  }
  function forget(key) {
    delete DF.picks[key];
    try { window.sessionStorage.removeItem(STORE + key); } catch (e) { /* none */ }
  }
  function count(list) {
    var n = 0;
    for (var i = 0; i < list.length; i++) if (list[i]) n++;
    return n;
  }
  function positions(list) {
    var words = [];
    for (var i = 0; i < list.length; i++) words.push(String(list[i]));
    if (words.length < 2) return words.join("");
    return words.slice(0, -1).join(", ") + " and " + words[words.length - 1];
  }
  function verdict(card, right, total, detail) {
    var old = card.querySelector(".verdict"), el = old || document.createElement("div");
    var text = right === total ? "Correct" : right > 0 ? "Partly correct (" + right + " of " + total +
      (detail ? ": " + detail : "") + ")" : "Incorrect";
    el.className = "verdict " + (right === total ? "verdict-right" : right > 0 ? "verdict-partly" : "verdict-wrong");
    el.textContent = text;
    if (!old) {
      var hr = card.querySelector("hr#answer");
      if (hr && hr.nextSibling) hr.parentNode.insertBefore(el, hr.nextSibling);
      else card.appendChild(el);
    }
  }
  function button(item, onPick) {
    item.setAttribute("role", "button");
    item.setAttribute("tabindex", "0");
    item.onclick = function () { onPick(); };
    item.onkeydown = function (ev) {
      if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); onPick(); }
    };
  }

  /* ---- the front: taking the pick ---- */
  function frontChoice(card, key) {
    var list = card.querySelector("ol.choices"), items = children(list, "choice");
    var n = parseInt(list.getAttribute("data-choose") || "1", 10), picked = [];
    function show() {
      for (var i = 0; i < items.length; i++) {
        var on = picked.indexOf(textOf(items[i], "choice-text")) >= 0;
        (on ? addClass : dropClass)(items[i], "picked");
        items[i].setAttribute("aria-pressed", on ? "true" : "false");
      }
    }
    function pick(k) {
      var text = textOf(items[k], "choice-text"), at = picked.indexOf(text);
      if (at >= 0) picked.splice(at, 1);
      else {
        picked.push(text);
        if (picked.length > n) picked.shift();  // one too many: the oldest pick gives way
      }
      show();
      save(key, picked.slice());
    }
    for (var i = 0; i < items.length; i++) button(items[i], (function (k) { return function () { pick(k); }; })(i));
    return function (k) { if (k < items.length) pick(k); };
  }

  function frontOrder(card, key) {
    var list = card.querySelector("ol.steps"), items = children(list, "step"), seq = [];
    function show() {
      for (var i = 0; i < items.length; i++) {
        var at = seq.indexOf(textOf(items[i], "step-text")), badge = items[i].querySelector(".seq");
        if (!badge) {
          badge = document.createElement("span");
          badge.className = "seq";
          items[i].appendChild(badge);
        }
        badge.textContent = at >= 0 ? String(at + 1) : "";
        (at >= 0 ? addClass : dropClass)(items[i], "picked");
      }
    }
    function pick(k) {
      var text = textOf(items[k], "step-text"), at = seq.indexOf(text);
      if (at >= 0) seq.splice(at, 1);
      else seq.push(text);
      show();
      save(key, seq.slice());
    }
    for (var i = 0; i < items.length; i++) button(items[i], (function (k) { return function () { pick(k); }; })(i));
    show();
    return function (k) { if (k < items.length) pick(k); };
  }

  function frontMatch(card, key) {
    var lefts = children(card.querySelector("ol.lefts"), "left");
    var rights = children(card.querySelector("ol.rights"), "right"), chosen = [];
    var rows = [];
    function show() {
      for (var i = 0; i < rows.length; i++) {
        for (var j = 0; j < rows[i].length; j++) {
          var on = chosen[i] === textOf(rights[j], "right-text");
          (on ? addClass : dropClass)(rows[i][j], "picked");
          rows[i][j].setAttribute("aria-pressed", on ? "true" : "false");
        }
        (chosen[i] ? addClass : dropClass)(lefts[i], "picked");
      }
    }
    function pick(i, j) {
      var text = textOf(rights[j], "right-text");
      chosen[i] = chosen[i] === text ? "" : text;
      show();
      save(key, chosen.slice());
    }
    for (var i = 0; i < lefts.length; i++) {
      chosen.push("");
      var box = document.createElement("span"), row = [];
      box.className = "match-picks";
      for (var j = 0; j < rights.length; j++) {
        var b = document.createElement("button");
        b.type = "button";
        b.className = "match-pick";
        b.textContent = rights[j].querySelector(".letter").textContent;
        b.setAttribute("aria-label", "match " + (i + 1) + " with " + b.textContent);
        b.onclick = (function (a, c) { return function () { pick(a, c); }; })(i, j);
        box.appendChild(b);
        row.push(b);
      }
      lefts[i].appendChild(box);
      rows.push(row);
    }
    show();
    return function (k) {  // a number key: that right-hand item for the first unmatched row
      for (var i = 0; i < lefts.length; i++) {
        if (!chosen[i]) { if (k < rights.length) pick(i, k); return; }
      }
    };
  }

  /* ---- the back: showing the pick next to the key ---- */
  function backChoice(card, pick) {
    var items = children(card.querySelector("ol.choices"), "choice"), right = 0, total = 0;
    for (var i = 0; i < items.length; i++) {
      var correct = hasClass(items[i], "correct"), on = pick.indexOf(textOf(items[i], "choice-text")) >= 0;
      (on ? addClass : dropClass)(items[i], "picked");
      if (correct) total++;
      if (correct && on) right++;
    }
    if (right === total && count(pick) > total) right = total - 1;  // every key and a wrong one too
    verdict(card, right, total, "");
  }

  function backOrder(card, seq) {
    var keys = children(card.querySelector("ol.steps-key"), "step-key"), good = [];
    var old = card.querySelector(".your-order-box");  // shown before (the preview re-shows)
    if (old) old.parentNode.removeChild(old);
    var yours = document.createElement("ol");
    yours.className = "your-order";
    for (var i = 0; i < seq.length; i++) {
      var li = document.createElement("li"), ok = i < keys.length && textOf(keys[i], "step-text") === seq[i];
      li.className = "your-step " + (ok ? "correct" : "wrong");
      for (var k = 0; k < keys.length; k++) {
        if (textOf(keys[k], "step-text") === seq[i]) li.appendChild(keys[k].querySelector(".step-text").cloneNode(true));
      }
      yours.appendChild(li);
      if (ok) good.push(i + 1);
    }
    var head = document.createElement("div");
    head.className = "answer-line";
    head.textContent = "Your order:";
    var wrap = document.createElement("div");
    wrap.className = "your-order-box";
    wrap.appendChild(head);
    wrap.appendChild(yours);
    var list = card.querySelector("ol.steps-key");
    var line = list.previousSibling;
    while (line && line.nodeType !== 1) line = line.previousSibling;
    list.parentNode.insertBefore(wrap, line || list);
    for (var j = 0; j < keys.length; j++) (good.indexOf(j + 1) >= 0 ? addClass : dropClass)(keys[j], "picked");
    verdict(card, seq.length === keys.length ? good.length : Math.min(good.length, keys.length - 1),
      keys.length, good.length ? "positions " + positions(good) : "");
  }

  function backMatch(card, chosen) {
    var keys = children(card.querySelector("ol.match-key"), "pair-key"), good = [];
    for (var i = 0; i < keys.length; i++) {
      var mine = chosen[i] || "", ok = mine !== "" && mine === textOf(keys[i], "right-text");
      var old = keys[i].querySelector(".yours");
      if (old) keys[i].removeChild(old);
      dropClass(keys[i], "correct");
      dropClass(keys[i], "wrong");
      dropClass(keys[i], "picked");
      if (!mine) continue;
      addClass(keys[i], "picked");
      addClass(keys[i], ok ? "correct" : "wrong");
      if (ok) good.push(i + 1);
      else {
        var yours = document.createElement("span");
        yours.className = "yours";
        yours.textContent = "you: " + mine;
        keys[i].appendChild(yours);
      }
    }
    verdict(card, good.length, keys.length, good.length ? "pairs " + positions(good) : "");
  }

  var KINDS = { "choice-card": [frontChoice, backChoice], "order-card": [frontOrder, backOrder],
    "match-card": [frontMatch, backMatch] };

  var cards = document.querySelectorAll(".df.choice-card, .df.order-card, .df.match-card");
  for (var n = 0; n < cards.length; n++) {
    var card = cards[n];
    if (card.hasAttribute("data-df-answer")) continue;
    card.setAttribute("data-df-answer", "");
    var kind = /(choice|order|match)-card/.exec(card.className)[0], question = card.querySelector(".question");
    var key = kind + ":" + hash(question ? clean(question.textContent) : "");
    if (!card.querySelector("hr#answer")) {
      forget(key);
      addClass(card, "df-answerable");
      DF.active = KINDS[kind][0](card, key);
      // Keys answer the card last shown or last tapped (a page may show many, as the preview).
      card.addEventListener("click", (function (keys) {
        return function () { DF.active = keys; };
      })(DF.active));
    } else {
      var back = (function (c, k, show) {
        return function () {
          var pick = load(k);
          if (pick && count(pick)) show(c, pick);
        };
      })(card, key, KINDS[kind][1]);
      var live = [], was = DF.backs[key] || [];
      for (var b = 0; b < was.length; b++) if (document.body.contains(was[b].card)) live.push(was[b]);
      live.push({ card: card, show: back });
      DF.backs[key] = live;
      back();
    }
  }

  if (!DF.keys) {  // one listener per page, for whichever front showed last
    DF.keys = true;
    document.addEventListener("keydown", function (ev) {
      var t = ev.target && ev.target.tagName;
      if (ev.ctrlKey || ev.metaKey || ev.altKey || t === "INPUT" || t === "TEXTAREA") return;
      var k = "123456789".indexOf(ev.key);
      if (k < 0 || !DF.active || !document.querySelector(".df-answerable")) return;
      ev.preventDefault();
      DF.active(k);
    });
  }
})();
