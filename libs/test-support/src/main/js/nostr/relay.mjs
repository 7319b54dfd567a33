// A real Nostr relay (@nostr-relay/core over ws) on 127.0.0.1, for tests. Prints "LISTENING <port>" when ready.
// Usage: node relay.mjs [--port N] [--slow-ms N] [--reject "blocked: why"] [--closed "restricted: why"]
//   --slow-ms: delay every answer (OK, EVENT, EOSE) by N ms;  --reject: answer every EVENT with OK false and that message;
//   --closed: refuse every REQ with CLOSED and that message. Events live in memory (NIP-01 replaceable/addressable rules).
import { WebSocketServer } from 'ws';
import { NostrRelay } from '@nostr-relay/core';
import { EventRepository, EventType, EventUtils } from '@nostr-relay/common';

const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : dflt; };
const slowMs = Number(opt('--slow-ms', '0'));
const reject = opt('--reject', null);
const closed = opt('--closed', null);

class MemoryRepository extends EventRepository {
  events = new Map();
  isSearchSupported() { return false; }
  key(e) {
    const type = EventUtils.getType(e.kind);
    if (type === EventType.REPLACEABLE) return `${e.kind}:${e.pubkey}`;
    if (type === EventType.PARAMETERIZED_REPLACEABLE) return `${e.kind}:${e.pubkey}:${EventUtils.extractDTagValue(e) ?? ''}`;
    return e.id;
  }
  upsert(e) {
    const k = this.key(e);
    const old = this.events.get(k);
    // NIP-01: the newer event wins; same second, the lowest id wins
    if (old && (old.created_at > e.created_at || (old.created_at === e.created_at && old.id <= e.id))) {
      return { isDuplicate: true };
    }
    this.events.set(k, e);
    return { isDuplicate: false };
  }
  find(filter) {
    const found = [...this.events.values()].filter((e) => EventUtils.isMatchingFilter(e, filter))
      .sort((a, b) => b.created_at - a.created_at || (a.id < b.id ? -1 : 1));
    return filter.limit === undefined ? found : found.slice(0, filter.limit);
  }
  async destroy() {}
}

const relay = new NostrRelay(new MemoryRepository(), { filterResultCacheTtl: 0, eventHandlingResultCacheTtl: 0 });
if (reject) relay.register({ beforeHandleEvent: () => ({ canHandle: false, message: reject }) });
const wss = new WebSocketServer({ host: '127.0.0.1', port: Number(opt('--port', '0')) });
const delay = (ms) => new Promise((r) => setTimeout(r, ms));

wss.on('connection', (ws) => {
  // the relay writes through ws.send; delaying it makes every answer slow
  if (slowMs > 0) {
    const send = ws.send.bind(ws);
    ws.send = (data) => { setTimeout(() => { if (ws.readyState === 1) send(data); }, slowMs); };
  }
  relay.handleConnection(ws, '127.0.0.1');
  ws.on('message', async (data) => {
    let msg;
    try { msg = JSON.parse(data.toString()); } catch { ws.send(JSON.stringify(['NOTICE', 'invalid: not JSON'])); return; }
    if (!Array.isArray(msg) || typeof msg[0] !== 'string') { ws.send(JSON.stringify(['NOTICE', 'invalid: not a message array'])); return; }
    if (closed && msg[0] === 'REQ') { ws.send(JSON.stringify(['CLOSED', msg[1], closed])); return; }
    try { await relay.handleMessage(ws, msg); } catch (e) { ws.send(JSON.stringify(['NOTICE', 'error: ' + e.message])); }
  });
  ws.on('close', () => relay.handleDisconnect(ws));
});
wss.on('listening', () => console.log(`LISTENING ${wss.address().port}`));
process.stdin.on('end', () => process.exit(0)); // the test closing our stdin (or dying) stops the relay
process.stdin.resume();
await delay(0);
