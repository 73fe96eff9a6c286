/* deckforge: show an item's options (a choice card's options, an ordering card's steps, a
   matching card's right-hand items) in a new order each study day.
   Without JavaScript nothing here runs and the card shows its options as written.
   The order is a function of the card's text and the study day, not random: the front and the
   back are separate renders in every Anki client (separate pages on AnkiDroid and AnkiMobile),
   with no storage they reliably share, so the back works out the front's order again instead
   of remembering it. A day rather than each showing is the longest stretch that still changes
   between reviews, and it keeps the order while a learner flips a card or repeats it minutes
   later. Card text is only read (textContent) and moved as whole nodes: nothing here writes
   HTML. Written for old WebViews (no let, arrow functions or Math.imul). */
(function () {
  var LETTERS = "ABCDEFGH";
  // Anki's study day begins at 4 am by default ("Next day starts at"): a session that runs
  // past midnight keeps the evening's order.
  var day = new Date(new Date().getTime() - 4 * 3600 * 1000);
  var dayKey = day.getFullYear() + "-" + (day.getMonth() + 1) + "-" + day.getDate();

  function hash(text) {  // FNV-1a, 32 bits
    var h = 2166136261;
    for (var i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = (h + (h << 1) + (h << 4) + (h << 7) + (h << 8) + (h << 24)) >>> 0;
    }
    return h;
  }

  var TEXT = { choices: ".choice-text", steps: ".step-text", rights: ".right-text" };

  function optionText(item, kind) {  // an option's text, without the check mark the back adds
    var text = "", parts = item.querySelector(TEXT[kind]).childNodes;
    for (var i = 0; i < parts.length; i++) {
      var mark = parts[i].nodeType === 1 && /(^| )mark( |$)/.test(parts[i].className);
      if (!mark) text += parts[i].textContent;
    }
    return text.replace(/^\s+|\s+$/g, "");
  }

  var lists = document.querySelectorAll("ol.choices, ol.steps, ol.rights");
  for (var n = 0; n < lists.length; n++) {
    var list = lists[n], kind = /(^| )(choices|steps|rights)( |$)/.exec(list.className)[2];
    // data-shuffle="false": the card opted out. data-df-shuffled: already done (a page that
    // holds several cards, like deckforge's preview, runs this once per card side).
    if (list.getAttribute("data-shuffle") === "false" || list.hasAttribute("data-df-shuffled")) {
      continue;
    }
    list.setAttribute("data-df-shuffled", "");
    var card = list.parentNode;
    while (card.parentNode && !/(^| )(choice|order|match)-card( |$)/.test(card.className)) card = card.parentNode;
    var question = card.querySelector(".question");
    var items = [], seed = dayKey + "\n" + (question ? question.textContent : "");
    for (var c = list.firstChild; c; c = c.nextSibling) {
      if (c.nodeType === 1) {
        items.push(c);
        seed += "\n" + optionText(c, kind);
      }
    }
    // Fisher-Yates with xorshift32 seeded by the hash (which must not be 0).
    var state = hash(seed) || 1;
    for (var i = items.length - 1; i > 0; i--) {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      state >>>= 0;
      var j = state % (i + 1), swap = items[i];
      items[i] = items[j];
      items[j] = swap;
    }
    var correct = [];
    for (var k = 0; k < items.length; k++) {
      list.appendChild(items[k]);
      items[k].querySelector(".letter").textContent = LETTERS.charAt(k);
      if (/(^| )correct( |$)/.test(items[k].className)) correct.push(LETTERS.charAt(k));
    }
    var answer = kind === "choices" && card.querySelector(".answer-letters");
    if (answer && correct.length) answer.textContent = correct.join(", ");
  }
})();
