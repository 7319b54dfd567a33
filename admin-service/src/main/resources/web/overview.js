// Overview: the three wallet figures (sats, exact msat), the mints, usage charts with a range picker, top models.
import { get } from './api.js';
import { h, fill, sats, msat, int, errorBox } from './dom.js';
import { barChart } from './chart.js';

const RANGES = [['24h', '24 hours', '24h'], ['7d', '7 days', '7d'], ['30d', '30 days', '30d'], ['90d', '90 days', '90d'], ['365d', '1 year', '1y']];
let range = '24h';

export default function overview(root) {
  const figures = h('div.figures', ['Total Wallet', 'User Balances', 'Your Balance'].map(t =>
    h('div.card.figure.loading', h('h2', t), h('p.big', h('span.bar')), h('p.exact', h('span.bar')))));
  const mints = h('div.mints', h('div.card.mint.loading', h('span.bar')));
  const picker = h('div.segmented', { role: 'group', 'aria-label': 'Time range' });
  const charts = h('div.charts', [0, 1, 2].map(() => h('figure.chart-box.loading', h('span.bar'))));
  const top = h('tbody');
  const walletNote = h('div');
  root.append(walletNote, figures, h('h2.section', 'Mints'), mints,
    h('div.section-head', h('h2.section', 'Usage'), picker), charts,
    h('h2.section', 'Top models'),
    h('div.table-wrap', h('table.stack.top', h('thead', h('tr', h('th', 'Model'), h('th.num', 'Requests'), h('th.num', 'Input tokens'),
      h('th.num', 'Output tokens'), h('th.num', 'Revenue'))), top)));
  let alive = true;

  function pickerButtons() {
    fill(picker, RANGES.map(([id, label, text]) => h('button', {
      type: 'button', 'aria-pressed': String(id === range), 'aria-label': label, title: label,
      onclick: () => { range = id; pickerButtons(); load(); }
    }, text)));
  }

  async function load() {
    let d;
    try {
      d = await get('/overview?range=' + range);
    } catch (e) {
      if (alive) fill(walletNote, errorBox(e, load));
      return;
    }
    if (!alive) return;
    fill(walletNote, d.wallet_error ? h('div.error', { role: 'alert' }, 'The wallet did not answer: ' + d.wallet_error) : null);
    const vals = [d.total_wallet_msat, d.user_balances_msat, d.your_balance_msat];
    const hints = ['All eCash the node holds', 'Funds of active API keys', 'Your profit: total − user balances'];
    fill(figures, vals.map((v, i) => h('div.card.figure' + (i === 2 ? '.profit' : ''),
      h('h2', ['Total Wallet', 'User Balances', 'Your Balance'][i]),
      h('p.big', { 'data-msat': v }, sats(Math.trunc(v / 1000) * 1000).replace(' sats', ''), h('small', ' sats')),
      h('p.exact', msat(v)), h('p.hint', hints[i]))));
    fill(mints, d.mints.length === 0 ? h('p.muted.card', 'No mints configured. Add one in Settings → Cashu Mints.')
      : d.mints.map(m => h('div.card.mint',
        h('div.mint-head', h('span.dot' + (m.reachable ? '.up' : '.down'), { 'aria-hidden': 'true' }),
          h('span.url', m.url), h('span.badge' + (m.reachable ? '.ok' : '.bad'), m.reachable ? 'online' : 'unreachable')),
        h('dl', Object.keys(m.balances || {}).length === 0 ? [h('dt', 'Balance'), h('dd', '0')]
          : Object.entries(m.balances).map(([unit, v]) => [h('dt', 'Balance (' + unit + ')'), h('dd', int(v) + ' ' + unit)]),
          h('dt', 'Keysets'), h('dd', String((m.keysets || []).length))),
        m.error ? h('p.hint', m.error) : null)));
    const buckets = series(d);
    fill(charts,
      barChart('Requests', buckets.map(b => ({ label: b.label, title: b.title, value: b.requests })), v => int(Math.round(v)),
        v => Number.isInteger(v) ? int(v) : v.toFixed(1)),
      barChart('Tokens (input + output)', buckets.map(b => ({ label: b.label, title: b.title, value: b.tokens })), compact),
      barChart('Revenue (sats)', buckets.map(b => ({ label: b.label, title: b.title, value: b.revenue / 1000 })),
        v => v > 0 && v < 10 ? v.toFixed(v % 1 ? 1 : 0) : int(Math.round(v))));
    fill(top, d.top_models.length === 0 ? h('tr', h('td.muted', { colspan: 5 }, 'No paid requests in this range yet.'))
      : d.top_models.map(m => h('tr', h('td', m.model), h('td.num', int(m.requests)), h('td.num', int(m.input_tokens)),
        h('td.num', int(m.output_tokens)), h('td.num', sats(m.revenue_msat)))));
  }

  pickerButtons();
  load();
  const timer = setInterval(load, 30000);
  return () => { alive = false; clearInterval(timer); };
}

function compact(v) {
  return v >= 1e6 ? (v / 1e6).toFixed(1) + 'M' : v >= 1e3 ? (v / 1e3).toFixed(1) + 'k' : String(Math.round(v));
}

/** Every bucket of the range, empty ones included (the API lists only buckets with data). */
function series(d) {
  const hour = d.bucket === 'hour';
  const step = hour ? 3600e3 : 86400e3;
  const days = { '24h': 1, '7d': 7, '30d': 30, '90d': 90, '365d': 365 }[d.range];
  const now = Date.now();
  const end = Math.floor(now / step) * step;
  const n = hour ? days * 24 : days;
  const byT = new Map(d.series.map(p => [Math.floor(Date.parse(p.t) / step) * step, p]));
  const out = [];
  for (let t = end - (n - 1) * step; t <= end; t += step) {
    const p = byT.get(t) || {};
    const iso = new Date(t).toISOString();
    out.push({ label: hour ? iso.slice(11, 16) : iso.slice(5, 10), title: iso.slice(0, hour ? 16 : 10).replace('T', ' '),
               requests: p.requests || 0, tokens: (p.input_tokens || 0) + (p.output_tokens || 0), revenue: p.revenue_msat || 0 });
  }
  return out;
}
