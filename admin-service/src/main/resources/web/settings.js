// Settings: the seed's groups, each saved on its own (only changed fields); secrets are write-only ([REDACTED] when set).
import { get, patch, post } from './api.js';
import { h, fill, field, errorBox, fieldError, clearErrors, flash } from './dom.js';
import { product } from './price.js';

export default function settings(root) {
  const holder = h('div.settings', h('div.card.loading', h('span.bar')), h('div.card.loading', h('span.bar')));
  root.append(holder);
  load();

  async function load() {
    let s, providers;
    try {
      [s, providers] = await Promise.all([get('/settings'), get('/providers').then(r => r.providers)]);
    } catch (e) {
      fill(holder, errorBox(e, load));
      return;
    }
    fill(holder, upstream(providers), identity(s), pricing(s), mints(s), lightning(s), nostr(s), security(s));
  }
}

function input(name, value, attrs = {}) {
  return h('input', { name, value: value ?? '', autocomplete: 'off', spellcheck: 'false', ...attrs });
}

/** A group saved with PATCH /settings: read() gives {field: value} of its inputs; only changed values are sent. */
function group(title, intro, fields, read, initial) {
  const status = h('div.flash', { role: 'status' });
  const save = h('button', { type: 'submit' }, 'Save');
  let base = JSON.stringify(read());
  const form = h('form.card.group', {
    'data-group': title, onsubmit: async ev => {
      ev.preventDefault();
      clearErrors(form);
      const now = read();
      const before = JSON.parse(base);
      const change = Object.fromEntries(Object.entries(now).filter(([k, v]) => JSON.stringify(v) !== JSON.stringify(before[k])));
      if (Object.keys(change).length === 0) { flash(status, 'Nothing changed.', 'muted'); return; }
      save.disabled = true;
      try {
        await patch('/settings', change);
        base = JSON.stringify(now);
        flash(status, 'Saved. Every service uses it within a second.');
      } catch (e) {
        if (!fieldError(form, e)) fill(status, errorBox(e));
      } finally {
        save.disabled = false;
      }
    }
  }, h('h2', title), intro ? h('p.muted', intro) : null, fields, h('div.actions', save, status));
  return form;
}

function upstream(providers) {
  const forms = providers.map(p => {
    const url = input('base_url', p.base_url, { type: 'url', required: true });
    const key = input('api_key', '', { type: 'password', placeholder: p.api_key ? '[REDACTED] (set; type to replace)' : 'not set' });
    const status = h('div.flash', { role: 'status' });
    const form = h('form.sub', { onsubmit: async ev => {
      ev.preventDefault();
      clearErrors(form);
      const change = { base_url: url.value.trim() };
      if (key.value) change.api_key = key.value;
      try {
        await patch('/providers/' + encodeURIComponent(p.slug), change);
        key.value = '';
        key.placeholder = '[REDACTED] (set; type to replace)';
        flash(status, 'Saved.');
      } catch (e) {
        if (!fieldError(form, e)) fill(status, errorBox(e));
      }
    } }, h('h3', p.slug), field('Base URL', url, 'e.g. https://api.openai.com/v1'), field('API key', key, 'Write-only: never shown again.'),
      h('div.actions', h('button', { type: 'submit' }, 'Save ' + p.slug), status));
    return form;
  });
  const slug = input('slug', '', { placeholder: 'openai', pattern: '[a-z0-9-]+' });
  const url = input('base_url', '', { type: 'url', placeholder: 'https://api.openai.com/v1' });
  const key = input('api_key', '', { type: 'password' });
  const status = h('div.flash', { role: 'status' });
  const add = h('form.sub', { onsubmit: async ev => {
    ev.preventDefault();
    clearErrors(add);
    try {
      const body = { slug: slug.value.trim(), base_url: url.value.trim() };
      if (key.value) body.api_key = key.value;
      await post('/providers', body);
      flash(status, 'Added. Import its models in the Models tab.');
      slug.value = url.value = key.value = '';
    } catch (e) {
      if (!fieldError(add, e)) fill(status, errorBox(e));
    }
  } }, h('h3', 'Add a provider'), h('div.row', field('Slug', slug), field('Base URL', url), field('API key', key)),
    h('div.actions', h('button.secondary', { type: 'submit' }, 'Add provider'), status));
  return h('section.card.group', { 'data-group': 'Upstream' }, h('h2', 'Upstream'),
    h('p.muted', 'Your AI providers. Keys are sealed at rest and never shown.'), forms, add);
}

