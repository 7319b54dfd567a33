// Verifies Nostr events with nostr-tools. Usage: node verify.mjs < events.json (a JSON array of events)
// Prints a JSON array of {"id", "valid", "idMatches"}: nostr-tools' verifyEvent and its own getEventHash against the id.
import { readFileSync } from 'node:fs';
import { verifyEvent, getEventHash } from 'nostr-tools/pure';

const events = JSON.parse(readFileSync(0, 'utf8'));
const out = events.map((e) => ({ id: e.id, valid: verifyEvent({ ...e }), idMatches: getEventHash(e) === e.id }));
process.stdout.write(JSON.stringify(out));
