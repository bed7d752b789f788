// An independent Connect client (connect-es: @connectrpc/connect with the connect-web transport,
// which runs on Node's fetch) against the real server: every loan golden case over JSON and over
// binary has its own golden outcome (a valid case the same result, equal to the golden expectation
// to the 分; an invalid one a ConnectError with the golden code and a BadRequest naming the golden
// field); ErrorInfo details as gRPC gives them; tokens and roles.
// Bundled by esbuild at build time; run as: node connect_client_test.mjs BUILD_DIR
import { create, fromBinary, fromJson, toJson, type JsonObject } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient, type Interceptor } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BadRequestSchema } from "gen/subsidy/v1/common_pb.js";
import { FundService, GetExecutionReportRequestSchema } from "gen/subsidy/v1/fund_pb.js";
import {
  LoanSubsidyRequestSchema, LoanSubsidyResultSchema, LoanSubsidyService, type LoanSubsidyResult,
} from "gen/subsidy/v1/loan_pb.js";
import { RewardPayoutService, RunDisbursementRequestSchema } from "gen/subsidy/v1/reward_pb.js";
// @ts-ignore: a plain ES module shared with the browser test
import { startServer } from "./server.mjs";

const [build] = process.argv.slice(2);
let failures = 0;
function check(ok: boolean, what: string): void {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) failures++;
}

// The result as the golden test compares it: without reason messages and their parameters,
// data_version and the periods' subsidised-day counts (tested beside the engine). With `params`,
// a reason's parameters stay, their keys sorted (a map has no order on the wire).
function comparable(json: JsonObject, params = false): string {
  return JSON.stringify(json, (key, value: unknown) => {
    if (key === "message" || key === "dataVersion" || key === "subsidyDays") return undefined;
    if (key !== "params") return value;
    if (!params) return undefined;
    const map = value as Record<string, unknown>;
    return Object.fromEntries(Object.keys(map).sort().map((k) => [k, map[k]]));
  });
}

