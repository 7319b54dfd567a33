// Models: inline enable/disable, price and alias edit, the custom flag; import from a provider or a catalog file;
// providers with test connection.
import { get, patch, post } from './api.js';
import { h, fill, int, errorBox, skeletonRows, flash } from './dom.js';

export default function models(root) {
  const filter = h('input', { type: 'search', placeholder: 'Filter models', 'aria-label': 'Filter models', autocomplete: 'off' });
  const body = h('tbody', skeletonRows(7, 6));
  const note = h('div.flash', { role: 'status' });
  const providers = h('tbody', skeletonRows(6, 2));
  const importBox = h('div.card.import');
  root.append(h('div.toolbar', filter), note,
    h('div.table-wrap', h('table.models.stack', h('thead', h('tr', h('th', 'Model ID'), h('th', 'Provider'), h('th', 'Enabled'),
      h('th.num', 'Input $/1M'), h('th.num', 'Output $/1M'), h('th', 'Aliases'), h('th', 'Custom'))), body)),
    h('h2.section', 'Import'), importBox,
    h('h2.section', 'Providers'),
    h('div.table-wrap', h('table.providers.stack', h('thead', h('tr', h('th', 'Provider'), h('th', 'Base URL'), h('th', 'API key'),
      h('th', 'Enabled'), h('th.num', 'Models'), h('th', 'Connection'))), providers)));
  let all = [];
  filter.addEventListener('input', draw);

  function row(m) {
    const enabled = h('input', { type: 'checkbox', checked: m.enabled, 'aria-label': 'Enabled: ' + m.id });
    const input = h('input.price', { type: 'text', inputmode: 'decimal', value: m.input_usd_per_m, 'aria-label': 'Input price of ' + m.id, name: 'input_usd_per_m' });
    const output = h('input.price', { type: 'text', inputmode: 'decimal', value: m.output_usd_per_m, 'aria-label': 'Output price of ' + m.id, name: 'output_usd_per_m' });
    const aliases = h('input.aliases', { type: 'text', value: m.aliases.join(', '), placeholder: 'none', 'aria-label': 'Aliases of ' + m.id, name: 'aliases' });
    const save = h('button.small', { type: 'button', disabled: true }, 'Save');
    const msg = h('span.row-msg', { 'aria-live': 'polite' });
    const tr = h('tr', { 'data-model': m.id, 'data-provider': m.provider },
      h('td', h('code', m.id)), h('td', m.provider), h('td', h('label.switch', enabled, h('span', m.enabled ? 'on' : 'off'))),
      h('td.num', input), h('td.num', output), h('td', aliases),
      h('td', h('span.cell', h('span.badge' + (m.custom ? '.custom' : ''), m.custom ? 'custom' : 'upstream'), ' ', save, msg)));
    const dirty = () => { save.disabled = false; };
    [input, output, aliases].forEach(i => i.addEventListener('input', dirty));
    [input, output, aliases].forEach(i => i.addEventListener('keydown', ev => { if (ev.key === 'Enter') save.click(); }));
    async function send(change) {
      msg.textContent = 'saving…';
      msg.className = 'row-msg';
      try {
        const r = await patch(`/models/${encodeURIComponent(m.provider)}/${m.id.split('/').map(encodeURIComponent).join('/')}`, change);
        Object.assign(m, r);
        const fresh = row(m);
        tr.replaceWith(fresh);
        fresh.querySelector('.row-msg').textContent = 'saved';
        return fresh;
      } catch (e) {
        msg.textContent = e.message;
        msg.className = 'row-msg bad';
        return null;
      }
    }
    enabled.addEventListener('change', async () => {
      const fresh = await send({ enabled: enabled.checked });
      fresh?.querySelector('input[type=checkbox]').focus();
      if (!fresh) enabled.checked = !enabled.checked;
    });
    save.addEventListener('click', () => send({ input_usd_per_m: input.value.trim(), output_usd_per_m: output.value.trim(),
      aliases: aliases.value.split(',').map(a => a.trim()).filter(Boolean) }));
    return tr;
  }

  function draw() {
    const f = filter.value.trim().toLowerCase();
    const shown = all.filter(m => !f || m.id.toLowerCase().includes(f) || m.aliases.some(a => a.toLowerCase().includes(f)));
    fill(body, shown.length === 0 ? h('tr', h('td.muted', { colspan: 7 }, all.length ? 'No model matches.' : 'No models yet: import them below.'))
      : shown.map(row));
  }

  async function load() {
    try {
      all = (await get('/models')).models;
      draw();
    } catch (e) {
      fill(body, h('tr', h('td', { colspan: 7 }, errorBox(e, load))));
    }
  }

  async function loadProviders() {
    let list;
    try {
      list = (await get('/providers')).providers;
    } catch (e) {
      fill(providers, h('tr', h('td', { colspan: 6 }, errorBox(e, loadProviders))));
      return;
    }
    fill(providers, list.map(p => {
      const result = h('span.row-msg', { 'aria-live': 'polite' });
      return h('tr', { 'data-provider': p.slug }, h('td', h('code', p.slug)), h('td.url', p.base_url),
        h('td', p.api_key ? h('span.secret', p.api_key) : h('span.muted', 'none')), h('td', p.enabled ? 'yes' : 'no'),
        h('td.num', int(p.models)),
        h('td', h('button.secondary.small', { type: 'button', onclick: async ev => {
          ev.currentTarget.disabled = true;
          result.textContent = 'testing…';
          result.className = 'row-msg';
          try {
            const r = await post(`/providers/${encodeURIComponent(p.slug)}/test`);
            result.textContent = r.ok ? `ok: ${r.model_count} models` : 'failed: ' + r.error;
            result.className = 'row-msg ' + (r.ok ? 'good' : 'bad');
          } catch (e) {
            result.textContent = e.message;
            result.className = 'row-msg bad';
          }
          ev.target.disabled = false;
        } }, 'Test connection'), ' ', result));
    }));
    if (!importBox.hasChildNodes()) importForm(list);
  }

  function importForm(list) {
    const provider = h('select', { 'aria-label': 'Provider to import into' }, list.map(p => h('option', { value: p.slug }, p.slug)));
    const file = h('input', { type: 'file', accept: '.json,application/json', 'aria-label': 'Catalog file (JSON)' });
    const status = h('div.flash', { role: 'status' });
    async function run(body) {
      flash(status, 'importing…', 'muted');
      try {
        const r = await post(`/providers/${encodeURIComponent(provider.value)}/import`, body);
        flash(status, `Imported ${int(r.imported)} new of ${int(r.seen)} models.`);
        load();
        loadProviders();
      } catch (e) {
        fill(status, errorBox(e));
      }
    }
    fill(importBox, h('div.import-row', h('label', 'Provider ', provider),
      h('button', { type: 'button', onclick: () => run(undefined) }, 'Import from upstream'),
      h('span.or', 'or'), h('label.file', 'Catalog file ', file),
      h('button.secondary', { type: 'button', onclick: async () => {
        if (!file.files[0]) { flash(status, 'Choose a catalog file (OpenRouter-style JSON with a "data" list) first.', 'bad'); return; }
        let catalog;
        try { catalog = JSON.parse(await file.files[0].text()); } catch (e) { flash(status, 'That file is not JSON: ' + e.message, 'bad'); return; }
        run({ catalog });
      } }, 'Import file')), status);
  }

  load();
  loadProviders();
}
