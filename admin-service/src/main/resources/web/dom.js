// Small DOM and formatting helpers shared by every tab (no framework).

/** Creates an element: h('div.card#id', {onclick, class, ...attrs}, ...children). Strings become text nodes. */
export function h(tag, attrs, ...children) {
  const [, name, rest] = tag.match(/^([a-z0-9]+)(.*)$/i);
  const el = document.createElement(name);
  for (const part of rest.match(/[.#][^.#]+/g) || []) {
    if (part[0] === '.') el.classList.add(part.slice(1)); else el.id = part.slice(1);
  }
  if (attrs && (typeof attrs !== 'object' || attrs instanceof Node || Array.isArray(attrs))) {
    children.unshift(attrs);
    attrs = null;
  }
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className += (el.className ? ' ' : '') + v;
    else if (k === 'value') el.value = v;
    else if (k === 'checked') el.checked = !!v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Replaces the children of el. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

const INT = new Intl.NumberFormat('en-US');

export function int(n) {
  return INT.format(Number(n || 0));
}

/** Sats with the exact msat remainder when there is one: "1,234 sats" or "1,234.567 sats". */
export function sats(msat) {
  const m = BigInt(msat || 0);
  const neg = m < 0n;
  const a = neg ? -m : m;
  const whole = INT.format(a / 1000n);
  const frac = a % 1000n;
  return (neg ? '−' : '') + whole + (frac ? '.' + String(frac).padStart(3, '0') : '') + ' sats';
}

export function msat(m) {
  return INT.format(Number(m || 0)) + ' msat';
}

export function when(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return d.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
}

export function short(hash, n = 12) {
  return hash && hash.length > n ? hash.slice(0, n) + '…' : hash || '';
}

/** An error shown in place: the API's message and, when the API names one, the field. */
export function errorBox(e, retry) {
  return h('div.error', { role: 'alert' },
    h('strong', 'Something went wrong. '), e.message || String(e),
    retry ? [' ', h('button.link', { type: 'button', onclick: retry }, 'Try again')] : null);
}

/** Skeleton rows for a table body while it loads (fixed height, no jump). */
export function skeletonRows(cols, rows = 5) {
  return Array.from({ length: rows }, () => h('tr.skeleton', Array.from({ length: cols }, () => h('td', h('span.bar')))));
}

/** A labelled form field; the input gets an id and the hint/error slot a matching aria-describedby. */
let seq = 0;
export function field(label, input, hint) {
  const id = input.id || ('f' + (++seq));
  input.id = id;
  const err = h('span.field-error', { id: id + '-err', 'aria-live': 'polite' });
  input.setAttribute('aria-describedby', id + '-err');
  return h('div.field', { 'data-field': input.name || '' }, h('label', { for: id }, label), input,
    hint ? h('span.hint', hint) : null, err);
}

/** Shows an API error next to the field it names (detail.field), else returns false. */
export function fieldError(root, e) {
  const name = e.detail && e.detail.field;
  const slot = name && root.querySelector(`[data-field="${CSS.escape(name)}"] .field-error`);
  if (!slot) return false;
  slot.textContent = e.message;
  slot.closest('.field').classList.add('invalid');
  return true;
}

export function clearErrors(root) {
  root.querySelectorAll('.field-error').forEach(s => { s.textContent = ''; });
  root.querySelectorAll('.field.invalid').forEach(f => f.classList.remove('invalid'));
}

/** A modal confirmation (native dialog: focus trapped, Esc cancels); resolves true on confirm. */
export function confirmDialog(title, body, action) {
  return new Promise(resolve => {
    const dlg = h('dialog.confirm', { 'aria-labelledby': 'dlg-title' },
      h('h2#dlg-title', title), h('p', body),
      h('div.actions',
        h('button.secondary', { type: 'button', onclick: () => dlg.close('cancel') }, 'Cancel'),
        h('button.danger', { type: 'button', onclick: () => dlg.close('ok') }, action)));
    dlg.addEventListener('close', () => { dlg.remove(); resolve(dlg.returnValue === 'ok'); });
    document.body.append(dlg);
    dlg.showModal();
  });
}

/** A short status line that announces itself to screen readers. */
export function flash(el, text, kind = 'ok') {
  el.className = 'flash ' + kind;
  el.textContent = text;
}
