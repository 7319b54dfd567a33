// Validates rendered Kubernetes manifests offline: node validate.mjs FILE... ("-" reads stdin); exit 1 on any failure.
// Core kinds: npm kubernetes-models; ServiceMonitor: @kubernetes-models/prometheus-operator; Strimzi and CloudNativePG
// kinds: the openAPIV3Schema of their CRDs, read from ROUTSTR_CRDS (default ../shared/k8s-crds next to the repository),
// tightened the way the API server prunes: a field the schema does not declare is an error (a typo would vanish).
import { readFileSync, readdirSync } from "node:fs";
import { join, dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";
import Ajv from "ajv";

const here = dirname(fileURLToPath(import.meta.url));
const crdDir = process.env.ROUTSTR_CRDS || resolve(here, "../../../shared/k8s-crds");
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });

function closed(schema) {
  if (!schema || typeof schema !== "object") return schema;
  if (Array.isArray(schema)) return schema.map(closed);
  const out = {};
  for (const [k, v] of Object.entries(schema)) {
    out[k] = k === "properties" ? Object.fromEntries(Object.entries(v).map(([p, s]) => [p, closed(s)])) : closed(v);
  }
  if (out.properties && out.additionalProperties === undefined && !out["x-kubernetes-preserve-unknown-fields"]) {
    out.additionalProperties = false;
    out.properties.apiVersion ??= { type: "string" };
    out.properties.kind ??= { type: "string" };
    out.properties.metadata ??= { type: "object" };
  }
  return out;
}

const crdSchemas = new Map();   // "group/version/Kind" -> schema, compiled on first use (the CRDs are large)
const crdValidators = new Map();
for (const f of readdirSync(crdDir).filter((n) => n.endsWith(".yaml"))) {
  for (const doc of parseAllDocuments(readFileSync(join(crdDir, f), "utf8"))) {
    const crd = doc.toJS();
    if (crd?.kind !== "CustomResourceDefinition") continue;
    for (const v of crd.spec.versions) {
      if (!v.served) continue;
      crdSchemas.set(`${crd.spec.group}/${v.name}/${crd.spec.names.kind}`, v.schema.openAPIV3Schema);
    }
  }
}

async function validate(o) {
  const [g, v] = o.apiVersion.includes("/") ? o.apiVersion.split("/") : [null, o.apiVersion];
  const key = `${g}/${v}/${o.kind}`;
  if (crdSchemas.has(key) && !crdValidators.has(key)) crdValidators.set(key, ajv.compile(closed(crdSchemas.get(key))));
  const crd = crdValidators.get(key);
  if (crd) {
    if (!crd(o)) throw new Error(ajv.errorsText(crd.errors, { dataVar: o.kind }));
    return "crd";
  }
  const pkg = g === "monitoring.coreos.com" ? "@kubernetes-models/prometheus-operator" : "kubernetes-models";
  let m;
  try {
    m = await import(g ? `${pkg}/${g}/${v}/${o.kind}` : `${pkg}/${v}/${o.kind}`);
  } catch {
    throw new Error(`no schema for ${o.apiVersion} ${o.kind}`);
  }
  new m[o.kind](o).validate();
  return pkg;
}

let failed = 0, ok = 0;
for (const file of process.argv.slice(2)) {
  const text = readFileSync(file === "-" ? 0 : file, "utf8");
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length) { failed++; console.log(`FAIL ${file}: ${doc.errors[0].message}`); continue; }
    const o = doc.toJS();
    if (!o) continue;
    const name = `${o.kind}/${o.metadata?.name}`;
    try {
      const by = await validate(o);
      ok++;
      console.log(`ok   ${file}: ${name} (${by})`);
    } catch (e) {
      failed++;
      console.log(`FAIL ${file}: ${name}: ${e.message}`);
    }
  }
}
console.log(`${ok} valid, ${failed} invalid`);
process.exit(failed || !ok ? 1 : 0);
