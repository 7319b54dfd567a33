// Sessions: API keys by hash, searchable, sortable, paged; a details drawer with recent requests; revoke with confirm.
import { get, post } from './api.js';
import { h, fill, sats, int, when, short, errorBox, skeletonRows, confirmDialog, flash } from './dom.js';

const COLS = [['hashed_key', 'Hashed key'], ['balance', 'Balance', true], ['spent', 'Spent', true], ['requests', 'Requests', true],
              ['created', 'Created', true], ['expires', 'Expires'], ['status', 'Status'], ['actions', '']];
const PAGE = 25;
const state = { search: '', status: '', sort: 'created', order: 'desc', offset: 0 };

export default function sessions(root) {
  const search = h('input', { type: 'search', name: 'search', placeholder: 'Key hash prefix (hex)', value: state.search,
                              'aria-label': 'Search by key hash', autocomplete: 'off', spellcheck: 'false' });
  const status = h('select', { name: 'status', 'aria-label': 'Status' },
    [['', 'Any status'], ['active', 'Active'], ['expired', 'Expired'], ['revoked', 'Revoked']]
      .map(([v, l]) => h('option', { value: v, selected: v === state.status }, l)));
  const head = h('tr');
  const body = h('tbody', skeletonRows(COLS.length, 8));
  const pager = h('div.pager');
  const totals = h('p.totals.muted', '\u00a0');
  const note = h('div.flash', { role: 'status' });
  const drawer = h('aside.drawer', { 'aria-label': 'Session details', hidden: true, tabindex: '-1' });
  let timer;
  search.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => { state.search = search.value.trim().toLowerCase(); state.offset = 0; load(); }, 250);
  });
  status.addEventListener('change', () => { state.status = status.value; state.offset = 0; load(); });
  root.append(h('div.toolbar', search, status), totals, note,
    h('div.table-wrap', h('table.sessions.stack', h('thead', head), body)), pager, drawer);

  function headers() {
    fill(head, COLS.map(([id, label, sortable]) => {
      if (!sortable) return h('th', { scope: 'col', class: ['balance', 'spent', 'requests'].includes(id) ? 'num' : null }, label);
      const active = state.sort === id;
      return h('th', { scope: 'col', 'aria-sort': active ? (state.order === 'asc' ? 'ascending' : 'descending') : 'none',
                       class: id === 'created' ? null : 'num' },
        h('button.sort', { type: 'button', onclick: () => {
          state.order = active && state.order === 'desc' ? 'asc' : 'desc';
          state.sort = id;
          state.offset = 0;
          headers();
          load();
        } }, label, h('span.arrow', { 'aria-hidden': 'true' }, active ? (state.order === 'asc' ? ' ▲' : ' ▼') : ' ↕')));
    }));
  }

  async function load() {
    const q = new URLSearchParams({ sort: state.sort, order: state.order, limit: PAGE, offset: state.offset });
    if (state.search) q.set('search', state.search);
    if (state.status) q.set('status', state.status);
    let d;
    try {
      d = await get('/sessions?' + q);
    } catch (e) {
      fill(body, h('tr', h('td', { colspan: COLS.length }, errorBox(e, load))));
      return;
    }
    fill(totals, `${int(d.total)} keys · ${sats(d.totals.balance_msat)} held · ${sats(d.totals.spent_msat)} spent · `
      + `${int(d.totals.requests)} requests`);
    fill(body, d.sessions.length === 0 ? h('tr', h('td.muted', { colspan: COLS.length }, 'No API keys match.'))
      : d.sessions.map(s => h('tr', { 'data-hash': s.hashed_key },
        h('td', h('code', { title: s.hashed_key }, short(s.hashed_key, 16))),
        h('td.num', sats(s.balance_msat)), h('td.num', sats(s.spent_msat)), h('td.num', int(s.requests)),
        h('td', when(s.created_at)), h('td', when(s.expires_at || s.valid_until)),
        h('td', h('span.badge.' + s.status, s.status)),
        h('td.actions', h('button.secondary.small', { type: 'button', onclick: ev => details(s.hashed_key, ev.currentTarget) }, 'Details'),
          s.status === 'revoked' ? null : h('button.danger.small', { type: 'button', onclick: () => revoke(s) }, 'Revoke')))));
    const last = Math.min(d.offset + d.sessions.length, d.total);
    fill(pager, h('span', d.total ? `${int(d.offset + 1)}–${int(last)} of ${int(d.total)}` : '0 of 0'),
      h('button.secondary', { type: 'button', disabled: d.offset === 0, onclick: () => { state.offset = Math.max(0, d.offset - PAGE); load(); } }, '← Previous'),
      h('button.secondary', { type: 'button', disabled: last >= d.total, onclick: () => { state.offset = d.offset + PAGE; load(); } }, 'Next →'));
  }

  async function revoke(s) {
    const ok = await confirmDialog('Revoke this API key?', `Key ${short(s.hashed_key, 16)} stops working at once on every gateway. `
      + `Its remaining balance (${sats(s.balance_msat - s.reserved_msat)}) goes to your balance.`, 'Revoke key');
    if (!ok) return;
    try {
      const r = await post('/sessions/' + s.hashed_key + '/revoke');
      flash(note, `Revoked ${short(s.hashed_key, 16)}; ${sats(r.forfeited_msat)} moved to your balance.`);
      load();
      if (!drawer.hidden && drawer.dataset.hash === s.hashed_key) details(s.hashed_key);
    } catch (e) {
      fill(note, errorBox(e));
    }
  }

  let opener = null;
  function close() {
    drawer.hidden = true;
    opener?.focus();
  }
  drawer.addEventListener('keydown', ev => { if (ev.key === 'Escape') close(); });

  async function details(hash, from) {
    if (from) opener = from;
    drawer.dataset.hash = hash;
    drawer.hidden = false;
    const closeBtn = h('button.secondary.small.close', { type: 'button', onclick: close, 'aria-label': 'Close details' }, '✕');
    fill(drawer, h('div.drawer-head', h('h2', 'API key'), closeBtn), h('div.drawer-body', h('p', h('span.bar'))));
    closeBtn.focus();
    let d;
    try {
      d = await get('/sessions/' + hash + '?recent=20');
    } catch (e) {
      drawer.querySelector('.drawer-body').replaceChildren(errorBox(e, () => details(hash)));
      return;
    }
    const rows = [['Hashed key', h('code.wrap', d.hashed_key)], ['Status', h('span.badge.' + d.status, d.status)],
      ['Balance', sats(d.balance_msat)], ['Reserved (in flight)', sats(d.reserved_msat)], ['Spent', sats(d.spent_msat)],
      ['Requests', int(d.requests)], ['Created', when(d.created_at)], ['Expires', when(d.expires_at || d.valid_until)],
      ['Parent key', d.parent_key_hash ? h('code.wrap', d.parent_key_hash) : '—'],
      ['Spending limit', d.spending_limit_msat == null ? '—' : sats(d.spending_limit_msat) + (d.limit_reset ? ' per ' + d.limit_reset : '')],
      ['Refund address', d.refund_address || '—']];
    drawer.querySelector('.drawer-body').replaceChildren(
      h('dl.kv', rows.map(([k, v]) => [h('dt', k), h('dd', v)])),
      d.status === 'revoked' ? null : h('button.danger', { type: 'button', onclick: () => revoke(d) }, 'Revoke this key'),
      h('h3', 'Recent requests'),
      d.recent_requests.length === 0 ? h('p.muted', 'No requests yet.') : h('div.table-wrap', h('table.recent',
        h('thead', h('tr', h('th', 'Request'), h('th', 'Model'), h('th.num', 'Tokens in/out'), h('th', 'Status'), h('th.num', 'Cost'),
          h('th', 'At (UTC)'))),
        h('tbody', d.recent_requests.map(r => h('tr',
          h('td', h('a.reqid', { href: '#/logs?request_id=' + encodeURIComponent(r.request_id), title: 'Logs of request ' + r.request_id },
            short(r.request_id, 8))),
          h('td', r.model || '—'),
          h('td.num', r.input_tokens == null ? '—' : `${int(r.input_tokens)} / ${int(r.output_tokens)}`),
          h('td', r.status + (r.http_status ? ' · ' + r.http_status : '')),
          h('td.num', r.cost_msat == null ? 'reserved ' + sats(r.reserved_msat) : sats(r.cost_msat)),
          h('td', (r.created_at || '').slice(5, 16).replace('T', ' '))))))));
  }

  headers();
  load();
  return () => clearTimeout(timer);
}