function identity(s) {
  const f = { name: input('name', s.name), description: input('description', s.description),
              npub: input('npub', s.npub, { placeholder: 'npub1…' }), 'http-url': input('http-url', s['http-url'], { type: 'url' }),
              'onion-url': input('onion-url', s['onion-url'], { type: 'url' }) };
  return group('Node Identity', 'How clients and the Nostr directory see your node.',
    [field('Name', f.name), field('Description', f.description), field('Npub', f.npub),
     field('Public URL', f['http-url']), field('Onion URL', f['onion-url'])],
    () => Object.fromEntries(Object.entries(f).map(([k, i]) => [k, i.value.trim()])));
}

function pricing(s) {
  const fixed = h('input', { type: 'checkbox', name: 'fixed-pricing', checked: s['fixed-pricing'] });
  const cost = input('fixed-cost-sats', s['fixed-cost-sats'], { type: 'number', min: 1, step: 1 });
  const ex = input('exchange-fee', s['exchange-fee'], { inputmode: 'decimal' });
  const up = input('upstream-fee', s['upstream-fee'], { inputmode: 'decimal' });
  const maxTokens = input('default-max-tokens', s['default-max-tokens'], { type: 'number', min: 1, step: 1 });
  const child = input('child-key-cost-msat', s['child-key-cost-msat'], { type: 'number', min: 0, step: 1 });
  const example = h('p.example', { 'aria-live': 'polite' });
  const costField = field('Fixed cost (sats per request)', cost);
  const update = () => {
    const r = product('30', ex.value, up.value);
    fill(example, 'Example: upstream cost $30/1M tokens → your price ',
      h('strong', r ? `$30 × ${ex.value.trim()} × ${up.value.trim()} = $${r} per 1M` : 'enter both fees as numbers'));
    costField.classList.toggle('dim', !fixed.checked);
  };
  [ex, up, fixed].forEach(i => i.addEventListener('input', update));
  update();
  return group('Pricing', 'Prices are upstream cost × exchange fee × upstream fee, charged in msat at the current BTC rate.',
    [h('div.field.check', { 'data-field': 'fixed-pricing' }, h('label', fixed, ' Fixed pricing (a flat cost per request instead of per token)'),
      h('span.field-error')), costField,
     h('div.row', field('Exchange fee', ex, 'BTC volatility buffer, 1 to 10'), field('Upstream fee', up, 'Your margin, 1 to 10')),
     example, h('div.row', field('Default max tokens', maxTokens), field('Child key cost (msat)', child))],
    () => ({ 'fixed-pricing': fixed.checked, 'fixed-cost-sats': Number(cost.value), 'exchange-fee': ex.value.trim(),
             'upstream-fee': up.value.trim(), 'default-max-tokens': Number(maxTokens.value), 'child-key-cost-msat': Number(child.value) }));
}

