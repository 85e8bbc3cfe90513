// Validates every object of a multi-document YAML stream (kubectl kustomize's output, on stdin)
// against the Kubernetes OpenAPI schemas of the npm package kubernetes-models (5.1.0: the API of
// Kubernetes 1.34, resource.k8s.io/v1 included). An object of a kind it has no schema for fails:
// every object must be checked. Usage: node validate-kubernetes.mjs <folder holding node_modules>
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const modules = join(process.argv[2], "node_modules");
const { parseAllDocuments } = await import(pathToFileURL(join(modules, "yaml", "dist", "index.js")).href);
const input = readFileSync(0, "utf8");
let failures = 0;
let checked = 0;
for (const doc of parseAllDocuments(input)) {
  const obj = doc.toJS();
  if (!obj) continue;
  const name = `${obj.kind}/${obj.metadata && obj.metadata.name}`;
  const parts = obj.apiVersion.split("/");
  const dir = join(modules, "kubernetes-models", ...parts, "index.js");
  let Model;
  try {
    Model = (await import(pathToFileURL(dir).href))[obj.kind];
  } catch (e) {
    Model = undefined;
  }
  if (!Model) {
    console.error(`${name}: no schema for ${obj.apiVersion} ${obj.kind}`);
    failures++;
    continue;
  }
  try {
    new Model(obj).validate();
    checked++;
  } catch (e) {
    console.error(`${name}: ${e.message}`);
    failures++;
  }
}
if (failures > 0 || checked === 0) {
  console.error(`${failures} invalid object(s), ${checked} valid`);
  process.exit(1);
}
console.log(`${checked} Kubernetes objects valid against the Kubernetes 1.34 schemas (kubernetes-models 5.1.0)`);
