// The admin API client: the session cookie travels by itself (SameSite=Strict, Path=/admin); changes carry the CSRF token.
// A 401 anywhere but the login means the session ended: the app goes back to the login screen with a message.

let csrf = '';
let onExpired = () => {};

export class ApiError extends Error {
  constructor(status, body) {
    const err = (body && body.error) || {};
    super(err.message || `HTTP ${status}`);
    this.status = status;
    this.code = err.code || '';
    this.detail = err.detail || (body && body.detail) || {};
  }
}

export function setCsrf(token) {
  csrf = token || '';
}

export function whenExpired(fn) {
  onExpired = fn;
}

export async function api(method, path, body) {
  const headers = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') headers['x-csrf-token'] = csrf;
  let res;
  try {
    res = await fetch('/admin/api' + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body),
                                              credentials: 'same-origin', cache: 'no-store' });
  } catch (e) {
    throw new ApiError(0, { error: { message: 'The node did not answer (' + e.message + '). Check that it is running.' } });
  }
  const text = await res.text();
  let json = null;
  try { json = text ? JSON.parse(text) : {}; } catch { json = { error: { message: text.slice(0, 200) } }; }
  if (!res.ok) {
    const e = new ApiError(res.status, json);
    if (res.status === 401 && path !== '/auth/login') {
      onExpired('Your session has ended. Log in again to continue.');
    }
    throw e;
  }
  return json;
}

export const get = path => api('GET', path);
export const post = (path, body) => api('POST', path, body === undefined ? {} : body);
export const patch = (path, body) => api('PATCH', path, body);
export const del = path => api('DELETE', path);
