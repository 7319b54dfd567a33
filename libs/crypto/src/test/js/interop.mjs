// Interop driver for CashuTsInteropTest. Usage: node interop.mjs decode|encode < input.json > output.json
//   decode: [{"token": "cashuA…|cashuB…", "keysetIds": [...]}] -> [{"mint","unit","memo","proofs":[...]}] (amounts as strings)
//   encode: [{"mint","unit","memo","proofs":[{"amount": "<decimal>", ...}]}] -> [{"token": "cashuB…", "binaryHex": "…"}]
import { readFileSync } from 'node:fs';
import { getDecodedToken, getEncodedToken, getEncodedTokenBinary } from '@cashu/cashu-ts';

const input = JSON.parse(readFileSync(0, 'utf8'));
const toPlain = (value) => JSON.parse(JSON.stringify(value, (k, v) => (typeof v === 'bigint' ? v.toString() : v)));
const normalise = (t) => {
  const p = toPlain(t);
  return { mint: p.mint, unit: p.unit ?? null, memo: p.memo ?? null,
    proofs: p.proofs.map((x) => ({ amount: String(x.amount), id: x.id, secret: x.secret, C: x.C,
      dleq: x.dleq ?? null, witness: x.witness ?? null })) };
};

let output;
if (process.argv[2] === 'decode') {
  output = input.map(({ token, keysetIds }) => {
    try {
      return { ok: true, token: normalise(getDecodedToken(token, keysetIds ?? [])) };
    } catch (e) {
      return { ok: false, error: String(e && e.message ? e.message : e) };
    }
  });
} else if (process.argv[2] === 'encode') {
  output = input.map((t) => {
    const token = { ...t, proofs: t.proofs.map((p) => ({ ...p, amount: Number(p.amount) })) };
    if (token.memo == null) delete token.memo;
    // cashu-ts models a witness as an object and JSON-encodes it itself; hand it the parsed object
    token.proofs.forEach((p) => {
      if (p.dleq == null) delete p.dleq;
      if (p.witness == null) delete p.witness; else p.witness = JSON.parse(p.witness);
    });
    return { token: getEncodedToken(token), binaryHex: Buffer.from(getEncodedTokenBinary(token)).toString('hex') };
  });
} else {
  console.error('usage: node interop.mjs decode|encode < input.json');
  process.exit(2);
}
process.stdout.write(JSON.stringify(output));
