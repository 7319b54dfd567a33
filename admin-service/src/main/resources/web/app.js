// The dashboard shell: login, first-login password change, the six tabs (hash routes), logout, session expiry.
import { api, get, post, setCsrf, whenExpired } from './api.js';
import { h, fill, field, errorBox, fieldError, clearErrors } from './dom.js';
import overview from './overview.js';
import sessions from './sessions.js';
import models from './models.js';
import settings from './settings.js';
import withdraw from './withdraw.js';
import logs from './logs.js';

const TABS = [['overview', 'Overview', overview], ['sessions', 'Sessions', sessions], ['models', 'Models', models],
              ['settings', 'Settings', settings], ['withdraw', 'Withdraw', withdraw], ['logs', 'Logs', logs]];
const app = document.getElementById('app');
let user = null;
let current = null;   // the mounted tab's cleanup

whenExpired(message => {
  if (user) loginScreen(message);
});

function route() {
  const [name, query] = (location.hash.replace(/^#\/?/, '') || 'overview').split('?');
  return { name: TABS.some(t => t[0] === name) ? name : 'overview', params: new URLSearchParams(query || '') };
}

function stopTab() {
  if (typeof current === 'function') current();
  current = null;
}

function loginScreen(message) {
  stopTab();
  user = null;
  setCsrf('');
  const pw = h('input', { type: 'password', name: 'password', autocomplete: 'current-password', required: true });
  const status = h('div.form-status', { 'aria-live': 'assertive' }, message ? h('div.notice', { role: 'status' }, message) : null);
  const button = h('button', { type: 'submit' }, 'Log in');
  const form = h('form.card.auth', {
    onsubmit: async ev => {
      ev.preventDefault();
      clearErrors(form);
      button.disabled = true;
      try {
        const r = await post('/auth/login', { password: pw.value });
        setCsrf(r.csrf_token);
        user = { must: r.must_change_password };
        r.must_change_password ? passwordScreen(pw.value) : shell();
      } catch (e) {
        fill(status, errorBox(e));
        button.disabled = false;
        pw.select();
      }
    }
  }, h('h1', 'Routstr admin'), h('p.muted', 'Log in as the node operator (user admin).'),
     field('Password', pw), status, button);
  fill(app, h('main#main.center', form));
  pw.focus();
}

/** The first login: the one-time password only allows choosing a new one. */
function passwordScreen(current) {
  const next = h('input', { type: 'password', name: 'new_password', autocomplete: 'new-password', required: true, minlength: 12 });
  const again = h('input', { type: 'password', name: 'again', autocomplete: 'new-password', required: true });
  const status = h('div.form-status', { 'aria-live': 'assertive' });
  const form = h('form.card.auth', {
    novalidate: true,
    onsubmit: async ev => {
      ev.preventDefault();
      clearErrors(form);
      if (next.value !== again.value) {
        fieldError(form, { message: 'The two passwords differ', detail: { field: 'again' } });
        return;
      }
      try {
        await post('/auth/password', { current_password: current, new_password: next.value });
        const r = await post('/auth/login', { password: next.value });
        setCsrf(r.csrf_token);
        user = { must: false };
        shell('Password changed. Welcome to your node.');
      } catch (e) {
        if (e.status !== 400 || !fieldError(form, { message: e.message, detail: { field: 'new_password' } })) fill(status, errorBox(e));
      }
    }
  }, h('h1', 'Choose your password'),
     h('p.muted', 'This was a one-time password. Choose a new one (at least 12 characters) to open the dashboard.'),
     field('New password', next), field('Repeat it', again), status, h('button', { type: 'submit' }, 'Save and continue'));
  fill(app, h('main#main.center', form));
  next.focus();
}

function shell(message) {
  const nav = h('nav.tabs', { 'aria-label': 'Dashboard sections' },
    TABS.map(([id, label]) => h('a', { href: '#/' + id, 'data-tab': id }, label)));
  const main = h('main#main', { tabindex: '-1' });
  const banner = h('div.banner', { role: 'status' }, message || '');
  const logout = h('button.secondary.logout', {
    type: 'button', onclick: async () => {
      try { await post('/auth/logout'); } catch { /* the session may already be gone */ }
      loginScreen('You are logged out.');
    }
  }, 'Log out');
  fill(app, h('header.top', h('div.brand', h('span.logo', { 'aria-hidden': 'true' }, '⚡'), 'Routstr admin'), nav, logout),
    banner, main);
  if (message) setTimeout(() => { banner.textContent = ''; }, 6000);
  render();
}

function render() {
  if (!user) return;
  const main = document.getElementById('main');
  if (!main || !document.querySelector('nav.tabs')) return;
  stopTab();
  const r = route();
  document.querySelectorAll('nav.tabs a').forEach(a => {
    if (a.dataset.tab === r.name) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  });
  const [, label, mount] = TABS.find(t => t[0] === r.name);
  document.title = label + ' · Routstr admin';
  const section = h('section.tab', { 'aria-labelledby': 'tab-title', 'data-tab': r.name },
    h('h1#tab-title', label));
  fill(main, section);
  try {
    current = mount(section, r.params);
  } catch (e) {
    section.append(errorBox(e, render));
  }
}

window.addEventListener('hashchange', () => {
  render();
  document.getElementById('main')?.focus({ preventScroll: true });
});

async function boot() {
  try {
    const s = await get('/auth/session');
    setCsrf(s.csrf_token);
    user = { must: s.must_change_password };
    s.must_change_password ? loginScreen('Log in with your one-time password to choose a new one.') : shell();
  } catch (e) {
    if (e.status === 401) loginScreen(); else fill(app, h('main#main.center', errorBox(e, boot)));
  }
}

// narrow screens show table rows as cards: each cell is labelled with its column (table.stack, CSS below 600 px)
new MutationObserver(() => {
  for (const table of app.querySelectorAll('table.stack')) {
    const labels = [...table.querySelectorAll('thead th')].map(th => th.textContent.replace(/[▲▼↕]/g, '').trim());
    for (const tr of table.querySelectorAll('tbody tr')) {
      [...tr.children].forEach((td, i) => { if (!td.dataset.label && labels[i]) td.dataset.label = labels[i]; });
    }
  }
}).observe(app, { childList: true, subtree: true });

boot();
export { api };
