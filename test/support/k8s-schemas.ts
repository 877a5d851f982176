import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import Ajv, { type ValidateFunction } from "ajv";
import standaloneCode from "ajv/dist/standalone";
import { parseAllDocuments } from "yaml";
import { sharedPath } from "./shared";

/**
 * Validates Kubernetes manifests against real schemas: custom resources against the upstream CRDs in
 * `../shared/crds` (compiled with ajv at test time, nothing generated is committed), built-in kinds
 * against the Kubernetes OpenAPI schemas shipped in `kubernetes-models`.
 *
 * Unlike the API server (which prunes unknown fields), objects with declared properties reject
 * unknown fields here, so a misspelt field fails the test instead of silently disappearing.
 * Not checked: CEL rules (`x-kubernetes-validations`) and admission webhooks.
 */

const repoRoot = path.resolve(__dirname, "..", "..");
export const SHARED_CRDS_DIR = sharedPath("crds");

type JsonSchema = Record<string, unknown>;

function findYamlFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return findYamlFiles(full);
    return /\.ya?ml$/.test(entry.name) ? [full] : [];
  });
}

/**
 * Rewrites the Kubernetes structural-schema dialect into plain JSON Schema: `int-or-string` becomes
 * an anyOf, `nullable` widens the type, and objects that list properties reject unknown fields
 * unless marked `x-kubernetes-preserve-unknown-fields`.
 */
export function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (node === null || typeof node !== "object") return node;
  const src = node as JsonSchema;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(src)) {
    if (key.startsWith("x-kubernetes-") || key === "description" || key === "example") continue;
    if (key === "properties" || key === "patternProperties" || key === "definitions") {
      out[key] = Object.fromEntries(Object.entries(value as JsonSchema).map(([k, v]) => [k, toJsonSchema(v)]));
    } else {
      out[key] = toJsonSchema(value);
    }
  }
  if (src["x-kubernetes-int-or-string"] === true) {
    delete out.type;
    const alternatives = [{ type: "integer" }, { type: "string" }];
    if (out.anyOf === undefined) out.anyOf = alternatives;
  }
  if (src.nullable === true) {
    delete out.nullable;
    if (typeof out.type === "string") out.type = [out.type, "null"];
  }
  const preserve = src["x-kubernetes-preserve-unknown-fields"] === true;
  if (out.properties !== undefined && out.additionalProperties === undefined && !preserve) {
    out.additionalProperties = false;
  }
  return out;
}

/** The API server accepts apiVersion, kind and metadata on every object, even where a CRD omits them. */
function withObjectMeta(schema: JsonSchema): JsonSchema {
  const properties = (schema.properties ?? {}) as JsonSchema;
  return {
    ...schema,
    properties: { apiVersion: { type: "string" }, kind: { type: "string" }, metadata: { type: "object" }, ...properties },
  };
}

function newAjv(): Ajv {
  // Code optimisation nearly doubles the compile time of the largest CRDs (hundreds of KB) and buys
  // nothing for a handful of validations per test file. `source` keeps the code for the cache below.
  return new Ajv({ strict: false, allErrors: true, validateFormats: false, code: { optimize: false, source: true } });
}

/**
 * Compiled validators are cached as standalone modules in an ignored folder, keyed by the schema
 * and the ajv version: compiling the largest CRDs takes seconds, and every test file is its own
 * process. Nothing generated is ever committed.
 */
const CACHE_DIR = path.join(repoRoot, "node_modules", ".cache", "logclaw-crd-validators");

function compileCached(schema: JsonSchema): ValidateFunction {
  const ajvVersion = (require("ajv/package.json") as { version: string }).version;
  const key = createHash("sha256").update(ajvVersion).update(JSON.stringify(schema)).digest("hex").slice(0, 32);
  const file = path.join(CACHE_DIR, `${key}.js`);
  if (fs.existsSync(file)) return require(file) as ValidateFunction;
  const ajv = newAjv();
  const validate = ajv.compile(schema);
  try {
    fs.mkdirSync(CACHE_DIR, { recursive: true });
    // Write then rename: test files run in parallel processes and may compile the same CRD.
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, standaloneCode(ajv, validate));
    fs.renameSync(tmp, file);
  } catch {
    // A read-only checkout only loses the cache, not the validation.
  }
  return validate;
}

interface CrdValidator {
  kind: string;
  apiVersion: string;
  /** Compiled on first use: the largest CRDs take seconds to compile. */
  validate(): ValidateFunction;
}

let crdValidators: Map<string, CrdValidator> | undefined;

