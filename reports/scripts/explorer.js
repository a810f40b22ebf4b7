// The sentence explorer: filters the embedded sentences and renders one page at a time.
// Data (see harness/report/explorer-data.ts): sentences [id, docId, source index, tokens, gold
// spans], and per method: predicted spans, the error kind of each gold span, a bit mask of error
// kinds, raw outputs of problem sentences. Gold spans are flat triples (label index, start, end
// exclusive); predicted spans flat quadruples (the same, then the error kind); gold kinds a string
// of one digit per gold span. An error kind is an index into data.spanKinds.
(() => {
  'use strict';
  const data = JSON.parse(document.getElementById('explorer-data').textContent);
  const PAGE = 20;
  const $ = (id) => document.getElementById(id);
  const controls = {
    method: $('ex-method'),
    label: $('ex-label'),
    source: $('ex-source'),
    kind: $('ex-kind'),
    search: $('ex-search'),
  };
  const results = $('ex-results');
  const pageText = $('ex-page');
  let page = 0;
  let matches = [];

  const option = (select, value, text) => {
    const element = document.createElement('option');
    element.value = value;
    element.textContent = text;
    select.appendChild(element);
  };
  data.methods.forEach((method, i) => option(controls.method, String(i), `${method.label} (seed ${method.seed})`));
  data.sources.forEach((source, i) => option(controls.source, String(i), source));
  option(controls.kind, 'error', 'sentences with an error');
  option(controls.kind, 'all', 'all embedded sentences');
  data.kinds.forEach((kind, bit) => option(controls.kind, `bit:${bit}`, kind.replace('_', ' + ')));

  // gold: width 3, kinds from a digit string; predicted: width 4, the kind last
  const spansOf = (flat, width, kinds) => {
    const spans = [];
    if (!flat) return spans;
    for (let k = 0, n = 0; k < flat.length; k += width, n++) {
      const kind = width === 4 ? flat[k + 3] : kinds ? Number(kinds[n]) : -1;
      spans.push({ label: flat[k], start: flat[k + 1], end: flat[k + 2], kind: data.spanKinds[kind] });
    }
    return spans;
  };
  const KIND_TITLES = {
    exact: 'exact match',
    boundary: 'boundary error',
    label: 'label error',
    label_boundary: 'label and boundary error',
    spurious: 'spurious',
    missed: 'missed',
  };
  const errorBits = (() => {
    let bits = 0;
    data.kinds.forEach((kind, bit) => {
      if (kind !== 'exact') bits |= 1 << bit;
    });
    return bits;
  })();

  function filter() {
    const m = Number(controls.method.value || 0);
    const label = controls.label.value === '' ? -1 : Number(controls.label.value);
    const source = controls.source.value === '' ? -1 : Number(controls.source.value);
    const kind = controls.kind.value;
    const needle = controls.search.value.trim().toLowerCase();
    const bit = kind.startsWith('bit:') ? 1 << Number(kind.slice(4)) : 0;
    matches = [];
    data.sentences.forEach((sentence, i) => {
      const mask = data.mask[m][i];
      if (source >= 0 && sentence[2] !== source) return;
      if (kind === 'error' && !(mask & errorBits)) return;
      if (bit && !(mask & bit)) return;
      if (label >= 0) {
        const has = (flat, width) => spansOf(flat, width).some((span) => span.label === label);
        if (!has(sentence[4], 3) && !has(data.pred[m][i], 4)) return;
      }
      if (needle && sentence[0].toLowerCase() !== needle && !sentence[3].join(' ').toLowerCase().includes(needle)) return;
      matches.push(i);
    });
  }

  // a bracket of a span, coloured and titled by the span's error kind
  function bracket(span, text) {
    const element = document.createElement('span');
    const kind = span.kind || 'unknown';
    element.className = `br ${kind === 'exact' ? 'ok' : 'err'} kind-${kind} ${span.label === 0 ? 'sk' : 'kn'}`;
    element.textContent = text;
    element.title = `${data.labels[span.label]} ${span.start}–${span.end}: ${KIND_TITLES[kind] || kind}`;
    return element;
  }

  function layer(tokens, spans, name) {
    const row = document.createElement('div');
    row.className = 'layer';
    const title = document.createElement('span');
    title.className = 'layer-name';
    title.textContent = name;
    row.appendChild(title);
    const inside = tokens.map(() => 0);
    spans.forEach((span) => {
      for (let t = span.start; t < span.end && t < tokens.length; t++) inside[t] |= 1 << span.label;
    });
    tokens.forEach((token, t) => {
      spans
        .filter((span) => span.start === t)
        .sort((a, b) => b.end - a.end)
        .forEach((span) => row.appendChild(bracket(span, '[')));
      const element = document.createElement('span');
      element.className = `tok${inside[t] & 1 ? ' sk' : ''}${inside[t] & 2 ? ' kn' : ''}`;
      element.textContent = token;
      row.appendChild(element);
      spans
        .filter((span) => span.end === t + 1)
        .sort((a, b) => b.start - a.start)
        .forEach((span) => row.appendChild(bracket(span, ']')));
      row.appendChild(document.createTextNode(' '));
    });
    return row;
  }

  function render() {
    const m = Number(controls.method.value || 0);
    const pages = Math.max(1, Math.ceil(matches.length / PAGE));
    page = Math.min(Math.max(0, page), pages - 1);
    pageText.textContent = `page ${page + 1} of ${pages} (${matches.length} sentences)`;
    results.replaceChildren();
    for (const i of matches.slice(page * PAGE, page * PAGE + PAGE)) {
      const [id, doc, source, tokens, goldFlat] = data.sentences[i];
      const gold = spansOf(goldFlat, 3, data.goldKinds[m][i]);
      const pred = spansOf(data.pred[m][i], 4);
      const article = document.createElement('article');
      article.className = 'sentence';
      article.dataset.sentence = id;
      const head = document.createElement('header');
      head.textContent = `${id} · ${data.sources[source]} · document ${doc} `;
      data.kinds.forEach((kind, bit) => {
        if (!(data.mask[m][i] & (1 << bit))) return;
        const chip = document.createElement('span');
        chip.className = `chip kind-${kind}`;
        chip.textContent = kind.replace('_', ' + ');
        head.appendChild(chip);
      });
      article.appendChild(head);
      article.appendChild(layer(tokens, gold, 'gold'));
      article.appendChild(layer(tokens, pred, data.methods[m].label));
      const raw = data.raw[m][String(i)];
      if (raw !== undefined) {
        const pre = document.createElement('pre');
        pre.className = 'raw';
        pre.textContent = raw;
        article.appendChild(pre);
      }
      results.appendChild(article);
    }
    if (matches.length === 0) results.textContent = 'No sentence matches these filters.';
  }

  const update = () => {
    page = 0;
    filter();
    render();
  };
  for (const element of Object.values(controls)) element.addEventListener(element.tagName === 'INPUT' ? 'input' : 'change', update);
  $('ex-prev').addEventListener('click', () => {
    page--;
    render();
  });
  $('ex-next').addEventListener('click', () => {
    page++;
    render();
  });
  document.querySelectorAll('.sentence-link').forEach((button) => {
    button.addEventListener('click', () => {
      const m = data.methods.findIndex((method) => method.row === button.dataset.method);
      if (m >= 0) controls.method.value = String(m);
      controls.label.value = '';
      controls.source.value = '';
      controls.kind.value = 'all';
      controls.search.value = button.dataset.sentence;
      update();
      document.getElementById('explorer').scrollIntoView();
    });
  });
  update();
})();