const dir = mkdtempSync(join(tmpdir(), "connect-client-test-"));
const server = await startServer(build, dir, [["bank-1", "bank", ["--banks=B1"]], ["finance-1", "finance"]]);
try {
  const as = (who: string): Interceptor => (next) => async (req) => {
    req.header.set("Authorization", `Bearer ${server.tokens[who]}`);
    return next(req);
  };
  const transport = (who: string, binary: boolean) =>
    createConnectTransport({ baseUrl: server.origin, useBinaryFormat: binary, interceptors: [as(who)] });
  const loansJson = createClient(LoanSubsidyService, transport("bank-1", false));
  const loansBinary = createClient(LoanSubsidyService, transport("bank-1", true));

  const casesFile = join(dir, "loan_cases.json");
  execFileSync(join(build, "bin", "console-seed"), [`--write_loan_cases=${casesFile}`]);
  const golden = JSON.parse(readFileSync(casesFile, "utf8")) as { cases: { name: string; request: JsonObject; expect: JsonObject }[] };
  // Each case its own outcome: a valid case (no `error` expected) is answered, over JSON and over
  // binary, with the golden result; an invalid one is refused, over both, with the golden code and
  // a BadRequest naming the golden field. A valid case refused, or an invalid one answered or
  // refused about another field, fails.
  type Outcome = { result: JsonObject } | { error: ConnectError };
  const outcome = (call: Promise<LoanSubsidyResult>): Promise<Outcome> => call.then(
    (r) => ({ result: toJson(LoanSubsidyResultSchema, r) as JsonObject }),
    (err) => ({ error: ConnectError.from(err) }));
  // "INVALID_ARGUMENT" → Code.InvalidArgument.
  const codeOf = (name: string): Code | undefined =>
    (Code as unknown as Record<string, Code>)[name.toLowerCase().replace(/(^|_)([a-z])/g, (_, __, c: string) => c.toUpperCase())];
  // The fields the refusal's google.rpc.BadRequest names (the server packs subsidy.v1.BadRequest,
  // which has its wire shape).
  const violatedFields = (e: ConnectError): string[] => e.details
    .filter((d): d is { type: string; value: Uint8Array } => "type" in d && d.type === "google.rpc.BadRequest")
    .flatMap((d) => fromBinary(BadRequestSchema, d.value).fieldViolations.map((v) => v.field));
  const describeOutcome = (o: Outcome): string =>
    "result" in o ? `answered (${String(o.result.totalSubsidyFen ?? 0)} 分)` : `refused ${Code[o.error.code]}: ${o.error.rawMessage}`;
  let compared = 0;
  let refused = 0;
  const expectRefused = golden.cases.filter((c) => (c.expect as { error?: unknown }).error !== undefined).length;
  for (const c of golden.cases) {
    const request = fromJson(LoanSubsidyRequestSchema, c.request);
    const expect = fromJson(LoanSubsidyResultSchema, c.expect);
    const [json, binary] = await Promise.all([
      outcome(loansJson.calculateLoanSubsidy(request)), outcome(loansBinary.calculateLoanSubsidy(request))]);
    const want = expect.error;
    if (!want) {
      // A valid case: answered with the golden result, the same over both formats.
      const goldenResult = comparable(toJson(LoanSubsidyResultSchema, expect) as JsonObject);
      const ok = "result" in json && "result" in binary;
      check(ok, `${c.name}: answered over JSON and binary (JSON ${describeOutcome(json)}; binary ${describeOutcome(binary)})`);
      if (ok) {
        check(comparable(json.result, true) === comparable(binary.result, true), `${c.name}: JSON and binary agree`);
        check(comparable(json.result) === goldenResult, `${c.name}: equals the golden result (${String(json.result.totalSubsidyFen ?? 0)} 分)`);
        compared++;
      }
      continue;
    }
    // An invalid case: refused with the golden code, one BadRequest naming the golden field.
    const code = codeOf(want.code);
    for (const [format, o] of [["JSON", json], ["binary", binary]] as const) {
      if (!("error" in o)) {
        check(false, `${c.name} (${format}): refused as ${want.code} about ${want.field}, but ${describeOutcome(o)}`);
        continue;
      }
      const fields = violatedFields(o.error);
      check(code !== undefined && o.error.code === code, `${c.name} (${format}): refused as ${want.code} (${describeOutcome(o)})`);
      check(fields.length === 1 && fields[0] === want.field,
        `${c.name} (${format}): the BadRequest names ${want.field} (${fields.join(", ") || "no BadRequest"})`);
    }
    if ("error" in json && "error" in binary) refused++;
  }
  check(golden.cases.length >= 40 && compared === golden.cases.length - expectRefused && refused === expectRefused && expectRefused > 0,
    `every golden case has its outcome: ${compared} of ${golden.cases.length - expectRefused} answered as expected, ${refused} of ${expectRefused} refused`);

  // A business refusal: FAILED_PRECONDITION with its ErrorInfo.
  const rewards = createClient(RewardPayoutService, transport("finance-1", false));
  try {
    await rewards.runDisbursement(create(RunDisbursementRequestSchema, { requestId: "run-1", paymentDate: "2024-10-01" }));
    check(false, "a disbursement on a holiday is refused");
  } catch (err) {
    const e = ConnectError.from(err);
    check(e.code === Code.FailedPrecondition && e.details.some((d) => "type" in d && d.type === "google.rpc.ErrorInfo"),
      `a disbursement on a holiday: failed_precondition with an ErrorInfo (${e.rawMessage})`);
  }
  // Roles: a bank may not read the execution report; no token is unauthenticated.
  const asBank = createClient(FundService, transport("bank-1", false));
  const anonymous = createClient(FundService, createConnectTransport({ baseUrl: server.origin }));
  for (const [client, code, who] of [[asBank, Code.PermissionDenied, "a bank"], [anonymous, Code.Unauthenticated, "no token"]] as const) {
    try {
      await client.getExecutionReport(create(GetExecutionReportRequestSchema, { asOf: "2024-06-30" }));
      check(false, `${who}: the execution report is refused`);
    } catch (err) {
      check(ConnectError.from(err).code === code, `${who}: the execution report is refused with ${Code[code]}`);
    }
  }
} catch (err) {
  check(false, String((err as Error).stack ?? err));
} finally {
  server.stop();
  rmSync(dir, { recursive: true, force: true });
}
console.log(failures ? `${failures} failed` : "all passed");
process.exit(failures ? 1 : 0);