/** Validators for every served version of every CRD under `../shared/crds`, keyed `apiVersion/Kind`. */
export function loadCrdValidators(dir: string = SHARED_CRDS_DIR): Map<string, CrdValidator> {
  if (crdValidators && dir === SHARED_CRDS_DIR) return crdValidators;
  const result = new Map<string, CrdValidator>();
  for (const file of findYamlFiles(dir)) {
    for (const doc of parseAllDocuments(fs.readFileSync(file, "utf8"))) {
      const crd = doc.toJS() as {
        kind?: string;
        spec?: { group: string; names: { kind: string }; versions: { name: string; served: boolean; schema?: { openAPIV3Schema: unknown } }[] };
      } | null;
      if (!crd || crd.kind !== "CustomResourceDefinition" || !crd.spec) continue;
      for (const version of crd.spec.versions) {
        if (!version.served || !version.schema) continue;
        const apiVersion = `${crd.spec.group}/${version.name}`;
        const raw = version.schema.openAPIV3Schema;
        let compiled: ValidateFunction | undefined;
        result.set(`${apiVersion}/${crd.spec.names.kind}`, {
          kind: crd.spec.names.kind,
          apiVersion,
          validate: () => (compiled ??= compileCached(withObjectMeta(toJsonSchema(raw) as JsonSchema))),
        });
      }
    }
  }
  if (dir === SHARED_CRDS_DIR) crdValidators = result;
  return result;
}

interface ModelClass {
  new (data: unknown): { validate(): void };
}

/** `kubernetes-models/apps/v1/Deployment` for `apps/v1` + `Deployment`, or undefined when unknown. */
function builtInModel(apiVersion: string, kind: string): ModelClass | undefined {
  const modulePath = `kubernetes-models/${apiVersion}/${kind}`;
  try {
    // Built-in kinds are looked up by apiVersion and kind at run time, hence require.
    const mod = require(modulePath) as Record<string, ModelClass>;
    return mod[kind];
  } catch {
    return undefined;
  }
}

function formatAjvErrors(prefix: string, validate: ValidateFunction): string[] {
  return (validate.errors ?? []).map((e) => {
    const extra =
      e.keyword === "additionalProperties"
        ? ` (${String((e.params as { additionalProperty: string }).additionalProperty)})`
        : e.keyword === "enum"
          ? ` (${JSON.stringify((e.params as { allowedValues: unknown[] }).allowedValues)})`
          : "";
    return `${prefix}: ${e.instancePath || "/"} ${e.message ?? e.keyword}${extra}`;
  });
}

/** Whether a manifest's kind is served by one of the shared CRDs. */
export function isCustomResource(obj: { apiVersion?: string; kind?: string }): boolean {
  return loadCrdValidators().has(`${obj.apiVersion}/${obj.kind}`);
}

/**
 * Validates one manifest; returns one message per problem, empty when valid. Unknown kinds are a
 * problem too: a test must not pass because nothing checked the object.
 */
export function validateManifest(obj: unknown): string[] {
  if (obj === null || typeof obj !== "object") return ["manifest: not an object"];
  const manifest = JSON.parse(JSON.stringify(obj)) as { apiVersion?: string; kind?: string; metadata?: { name?: string } };
  const { apiVersion, kind } = manifest;
  if (typeof apiVersion !== "string" || typeof kind !== "string") return ["manifest: apiVersion and kind are required"];
  const prefix = `${kind} ${manifest.metadata?.name ?? "(unnamed)"}`;
  const errors: string[] = [];
  if (!manifest.metadata?.name) errors.push(`${prefix}: /metadata/name is required`);
  const crd = loadCrdValidators().get(`${apiVersion}/${kind}`);
  if (crd) {
    const validate = crd.validate();
    if (!validate(manifest)) errors.push(...formatAjvErrors(prefix, validate));
    return errors;
  }
  const Model = builtInModel(apiVersion, kind);
  if (!Model) return [...errors, `${prefix}: no schema known for ${apiVersion} ${kind}`];
  try {
    new Model(manifest).validate();
  } catch (err) {
    const details = (err as { errors?: { instancePath?: string; message?: string; params?: unknown }[] }).errors;
    if (details && details.length > 0) {
      errors.push(...details.map((d) => `${prefix}: ${d.instancePath || "/"} ${d.message ?? ""} ${d.params ? JSON.stringify(d.params) : ""}`.trim()));
    } else {
      errors.push(`${prefix}: ${(err as Error).message}`);
    }
  }
  return errors;
}
