// Validates every manifest of a folder (deploy/kubernetes) against the Kubernetes and KEDA schemas of the
// kubernetes-models packages (the API's OpenAPI schemas and KEDA's CRDs): unknown fields, wrong types and
// missing required fields are errors. Prints one line per object; exits 1 at the first invalid one.
// Usage: node scripts/validate-manifests.mjs deploy/kubernetes
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

const dir = process.argv[2];
const packages = { 'keda.sh': '@kubernetes-models/keda' };

async function modelOf(apiVersion, kind) {
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  const module = (packages[group] || 'kubernetes-models') + '/' + apiVersion;
  const models = await import(module);
  if (!models[kind]) throw new Error('no schema for ' + apiVersion + ' ' + kind + ' in ' + module);
  return models[kind];
}

let failed = false;
for (const file of readdirSync(dir).filter((name) => name.endsWith('.yaml')).sort()) {
  for (const document of parseAllDocuments(readFileSync(join(dir, file), 'utf8'))) {
    if (document.errors.length) throw new Error(file + ': ' + document.errors[0].message);
    const object = document.toJS();
    if (object.kind === 'Kustomization') { // kustomize's own file: not a Kubernetes object
      console.log(file + ': Kustomization (read by kubectl -k)');
      continue;
    }
    try {
      const Model = await modelOf(object.apiVersion, object.kind);
      new Model(object).validate();
      console.log(file + ': ' + object.apiVersion + ' ' + object.kind + ' ' + object.metadata.name + ' valid');
    } catch (e) {
      console.log(file + ': INVALID ' + object.apiVersion + ' ' + object.kind + ': ' + e.message);
      failed = true;
    }
  }
}
process.exit(failed ? 1 : 0);