function mints(s) {
  let list = [...s.mints];
  const ul = h('ul.mint-list');
  const add = input('new-mint', '', { type: 'url', placeholder: 'https://mint.example.com', 'aria-label': 'Mint URL to add' });
  const draw = () => fill(ul, list.length === 0 ? h('li.muted', 'No mints: clients cannot pay until you add one.') : list.map((u, i) => {
    const result = h('span.row-msg', { 'aria-live': 'polite' });
    return h('li', h('code', u), h('span.spacer'), result,
      h('button.secondary.small', { type: 'button', onclick: async () => {
        result.textContent = 'testing…';
        result.className = 'row-msg';
        try {
          const m = (await get('/overview')).mints.find(x => x.url === u);
          if (!m) { result.textContent = 'save the list first, then test'; return; }
          result.textContent = m.reachable ? `reachable, ${(m.keysets || []).length} keysets` : 'unreachable' + (m.error ? ': ' + m.error : '');
          result.className = 'row-msg ' + (m.reachable ? 'good' : 'bad');
        } catch (e) { result.textContent = e.message; result.className = 'row-msg bad'; }
      } }, 'Test'),
      h('button.danger.small', { type: 'button', 'aria-label': 'Remove ' + u, onclick: () => { list.splice(i, 1); draw(); } }, 'Remove'));
  }));
  draw();
  const addBtn = h('button.secondary', { type: 'button', onclick: () => {
    const u = add.value.trim().replace(/\/+$/, '');
    if (u && !list.includes(u)) { list.push(u); draw(); }
    add.value = '';
    add.focus();
  } }, 'Add mint');
  add.addEventListener('keydown', ev => { if (ev.key === 'Enter') { ev.preventDefault(); addBtn.click(); } });
  return group('Cashu Mints', 'The mints you accept eCash from. Changes apply when you save.',
    [ul, h('div.field.inline', { 'data-field': 'mints' }, add, addBtn, h('span.field-error'))], () => ({ mints: [...list] }));
}

function lightning(s) {
  const addr = input('lightning-address', s['lightning-address'], { type: 'email', placeholder: 'you@wallet.example' });
  return group('Lightning', 'Where profits can be paid out (Withdraw tab).', [field('Lightning address', addr)],
    () => ({ 'lightning-address': addr.value.trim() }));
}

function nostr(s) {
  const nsec = input('nostr-nsec', '', { type: 'password', placeholder: s['nostr-nsec'] ? '[REDACTED] (set; type to replace)' : 'not set' });
  const relays = h('textarea', { name: 'nostr-relays', rows: 3, spellcheck: 'false' }, (s['nostr-relays'] || []).join('\n'));
  return group('Nostr Discovery', 'Announce your node on Nostr relays.',
    [field('Nsec', nsec, 'Write-only: stored sealed, never shown.'), field('Relays (one per line, wss://)', relays)],
    () => {
      const out = { 'nostr-relays': relays.value.split(/\s+/).filter(Boolean) };
      if (nsec.value) out['nostr-nsec'] = nsec.value.trim();
      return out;
    });
}

function security(s) {
  const limits = { 'rate-limit-per-key': input('rate-limit-per-key', s['rate-limit-per-key'], { type: 'number', min: 0 }),
                   'rate-limit-per-ip': input('rate-limit-per-ip', s['rate-limit-per-ip'], { type: 'number', min: 0 }),
                   'rate-limit-window-seconds': input('rate-limit-window-seconds', s['rate-limit-window-seconds'], { type: 'number', min: 1 }) };
  const form = group('Security', 'Rate limits (0: none) and the admin password.',
    [h('div.row', field('Requests per key', limits['rate-limit-per-key']), field('Requests per IP', limits['rate-limit-per-ip']),
      field('Window (seconds)', limits['rate-limit-window-seconds']))],
    () => Object.fromEntries(Object.entries(limits).map(([k, i]) => [k, Number(i.value)])));
  const cur = input('current_password', '', { type: 'password', autocomplete: 'current-password' });
  const next = input('new_password', '', { type: 'password', autocomplete: 'new-password', minlength: 12 });
  const status = h('div.flash', { role: 'status' });
  const pw = h('form.card.group', { onsubmit: async ev => {
    ev.preventDefault();
    clearErrors(pw);
    try {
      await post('/auth/password', { current_password: cur.value, new_password: next.value });
      cur.value = next.value = '';
      flash(status, 'Password changed; other sessions were logged out.');
    } catch (e) {
      if (!fieldError(pw, e)) fill(status, errorBox(e));
    }
  } }, h('h2', 'Admin password'), h('div.row', field('Current password', cur), field('New password (12+ characters)', next)),
    h('div.actions', h('button.secondary', { type: 'submit' }, 'Change password'), status));
  return h('div.security', form, pw);
}
