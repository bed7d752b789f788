// /openapi.json is valid OpenAPI 3.1: openapi-gen prints it (--json, with the descriptor set the
// build writes, exactly as the build makes the server's copy) and @seriousme/openapi-schema-validator
// (from web/node_modules; it reads only the OpenAPI schemas it ships, never the network) checks it
// against the OpenAPI 3.1 schema; any error fails. Beside that, what the schema cannot see: every
// $ref resolves, every route says who may call it and has an example, every required field is a
// property, every example fits its request's schema (properties, types, enums, int64 as strings,
// dates), money is said to be in 分, and the protos' comments are the descriptions.
// Usage: node openapi_test.mjs OPENAPI_GEN DESCRIPTOR_SET SOURCE_DIR
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [gen, descriptors, source] = process.argv.slice(2);
let failures = 0;
function check(ok, what) {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) failures++;
}

// What the test needs, or a failure saying what is missing (never a pass).
const validatorFile = join(source, "web", "node_modules", "@seriousme", "openapi-schema-validator", "index.js");
if (!existsSync(validatorFile)) {
  console.log("FAIL @seriousme/openapi-schema-validator is not in web/node_modules: install what the tests need with scripts/install-deps.sh --test");
  process.exit(1);
}
for (const file of [gen, descriptors]) {
  if (!file || !existsSync(file)) {
    console.log(`FAIL ${file} is missing: build the project first`);
    process.exit(1);
  }
}
const { Validator } = await import(pathToFileURL(validatorFile).href);

const doc = JSON.parse(execFileSync(gen, ["--json", `--descriptor_set=${descriptors}`], { encoding: "utf8" }));

// 1. The OpenAPI 3.1 schema.
const validator = new Validator();
const result = await validator.validate(structuredClone(doc));
check(result.valid, "the document is valid against the OpenAPI schema");
if (!result.valid) console.log(JSON.stringify(result.errors, null, 2));
check(validator.version === "3.1", `it is OpenAPI 3.1 (validated as ${validator.version})`);

// 2. Every $ref resolves.
const schemas = doc.components?.schemas ?? {};
const refs = [];
(function walk(node) {
  if (Array.isArray(node)) return node.forEach(walk);
  if (node && typeof node === "object") {
    if (typeof node.$ref === "string") refs.push(node.$ref);
    Object.values(node).forEach(walk);
  }
})(doc);
const dangling = refs.filter((r) => !r.startsWith("#/components/schemas/") || !(r.slice(21) in schemas));
check(refs.length > 100 && dangling.length === 0, `every $ref (${refs.length}) resolves${dangling.length ? `: not ${dangling.join(", ")}` : ""}`);
const resolve = (s) => (s && s.$ref ? schemas[s.$ref.slice(21)] : s);

// 3. Every required field is a property.
const badRequired = [];
for (const [name, s] of Object.entries(schemas)) {
  for (const field of s.required ?? []) if (!(field in (s.properties ?? {}))) badRequired.push(`${name}.${field}`);
}
check(badRequired.length === 0, `every required field is a property${badRequired.length ? `: not ${badRequired.join(", ")}` : ""}`);

