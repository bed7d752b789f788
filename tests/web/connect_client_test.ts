// An independent Connect client (connect-es: @connectrpc/connect with the connect-web transport,
// which runs on Node's fetch) against the real server: every loan golden case over JSON and over
// binary gives the same result, equal to the golden expectation to the 分; refusals are
// ConnectErrors with the code and the BadRequest / ErrorInfo details gRPC gives; tokens and roles.
// Bundled by esbuild at build time; run as: node connect_client_test.mjs BUILD_DIR
import { create, fromJson, toJson, type JsonObject } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient, type Interceptor } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FundService, GetExecutionReportRequestSchema } from "gen/subsidy/v1/fund_pb.js";
import { LoanSubsidyRequestSchema, LoanSubsidyResultSchema, LoanSubsidyService } from "gen/subsidy/v1/loan_pb.js";
import { RewardPayoutService, RunDisbursementRequestSchema } from "gen/subsidy/v1/reward_pb.js";
// @ts-ignore: a plain ES module shared with the browser test
import { startServer } from "./server.mjs";

const [build] = process.argv.slice(2);
let failures = 0;
function check(ok: boolean, what: string): void {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) failures++;
}

// The result as the golden test compares it: without reason messages, data_version and the
// periods' subsidised-day counts (tested beside the engine).
function comparable(json: JsonObject): string {
  return JSON.stringify(json, (key, value) =>
    (key === "message" || key === "dataVersion" || key === "subsidyDays" ? undefined : value));
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
  let compared = 0;
  let refused = 0;
  for (const c of golden.cases) {
    const request = fromJson(LoanSubsidyRequestSchema, c.request);
    const expect = fromJson(LoanSubsidyResultSchema, c.expect);
    try {
      const [a, b] = await Promise.all([loansJson.calculateLoanSubsidy(request), loansBinary.calculateLoanSubsidy(request)]);
      const ja = toJson(LoanSubsidyResultSchema, a) as JsonObject;
      const jb = toJson(LoanSubsidyResultSchema, b) as JsonObject;
      check(comparable(ja) === comparable(jb), `${c.name}: JSON and binary agree`);
      check(comparable(ja) === comparable(toJson(LoanSubsidyResultSchema, expect) as JsonObject), `${c.name}: equals the golden result (${a.totalSubsidyFen} 分)`);
      compared++;
    } catch (err) {
      const e = ConnectError.from(err);
      const field = expect.error?.field ?? "";
      const violations = e.details.filter((d) => "type" in d && d.type === "google.rpc.BadRequest");
      check(e.code === Code.InvalidArgument && violations.length === 1, `${c.name}: refused as invalid_argument with a BadRequest (${e.rawMessage})`);
      check(field === "" || e.rawMessage.includes(field), `${c.name}: the refusal names ${field}`);
      refused++;
    }
  }
  check(compared >= 30, `${compared} golden cases compared, ${refused} refused`);

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
