/* deckforge practice exam: a mock exam drawn like the real one, a report per section, and a
   practice mode. Offline: no request leaves the page. Text from cards arrives already rendered
   by deckforge's renderer (raw HTML escaped); everything else is set as text. */
(function () {
  'use strict';
  var DATA = JSON.parse(document.getElementById('px-data').textContent);
  var EXAM = DATA.exam, ITEMS = DATA.items, CASES = DATA.cases;
  var params = new URLSearchParams(location.search);
  var KEEP = 10;  // mock exams remembered to prefer unseen questions
  var STORE = 'deckforge-practice:' + DATA.deck.id;
  var $ = function (id) { return document.getElementById(id); };

  /* ---- randomness: ?seed=N makes the draw and the option order repeatable ---- */
  function mulberry32(a) {
    return function () {
      a |= 0; a = a + 0x6D2B79F5 | 0;
      var t = Math.imul(a ^ a >>> 15, 1 | a);
      t = t + Math.imul(t ^ t >>> 7, 61 | t) ^ t;
      return ((t ^ t >>> 14) >>> 0) / 4294967296;
    };
  }
  var seedParam = params.get('seed');
  var seedBase = seedParam !== null && /^-?\d+$/.test(seedParam) ? parseInt(seedParam, 10) : null;
  var runs = 0;
  function rng() {
    runs += 1;
    var s = seedBase !== null ? seedBase * 1000003 + runs : Math.floor(Math.random() * 4294967296);
    return mulberry32(s);
  }
  function shuffled(list, rand) {
    var a = list.slice();
    for (var i = a.length - 1; i > 0; i--) {
      var j = Math.floor(rand() * (i + 1)), t = a[i]; a[i] = a[j]; a[j] = t;
    }
    return a;
  }

  /* ---- DOM helpers: text as text; card HTML (already escaped) as HTML ---- */
  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === 'text') e.textContent = attrs[k];
      else if (k === 'html') e.innerHTML = attrs[k];  // rendered card text only
      else if (k === 'cls') e.className = attrs[k];
      else if (k.slice(0, 2) === 'on') e.addEventListener(k.slice(2), attrs[k]);
      else e.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) e.appendChild(c); });
    return e;
  }
  function plain(html) { return el('div', {html: html}).textContent.replace(/\s+/g, ' ').trim(); }
  function show(id) {
    ['px-home', 'px-exam', 'px-report', 'px-drill'].forEach(function (s) { $(s).hidden = s !== id; });
  }
  var LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  var sectionName = {};
  EXAM.sections.forEach(function (s) { sectionName[s.id] = s.name; });

  /* ---- history of mock exams (localStorage), newest last ---- */
  function history() {
    try { var h = JSON.parse(localStorage.getItem(STORE) || '[]'); return Array.isArray(h) ? h : []; }
    catch (e) { return []; }
  }
  function remember(ids) {
    var h = history().concat([ids]).slice(-KEEP);
    try { localStorage.setItem(STORE, JSON.stringify(h)); } catch (e) { /* private mode */ }
    showHistory();
  }
  function showHistory() {
    var n = history().length;
    $('px-history').textContent = n ? n + ' recent mock exam(s) remembered: their questions come last.'
      : 'No mock exam taken yet in this browser.';
    $('px-clear').disabled = !n;
  }

  /* ---- the draw: per section by weight (largest remainder, a range by its midpoint) ---- */
  function quotas(n, avail) {
    var w = EXAM.sections.map(function (s) { return (s.weight[0] + s.weight[1]) / 2; });
    var total = w.reduce(function (a, b) { return a + b; }, 0) || 1;
    var want = w.map(function (x) { return n * x / total; });
    var q = want.map(Math.floor), order = want.map(function (x, i) { return i; });
    order.sort(function (a, b) { return (want[b] - q[b]) - (want[a] - q[a]) || a - b; });
    var left = n - q.reduce(function (a, b) { return a + b; }, 0);
    for (var k = 0; left > 0 && k < order.length; k++, left--) q[order[k]] += 1;
    // A section short of questions gives its share to the others, largest remainder first.
    var spare = 0;
    q = q.map(function (x, i) { if (x > avail[i]) { spare += x - avail[i]; return avail[i]; } return x; });
    while (spare > 0 && order.some(function (i) { return q[i] < avail[i]; })) {
      for (k = 0; spare > 0 && k < order.length; k++) {
        if (q[order[k]] < avail[order[k]]) { q[order[k]] += 1; spare -= 1; }
      }
    }
    return q;
  }
  function draw(n, rand) {
    var h = history(), last = {};
    h.forEach(function (ids, e) { ids.forEach(function (id) { last[id] = e; }); });
    var bySection = EXAM.sections.map(function (s) {
      var pool = shuffled(ITEMS.filter(function (it) { return it.section === s.id; }), rand);
      return pool.sort(function (a, b) {
        return (a.id in last ? last[a.id] : -1) - (b.id in last ? last[b.id] : -1);
      });  // (a stable sort: the shuffle breaks ties)
    });
    var q = quotas(n, bySection.map(function (p) { return p.length; }));
    var picked = [];
    bySection.forEach(function (pool, i) { picked = picked.concat(pool.slice(0, q[i])); });
    return shuffled(picked, rand);
  }
  function arrange(item, rand) {  // the shown order of options, steps and right-hand items
    var idx = function (k) { return Array.apply(null, Array(k)).map(function (_, i) { return i; }); };
    return {
      options: item.shuffle ? shuffled(idx(item.options.length), rand) : idx(item.options.length),
      steps: shuffled(idx(item.steps.length), rand),
      rights: shuffled(idx(item.pairs.length), rand)
    };
  }

  /* ---- answers and scoring: right only when wholly right (no partial credit) ---- */
  function complete(item, ans) {
    if (!ans) return false;
    if (item.type === 'single' || item.type === 'multiple') return ans.length > 0;
    return ans.length > 0 && ans.every(function (x) { return x !== null && x !== undefined; });
  }
  function correct(item, ans) {
    if (!complete(item, ans)) return false;
    if (item.type === 'single' || item.type === 'multiple') {
      var a = ans.slice().sort(), k = item.key.slice().sort();
      return a.length === k.length && a.every(function (x, i) { return x === k[i]; });
    }
    // order: ans[step] = position (1-based) given to the step; match: ans[left] = right chosen.
    if (item.type === 'order') return ans.every(function (p, s) { return p === s + 1; });
    return ans.every(function (r, l) { return r === l; });
  }

  /* ---- one question, as form controls ---- */
  function questionView(item, shown, ans, onChange, locked) {
    var name = 'q-' + item.id, box = el('div', {cls: 'px-question', 'data-id': item.id, 'data-type': item.type});
    box.appendChild(el('div', {cls: 'px-stem', html: item.stem}));
    var fs = el('fieldset', {cls: 'px-options'});
    var hint = {single: 'Choose one answer.', multiple: 'Choose ' + item.key.length + ' answers.',
                order: 'Give each step its place in the sequence.',
                match: 'Match each item on the left with one on the right.'}[item.type];
    fs.appendChild(el('legend', {text: hint}));
    if (item.type === 'single' || item.type === 'multiple') {
      shown.options.forEach(function (o, pos) {
        var input = el('input', {type: item.type === 'single' ? 'radio' : 'checkbox', name: name,
                                 value: String(o), id: name + '-' + o});
        input.checked = (ans || []).indexOf(o) >= 0;
        input.disabled = !!locked;
        input.addEventListener('change', function () {
          var picked = [].slice.call(fs.querySelectorAll('input:checked')).map(function (i) { return +i.value; });
          onChange(picked.sort(function (a, b) { return a - b; }));
        });
        fs.appendChild(el('label', {cls: 'px-opt', 'for': input.id, 'data-option': String(o)},
                          [input, el('span', {cls: 'px-letter', text: LETTERS[pos] + '.'}),
                           el('span', {cls: 'px-opt-text', html: item.options[o].html})]));
      });
    } else {
      var order = item.type === 'order';
      var rows = order ? shown.steps : item.pairs.map(function (_, i) { return i; });
      if (!order) {
        var rights = el('ol', {cls: 'px-rights', type: 'A'});
        shown.rights.forEach(function (r) {
          rights.appendChild(el('li', {html: item.pairs[r][1]}));
        });
        fs.appendChild(rights);
      }
      var current = (ans || []).slice();
      rows.forEach(function (row, pos) {
        var sel = el('select', {id: name + '-' + row});
        sel.disabled = !!locked;
        sel.appendChild(el('option', {value: '', text: '—'}));
        (order ? shown.steps : shown.rights).forEach(function (r, k) {
          var opt = el('option', {value: String(order ? k + 1 : r), text: order ? String(k + 1) : LETTERS[k]});
          if (current[row] === (order ? k + 1 : r)) opt.selected = true;
          sel.appendChild(opt);
        });
        sel.addEventListener('change', function () {
          var n = order ? item.steps.length : item.pairs.length;
          while (current.length < n) current.push(null);
          current[row] = sel.value === '' ? null : +sel.value;
          onChange(current.slice());
        });
        // The label names the select: "Place of: <step>" or "Match for: <item>".
        fs.appendChild(el('div', {cls: 'px-row'}, [
          el('label', {'for': sel.id, cls: 'px-row-text'}, [
            el('span', {cls: 'px-sr', text: order ? 'Place of: ' : 'Match for: '}),
            el('span', {html: order ? item.steps[row] : item.pairs[row][0]})]), sel]));
      });
    }
    box.appendChild(fs);
    return box;
  }
  function caseView(item) {
    var c = item.case && CASES[item.case];
    if (!c) return null;
    return el('aside', {cls: 'px-case', 'aria-label': 'Case study'},
              [el('h3', {text: 'Case study: ' + c.title}), el('div', {html: c.html})]);
  }
  function answerText(item, ans, shown) {  // a learner's answer (or the key) as words
    if (!complete(item, ans)) return 'no answer';
    if (item.type === 'single' || item.type === 'multiple') {
      return ans.map(function (o) { return LETTERS[shown.options.indexOf(o)] + '. ' + plain(item.options[o].html); }).join('; ');
    }
    if (item.type === 'order') {
      var seq = ans.map(function (p, s) { return [p, s]; }).sort(function (a, b) { return a[0] - b[0]; });
      return seq.map(function (x) { return x[0] + '. ' + plain(item.steps[x[1]]); }).join('; ');
    }
    return ans.map(function (r, l) { return plain(item.pairs[l][0]) + ' → ' + plain(item.pairs[r][1]); }).join('; ');
  }
  function keyOf(item) {
    if (item.type === 'order') return item.steps.map(function (_, s) { return s + 1; });
    if (item.type === 'match') return item.pairs.map(function (_, l) { return l; });
    return item.key;
  }
  function explain(item, ans, shown) {  // the key, the explanation and each option's why
    var right = correct(item, ans), box = el('div', {cls: 'px-explain'});
    box.appendChild(el('p', {cls: right ? 'px-right' : 'px-wrong',
                             text: right ? 'Right.' : complete(item, ans) ? 'Wrong.' : 'Unanswered.'}));
    box.appendChild(el('p', {cls: 'px-yours', text: 'Your answer: ' + answerText(item, ans, shown)}));
    box.appendChild(el('p', {cls: 'px-key', text: 'Answer: ' + answerText(item, keyOf(item), shown)}));
    if (item.type === 'single' || item.type === 'multiple') {
      var list = el('ul', {cls: 'px-whys'});
      shown.options.forEach(function (o, pos) {
        var isKey = item.key.indexOf(o) >= 0, li = el('li', {cls: isKey ? 'px-is-key' : ''});
        li.appendChild(el('strong', {text: LETTERS[pos] + (isKey ? ' (right)' : '') + ': '}));
        li.appendChild(el('span', {html: item.options[o].html}));
        if (item.options[o].why) li.appendChild(el('div', {cls: 'px-why', html: item.options[o].why}));
        list.appendChild(li);
      });
      box.appendChild(list);
    }
    if (item.explanation) box.appendChild(el('div', {cls: 'px-expl', html: item.explanation}));
    return box;
  }

  /* ---- exam mode ---- */
  var exam = null, timer = null;
  function startExam() {
    var rand = rng(), n = EXAM.questions || ITEMS.length;
    var items = draw(n, rand);
    exam = {items: items, shown: items.map(function (it) { return arrange(it, rand); }),
            answers: items.map(function () { return null; }), flags: items.map(function () { return false; }),
            at: 0, started: Date.now(), endAt: EXAM.minutes ? Date.now() + EXAM.minutes * 60000 : null,
            timeUp: false};
    show('px-exam');
    renderQuestion(true);
    if (exam.endAt) { tick(); timer = setInterval(tick, 1000); }
  }
  function clock(ms) {
    var s = Math.max(0, Math.ceil(ms / 1000)), h = Math.floor(s / 3600), m = Math.floor(s % 3600 / 60);
    var pad = function (x) { return (x < 10 ? '0' : '') + x; };
    return (h ? h + ':' + pad(m) : String(m)) + ':' + pad(s % 60);
  }
  function tick() {
    if (!exam) return;
    var left = exam.endAt - Date.now();
    $('px-timer').textContent = 'Time left ' + clock(left);
    if (left <= 0) { exam.timeUp = true; finish(); }
  }
  function renderQuestion(focus) {
    var i = exam.at, item = exam.items[i], n = exam.items.length;
    $('px-count').textContent = 'Question ' + (i + 1) + ' of ' + n;
    var body = $('px-qbody');
    body.textContent = '';
    var c = caseView(item);
    body.classList.toggle('px-with-case', !!c);
    if (c) body.appendChild(c);
    body.appendChild(questionView(item, exam.shown[i], exam.answers[i], function (a) {
      exam.answers[i] = a; renderMap();
    }, false));
    $('px-prev').disabled = i === 0;
    $('px-next').disabled = i === n - 1;
    $('px-flag').setAttribute('aria-pressed', String(exam.flags[i]));  // (its name stays "Flag")
    renderMap();
    if (focus) $('px-count').focus();
  }
  function renderMap() {
    var map = $('px-map'), answered = 0;
    map.textContent = '';
    exam.items.forEach(function (item, i) {
      var done = complete(item, exam.answers[i]);
      if (done) answered += 1;
      var state = (done ? 'answered' : 'unanswered') + (exam.flags[i] ? ', flagged' : '');
      map.appendChild(el('button', {type: 'button', text: String(i + 1),
        cls: 'px-cell' + (done ? ' px-answered' : '') + (exam.flags[i] ? ' px-flagged' : '') + (i === exam.at ? ' px-here' : ''),
        'aria-label': 'Question ' + (i + 1) + ', ' + state, 'aria-current': i === exam.at ? 'true' : 'false',
        onclick: function () { exam.at = i; renderQuestion(true); }}));
    });
    $('px-progress').textContent = answered + ' answered, ' + (exam.items.length - answered) + ' unanswered, '
      + exam.flags.filter(Boolean).length + ' flagged';
  }
  function finish() {
    if (!exam) return;
    clearInterval(timer); timer = null;
    var done = exam; exam = null;
    remember(done.items.map(function (it) { return it.id; }));
    report(done);
  }

  /* ---- the report ---- */
  function pct(a, b) { return b ? Math.round(100 * a / b) : 0; }
  function report(done) {
    show('px-report');
    var box = $('px-result');
    box.textContent = '';
    var results = done.items.map(function (item, i) { return correct(item, done.answers[i]); });
    var right = results.filter(Boolean).length, n = done.items.length, score = pct(right, n);
    box.appendChild(el('p', {cls: 'px-overall', id: 'px-overall',
      text: 'Score: ' + right + ' of ' + n + ' right (' + score + ' %)' + (done.timeUp ? ' · time ran out' : '')
        + ' · ' + clock(Math.min(Date.now(), done.endAt || Date.now()) - done.started) + ' used'}));
    var pm = EXAM.pass_mark, mark = null;
    if (pm && pm[0] === 'scaled') {
      mark = Math.round(100 * pm[1] / pm[3]);
      box.appendChild(el('p', {cls: 'px-pass', text: 'Pass mark (an estimate): ' + EXAM.vendor + ' reports a scaled score from '
        + pm[2] + ' to ' + pm[3] + ' and passes at ' + pm[1] + '; a scaled score is not a percentage of questions right. '
        + 'Read as ' + mark + ' % right, you are ' + (score >= mark ? 'above' : 'below') + ' that estimate.'}));
    } else if (pm) {
      mark = pm[1];
      box.appendChild(el('p', {cls: 'px-pass', text: 'Pass mark (an estimate for this mock): ' + mark + ' % right; you are '
        + (score >= mark ? 'above' : 'below') + ' it.'}));
    } else {
      box.appendChild(el('p', {cls: 'px-pass', text: EXAM.vendor + ' publishes no pass mark for this exam.'}));
    }
    // Per section, against the guide's weights.
    var table = el('table', {cls: 'px-sections', id: 'px-sections'});
    table.appendChild(el('caption', {text: 'Score per section'}));
    table.appendChild(el('thead', {}, [el('tr', {}, ['Section', 'Correct', 'Percent', 'Weight'].map(function (h) {
      return el('th', {scope: 'col', text: h});
    }))]));
    var tbody = el('tbody');
    EXAM.sections.forEach(function (s) {
      var got = 0, of = 0;
      done.items.forEach(function (it, i) { if (it.section === s.id) { of += 1; if (results[i]) got += 1; } });
      var weight = s.weight[0] === s.weight[1] ? s.weight[0] + ' %' : s.weight[0] + '–' + s.weight[1] + ' %';
      tbody.appendChild(el('tr', {'data-section': s.id}, [
        el('th', {scope: 'row', text: s.id + '. ' + s.name}), el('td', {text: got + ' / ' + of}),
        el('td', {text: of ? pct(got, of) + ' %' : '—'}), el('td', {text: weight})]));
    });
    table.appendChild(tbody);
    box.appendChild(el('div', {cls: 'px-table'}, [table]));
    // The weakest objectives, as an Anki search.
    var per = {};
    done.items.forEach(function (it, i) {
      it.objectives.forEach(function (o) {
        per[o] = per[o] || [0, 0]; per[o][1] += 1; if (results[i]) per[o][0] += 1;
      });
    });
    var weak = Object.keys(per).filter(function (o) { return per[o][0] < per[o][1]; });
    weak.sort(function (a, b) { return per[a][0] / per[a][1] - per[b][0] / per[b][1] || per[b][1] - per[a][1] || (a < b ? -1 : 1); });
    weak = weak.slice(0, 5);
    if (weak.length) {
      var q = '"deck:' + DATA.deck.anki.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/([*_])/g, '\\$1') + '" ('
        + weak.map(function (o) { return 'tag:' + EXAM.objective_tag + o; }).join(' OR ') + ')';
      var input = el('input', {type: 'text', id: 'px-anki', readonly: 'readonly', value: q, 'aria-label': 'Anki search'});
      var status = el('span', {cls: 'px-copied', role: 'status'});
      box.appendChild(el('div', {cls: 'px-drillweak'}, [
        el('h3', {text: 'Drill the weakest objectives in Anki'}),
        el('p', {text: 'Paste this into the search box of Anki\'s browser (objectives ' + weak.join(', ') + '):'}),
        el('div', {cls: 'px-copyrow'}, [input, el('button', {type: 'button', id: 'px-copy', text: 'Copy search', onclick: function () {
          input.select();
          var ok = function () { status.textContent = 'Copied.'; };
          if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(q).then(ok, function () {
            document.execCommand('copy'); ok();
          }); else { document.execCommand('copy'); ok(); }
        }}), status])]));
    }
    // Every wrong, unanswered or flagged question.
    var review = el('div', {cls: 'px-reviews'});
    var listed = 0;
    done.items.forEach(function (item, i) {
      if (results[i] && !done.flags[i]) return;
      listed += 1;
      var art = el('article', {cls: 'px-review', 'data-id': item.id,
                               'data-state': results[i] ? 'flagged' : complete(item, done.answers[i]) ? 'wrong' : 'unanswered'});
      art.appendChild(el('h4', {text: 'Question ' + (i + 1) + ' · ' + sectionName[item.section]
        + (done.flags[i] ? ' · flagged' : '')}));
      var c = caseView(item);
      if (c) art.appendChild(c);
      art.appendChild(el('div', {cls: 'px-stem', html: item.stem}));
      art.appendChild(explain(item, done.answers[i], done.shown[i]));
      review.appendChild(art);
    });
    box.appendChild(el('h3', {text: listed ? 'Questions to review (' + listed + ')' : 'Nothing to review: every question right.'}));
    box.appendChild(review);
    $('px-report-title').focus();
  }

  /* ---- practice mode ---- */
  var drill = null;
  function startDrill() {
    var topic = $('px-topic').value, rand = rng();
    var pool = ITEMS.filter(function (it) {
      return topic === '' || (topic[0] === 's' ? it.section === topic.slice(2) : it.objectives.indexOf(topic.slice(2)) >= 0);
    });
    drill = {items: shuffled(pool, rand), rand: rand, at: 0, right: 0, checked: false, answer: null};
    show('px-drill');
    renderDrill();
  }
  function renderDrill() {
    var box = $('px-dbody'), n = drill.items.length;
    box.textContent = '';
    if (!n) { box.appendChild(el('p', {text: 'No question links this topic yet.'})); $('px-dcount').textContent = ''; return; }
    if (drill.at >= n) {
      $('px-dcount').textContent = 'Done';
      box.appendChild(el('p', {cls: 'px-overall', text: drill.right + ' of ' + n + ' right.'}));
      $('px-check').hidden = true; $('px-dnext').hidden = true;
      $('px-dcount').focus();
      return;
    }
    var item = drill.items[drill.at];
    drill.shown = arrange(item, drill.rand); drill.answer = null; drill.checked = false;
    $('px-dcount').textContent = 'Question ' + (drill.at + 1) + ' of ' + n + ' · ' + drill.right + ' right so far';
    var c = caseView(item);
    box.classList.toggle('px-with-case', !!c);
    if (c) box.appendChild(c);
    box.appendChild(questionView(item, drill.shown, null, function (a) { drill.answer = a; }, false));
    $('px-check').hidden = false; $('px-dnext').hidden = true;
    $('px-verdict').textContent = '';
    $('px-dcount').focus();
  }
  function check() {
    var item = drill.items[drill.at];
    if (drill.checked) return;
    drill.checked = true;
    var ok = correct(item, drill.answer);
    if (ok) drill.right += 1;
    [].forEach.call($('px-dbody').querySelectorAll('input, select'), function (i) { i.disabled = true; });
    $('px-verdict').textContent = ok ? 'Right.' : 'Wrong.';
    $('px-dbody').appendChild(explain(item, drill.answer, drill.shown));
    $('px-check').hidden = true; $('px-dnext').hidden = false;
    $('px-dnext').focus();
  }

  /* ---- wiring ---- */
  $('px-start').addEventListener('click', startExam);
  $('px-prev').addEventListener('click', function () { if (exam.at > 0) { exam.at -= 1; renderQuestion(true); } });
  $('px-next').addEventListener('click', function () { if (exam.at < exam.items.length - 1) { exam.at += 1; renderQuestion(true); } });
  $('px-flag').addEventListener('click', function () { exam.flags[exam.at] = !exam.flags[exam.at]; renderQuestion(false); $('px-flag').focus(); });
  $('px-finish').addEventListener('click', function () {
    var open = exam.items.filter(function (it, i) { return !complete(it, exam.answers[i]); }).length;
    if (open && !window.confirm(open + ' question(s) unanswered. Finish the exam?')) return;
    finish();
  });
  $('px-clear').addEventListener('click', function () {
    try { localStorage.removeItem(STORE); } catch (e) { /* nothing kept */ }
    showHistory();
  });
  $('px-again').addEventListener('click', function () { show('px-home'); $('px-start').focus(); });
  $('px-practice').addEventListener('click', startDrill);
  $('px-check').addEventListener('click', check);
  $('px-dnext').addEventListener('click', function () { drill.at += 1; renderDrill(); });
  $('px-dback').addEventListener('click', function () { drill = null; show('px-home'); $('px-practice').focus(); });
  $('px-start').disabled = ITEMS.length === 0;
  $('px-practice').disabled = ITEMS.length === 0;
  showHistory();
  show('px-home');
  window.deckforgePractice = {quotas: quotas, correct: correct};  // for tests of the scoring
})();