// 4. Each example fits its request's schema, as the server's JSON parser would take it.
function fits(value, schema, where, errors) {
  schema = resolve(schema);
  if (!schema) return errors.push(`${where}: no schema`);
  const is = (ok, what) => {
    if (!ok) errors.push(`${where}: ${what}, not ${JSON.stringify(value)}`);
    return ok;
  };
  if (schema.enum) return is(schema.enum.includes(value), `one of ${schema.enum.join(", ")}`);
  switch (schema.type) {
    case "object":
      if (!is(value && typeof value === "object" && !Array.isArray(value), "an object")) return;
      if (schema.additionalProperties) {
        for (const [k, v] of Object.entries(value)) fits(v, schema.additionalProperties, `${where}.${k}`, errors);
        return;
      }
      for (const [k, v] of Object.entries(value)) {
        if (is(schema.properties && k in schema.properties, `${k} a property`)) fits(v, schema.properties[k], `${where}.${k}`, errors);
      }
      for (const k of schema.required ?? []) is(k in value, `${k} present`);
      return;
    case "array":
      if (is(Array.isArray(value), "an array")) value.forEach((v, i) => fits(v, schema.items, `${where}[${i}]`, errors));
      return;
    case "string":
      if (!is(typeof value === "string", "a string")) return;
      if (schema.format === "int64") is(/^-?[0-9]+$/.test(value), "an int64");
      if (schema.format === "date") is(/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(value), "a date");
      if (schema.format === "byte") is(/^[A-Za-z0-9+/]*=*$/.test(value), "base64");
      return;
    case "integer":
      return is(Number.isInteger(value), "an integer");
    case "number":
      return is(typeof value === "number", "a number");
    case "boolean":
      return is(typeof value === "boolean", "a boolean");
    default:
      errors.push(`${where}: a schema of no type`);
  }
}
let routes = 0, examples = 0;
const unexampled = [], unroled = [], misfits = [];
for (const [path, item] of Object.entries(doc.paths ?? {})) {
  const post = item.post;
  if (!post) continue;
  routes++;
  if (!Array.isArray(post["x-roles"]) || post["x-roles"].length === 0) unroled.push(path);
  const json = post.requestBody?.content?.["application/json"] ?? {};
  const named = Object.values(json.examples ?? {});
  if (named.length === 0) unexampled.push(path);
  for (const example of named) {
    examples++;
    fits(example.value, json.schema, path, misfits);
  }
}
check(routes >= 43, `${routes} routes`);
check(unroled.length === 0, `every route has its x-roles${unroled.length ? `: not ${unroled.join(", ")}` : ""}`);
check(unexampled.length === 0, `every route has an example${unexampled.length ? `: not ${unexampled.join(", ")}` : ""}`);
check(examples >= routes && misfits.length === 0, `every example (${examples}) fits its request's schema`);
for (const m of misfits) console.log(`     ${m}`);

// 5. Formats and descriptions.
const props = schemas["subsidy.v1.LoanSubsidyRequest"]?.properties ?? {};
check(props.principalFen?.type === "string" && props.principalFen?.format === "int64", "int64 as a string, format int64");
const money = Object.entries(schemas).flatMap(([name, s]) =>
  Object.entries(s.properties ?? {}).filter(([k]) => k.endsWith("Fen")).map(([k, p]) => [`${name}.${k}`, p]));
const unsaid = money.filter(([, p]) => !(p.description ?? "").includes("分"));
check(money.length > 20 && unsaid.length === 0, `every *_fen field (${money.length}) is said to be in 分${unsaid.length ? `: not ${unsaid.map(([n]) => n).join(", ")}` : ""}`);
check(props.contractDate?.format === "date" && schemas["subsidy.v1.GetExecutionReportRequest"]?.properties?.asOf?.format === "date",
  "dates are format date");
check((props.province?.description ?? "").includes("GB/T 2260"), "a field's comment is its description (province)");
check((schemas["subsidy.v1.DateRange"]?.description ?? "").includes("Inclusive"), "a message's comment is its description (DateRange)");
check((doc.paths["/subsidy.v1.LoanSubsidyService/CalculateLoanSubsidyBatch"]?.post?.description ?? "").includes("in-band"),
  "a method's comment is its description (CalculateLoanSubsidyBatch)");
const tags = doc.tags ?? [];
check(tags.length >= 6 && tags.every((t) => (t.description ?? "").length > 0), "every service has a description");
check((schemas["subsidy.v1.LoanSubsidyRequest"]?.required ?? []).includes("principalFen"), "required fields (LoanSubsidyRequest)");

console.log(failures ? `${failures} failed` : "all passed");
process.exit(failures ? 1 : 0);
