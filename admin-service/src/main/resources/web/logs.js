// Logs: level, service, search, request id and time range filters; older pages by cursor; live tail (after=newest).
import { get } from './api.js';
import { h, fill, errorBox, skeletonRows } from './dom.js';

const LEVELS = ['error', 'warning', 'info', 'debug'];
const SERVICES = ['gateway', 'wallet-service', 'billing-service', 'admin-service', 'discovery-service'];

export default function logs(root, params) {
  const levels = LEVELS.map(l => h('label.chip', h('input', { type: 'checkbox', name: 'level', value: l, checked: l !== 'debug' }), ' ' + l));
  const service = h('select', { name: 'service', 'aria-label': 'Service' },
    h('option', { value: '' }, 'All services'), SERVICES.map(s => h('option', { value: s }, s)));
  const q = h('input', { type: 'search', name: 'q', placeholder: 'Search messages', 'aria-label': 'Search messages', value: params.get('q') || '' });
  const rid = h('input', { type: 'search', name: 'request_id', placeholder: 'Request id', 'aria-label': 'Request id',
                           value: params.get('request_id') || '', spellcheck: 'false' });
  const from = h('input', { type: 'datetime-local', name: 'from', 'aria-label': 'From (UTC)' });
  const to = h('input', { type: 'datetime-local', name: 'to', 'aria-label': 'To (UTC)' });
  const live = h('input', { type: 'checkbox', name: 'live' });
  const body = h('tbody', skeletonRows(5, 10));
  const more = h('div.pager');
  const status = h('p.muted.live-status', { 'aria-live': 'polite' }, '\u00a0');
  const form = h('form.card.filters', { onsubmit: ev => { ev.preventDefault(); load(); } },
    h('fieldset.levels', h('legend', 'Level'), levels), h('div.row', service, q, rid),
    h('div.row', h('label', 'From ', from), h('label', 'To ', to), h('label.chip', live, ' Live tail'),
      h('button', { type: 'submit' }, 'Apply')));
  root.append(form, status, h('div.table-wrap', h('table.logs.stack', h('thead', h('tr', h('th', 'Time (UTC)'), h('th', 'Level'),
    h('th', 'Service'), h('th', 'Message'), h('th', 'Request'))), body)), more);
  levels.forEach(l => l.querySelector('input').addEventListener('change', load));
  service.addEventListener('change', load);
  live.addEventListener('change', () => { tail(); status.textContent = live.checked ? 'Live: new records appear on top.' : '\u00a0'; });
  if (params.get('request_id')) levels.forEach(l => { l.querySelector('input').checked = true; });
  let newest = 0, timer = null, gen = 0;

  function query(extra) {
    const p = new URLSearchParams({ limit: 100, ...extra });
    const lv = levels.map(l => l.querySelector('input')).filter(i => i.checked).map(i => i.value);
    if (lv.length && lv.length < LEVELS.length) p.set('level', lv.join(','));
    for (const [k, el] of [['service', service], ['q', q], ['request_id', rid]]) if (el.value.trim()) p.set(k, el.value.trim());
    if (from.value) p.set('from', new Date(from.value + 'Z').toISOString());
    if (to.value) p.set('to', new Date(to.value + 'Z').toISOString());
    return '/logs?' + p;
  }

  function rows(list) {
    return list.map(r => h('tr.lvl-' + r.level, h('td.time', r.at.replace('T', ' ').slice(0, 19)), h('td', h('span.badge.' + r.level, r.level)),
      h('td', r.service), h('td.msg', r.message),
      h('td', r.request_id ? h('button.link.reqid', { type: 'button', title: r.request_id, onclick: () => { rid.value = r.request_id; load(); } },
        r.request_id.slice(0, 8)) : '')));
  }

  async function load() {
    const mine = ++gen;
    let d;
    try {
      d = await get(query({}));
    } catch (e) {
      fill(body, h('tr', h('td', { colspan: 5 }, errorBox(e, load))));
      return;
    }
    if (mine !== gen) return;
    newest = d.newest;
    fill(body, d.logs.length === 0 ? h('tr', h('td.muted', { colspan: 5 }, 'No log records match.')) : rows(d.logs));
    pager(d.next_before);
  }

  function pager(before) {
    fill(more, before ? h('button.secondary', { type: 'button', onclick: async () => {
      try {
        const d = await get(query({ before }));
        body.append(...rows(d.logs));
        pager(d.next_before);
      } catch (e) { fill(more, errorBox(e)); }
    } }, 'Older records') : null);
  }

  function tail() {
    clearInterval(timer);
    if (!live.checked) return;
    timer = setInterval(async () => {
      try {
        const d = await get(query({ after: newest }));
        if (d.logs.length) {
          if (body.querySelector('td.muted')) body.replaceChildren();
          body.prepend(...rows(d.logs));
          newest = d.newest;
        }
      } catch { clearInterval(timer); status.textContent = 'Live tail stopped (the request failed).'; }
    }, 2000);
  }

  load();
  return () => clearInterval(timer);
}
