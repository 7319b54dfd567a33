// Withdraw: a Cashu token of a chosen mint and amount (bounded by Your Balance) with copy button and QR code; the
// Lightning-address payout; the history.
import { get, post } from './api.js';
import { h, fill, sats, int, when, short, errorBox, flash, confirmDialog } from './dom.js';

export default function withdraw(root) {
  const balance = h('div.card.figure.profit.loading', h('h2', 'Your Balance'), h('p.big', h('span.bar')), h('p.exact', h('span.bar')));
  const mint = h('select', { name: 'mint_url', 'aria-label': 'Mint', required: true });
  const amount = h('input', { type: 'number', name: 'amount', min: 1, step: 1, required: true, inputmode: 'numeric' });
  const max = h('span.hint');
  const status = h('div.form-status', { 'aria-live': 'assertive' });
  const result = h('div.token-result', { hidden: true });
  const button = h('button', { type: 'submit' }, 'Generate token');
  const history = h('tbody');
  let your = 0, perMint = {};
  const form = h('form.card.group', { onsubmit: async ev => {
    ev.preventDefault();
    fill(status);
    const n = Number(amount.value);
    if (!Number.isInteger(n) || n < 1) { fill(status, h('div.error', 'Enter a whole number of sats above 0.')); return; }
    if (n * 1000 > your) { fill(status, h('div.error', `That is more than Your Balance (${sats(your)}).`)); return; }
    const ok = await confirmDialog('Withdraw ' + int(n) + ' sats?', `A Cashu token of ${mint.value} for ${int(n)} sats is created now. `
      + 'Anyone holding the token can spend it: keep it safe.', 'Create token');
    if (!ok) return;
    button.disabled = true;
    try {
      const r = await post('/withdraw', { amount: n, unit: 'sat', mint_url: mint.value });
      show(r);
      load();
    } catch (e) {
      fill(status, errorBox(e));
    } finally {
      button.disabled = false;
    }
  } }, h('h2', 'Withdraw as a Cashu token'),
    h('ol.steps', h('li', 'Choose the mint and the amount.'), h('li', 'Generate the token.'),
      h('li', 'Paste it into your Cashu wallet (or scan the QR code) and melt it to Lightning.')),
    h('div.row', h('div.field', h('label', { for: 'w-mint' }, 'Mint'), Object.assign(mint, { id: 'w-mint' })),
      h('div.field', h('label', { for: 'w-amount' }, 'Amount (sats)'), Object.assign(amount, { id: 'w-amount' }), max)),
    h('div.actions', button, h('button.secondary', { type: 'button', onclick: () => { amount.value = Math.floor(limit() / 1000); } }, 'Max')),
    status, result);

  const lnDest = h('input#w-ln', { type: 'text', name: 'destination', disabled: true, autocomplete: 'off', spellcheck: 'false',
                                   placeholder: 'you@wallet.example or lnbc…' });
  const lnAmount = h('input#w-ln-amt', { type: 'number', name: 'amount', min: 1, step: 1, disabled: true });
  const lnButton = h('button', { type: 'submit', disabled: true }, 'Pay');
  const lnNote = h('p.notice', 'Checking whether this node can pay out over Lightning…');
  const lnStatus = h('div.form-status', { 'aria-live': 'assertive' });
  let lnKey = null;   // one idempotency key per intended payment: a repeated click never pays twice
  const ln = h('form.card.group.lightning', { onsubmit: async ev => {
    ev.preventDefault();
    fill(lnStatus);
    const body = { destination: lnDest.value.trim(), mint_url: mint.value || undefined };
    if (lnAmount.value) body.amount = Number(lnAmount.value);
    const ok = await confirmDialog('Pay ' + (body.amount ? int(body.amount) + ' sats' : 'this invoice') + '?',
      `The node melts eCash of ${mint.value} and pays ${body.destination}. The mint's Lightning fee comes on top.`, 'Pay');
    if (!ok) return;
    lnKey = lnKey || (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random().toString(16).slice(2));
    lnButton.disabled = true;
    try {
      const r = await post('/withdraw/lightning', { ...body, idempotency_key: lnKey });
      lnKey = null;
      fill(lnStatus, h(r.state === 'paid' ? 'div.notice.done' : 'div.notice', r.state === 'paid' ? `Paid ${int(r.amount)} sats to ${r.destination} (fee ${int(r.fee)} sat${r.fee === 1 ? "" : "s"}).`
        : `Payment ${r.state}: the wallet settles it shortly; see the history.`));
      load();
    } catch (e) {
      fill(lnStatus, errorBox(e));
    } finally {
      lnButton.disabled = false;
    }
  } }, h('h2', 'Pay to a Lightning address'), lnNote,
    h('div.row', h('div.field', h('label', { for: 'w-ln' }, 'Lightning address or invoice'), lnDest),
      h('div.field', h('label', { for: 'w-ln-amt' }, 'Amount (sats)'), lnAmount, h('span.hint', 'Leave empty for an invoice with an amount.'))),
    h('div.actions', lnButton), lnStatus);

  /** The Lightning payout needs the API's POST /withdraw/lightning; older nodes lack it and the form says so. */
  async function lightningAvailable() {
    try {
      await get('/withdraw/lightning');
      return true;
    } catch (e) {
      if (e.status === 404 || e.status === 405) return false;
      throw e;
    }
  }

  root.append(h('div.withdraw-grid', h('div', balance, form), ln),
    h('h2.section', 'History'),
    h('div.table-wrap', h('table.history.stack', h('thead', h('tr', h('th', 'Created'), h('th.num', 'Amount'), h('th', 'Mint'),
      h('th', 'State'), h('th', 'Token or destination'))), history)));

  function limit() {
    const m = perMint[mint.value];
    return Math.max(0, Math.min(your, m == null ? your : m));
  }

  function show(r) {
    const text = h('textarea.token', { readonly: true, rows: 4, 'aria-label': 'Cashu token', spellcheck: 'false' }, r.token);
    const copied = h('span.row-msg', { 'aria-live': 'polite' });
    const qr = h('div.qr', { role: 'img', 'aria-label': 'QR code of the token' });
    fill(result, h('h3', `Token for ${int(r.amount)} ${r.unit} from ${r.mint_url}`), text,
      h('div.actions', h('button', { type: 'button', onclick: async () => {
        try {
          await navigator.clipboard.writeText(r.token);
        } catch {
          text.select();
          document.execCommand('copy');
        }
        copied.textContent = 'Copied';
      } }, 'Copy token'), copied), qr);
    result.hidden = false;
    if (window.QRCode) {
      try {
        new window.QRCode(qr, { text: r.token, width: 256, height: 256, correctLevel: window.QRCode.CorrectLevel.L });
      } catch (e) {
        fill(qr, h('p.muted', 'The token is too long for a QR code (' + e.message + '); copy it instead.'));
      }
    } else {
      fill(qr, h('p.muted', 'The QR code library did not load; copy the token instead.'));
    }
    text.focus();
    text.select();
  }

  async function load() {
    let o, w, s, lnOk;
    try {
      [o, w, s, lnOk] = await Promise.all([get('/overview'), get('/withdraw'), get('/settings'), lightningAvailable()]);
    } catch (e) {
      fill(status, errorBox(e, load));
      return;
    }
    your = o.your_balance_msat;
    perMint = Object.fromEntries(o.mints.map(m => [m.url, (m.balances.sat || 0) * 1000 + (m.balances.msat || 0)]));
    fill(balance, h('h2', 'Your Balance'), h('p.big', int(Math.trunc(your / 1000)), h('small', ' sats')), h('p.exact', int(your) + ' msat'),
      h('p.hint', 'Total Wallet ' + sats(o.total_wallet_msat) + ' − User Balances ' + sats(o.user_balances_msat)));
    balance.classList.remove('loading');
    const chosen = mint.value;
    fill(mint, o.mints.length === 0 ? h('option', { value: '' }, 'no mint configured')
      : o.mints.map(m => h('option', { value: m.url, selected: m.url === chosen }, `${m.url} (${int(m.balances.sat || 0)} sat)`)));
    amount.max = String(Math.floor(limit() / 1000));
    max.textContent = `At most ${int(Math.floor(limit() / 1000))} sats from this mint.`;
    if (!lnDest.value) lnDest.value = s['lightning-address'] || '';
    [lnDest, lnAmount, lnButton].forEach(el => { el.disabled = !lnOk; });
    ln.classList.toggle('unavailable', !lnOk);
    fill(lnNote, lnOk ? 'Pays your profit to a Lightning address, LNURL or invoice (a melt at the mint).'
      : 'Not available on this node: its admin API has no Lightning payout (POST /admin/api/withdraw/lightning). '
        + 'Generate a token instead and melt it in your wallet.');
    lnNote.className = lnOk ? 'muted' : 'notice';
    fill(history, w.withdrawals.length === 0 ? h('tr', h('td.muted', { colspan: 5 }, 'No withdrawals yet.'))
      : w.withdrawals.map(x => h('tr', h('td', when(x.created_at)),
        h('td.num', int(x.amount) + ' ' + x.unit + (x.fee ? ` + ${int(x.fee)} fee` : '')), h('td.url', x.mint_url),
        h('td', h('span.badge.' + x.state, x.state)),
        h('td', x.token ? h('code', { title: 'token' }, short(x.token, 18)) : x.destination ? h('span.url', '⚡ ' + short(x.destination, 24)) : '—'))));
  }

  mint.addEventListener('change', () => {
    amount.max = String(Math.floor(limit() / 1000));
    max.textContent = `At most ${int(Math.floor(limit() / 1000))} sats from this mint.`;
  });
  load();
}
