// A subsidy-server for the web tests: callers with tokens (subsidyctl auth add-caller), the server
// on free ports with its HTTP front, stopped by stop() (a promise: the server has exited). Without
// callers (an empty list) it runs as the loopback single-user default: no --auth_config, so no
// dual control (money movements post at once), which is how the tests seed a ledger.
import { execFileSync, spawn } from "node:child_process";
import { join } from "node:path";

// callers: [[name, roles, extra subsidyctl args]]; returns { grpc, http, origin, tokens, stop }.
// Servers started one after another on the same `dir` share its ledger.
export async function startServer(build, dir, callers) {
  const bin = (name) => join(build, "bin", name);
  const config = join(dir, "callers.textproto");
  const tokens = {};
  for (const [name, roles, extra = []] of callers) {
    const out = execFileSync(bin("subsidyctl"), ["--json", "auth", "add-caller", `--config=${config}`, `--name=${name}`, `--roles=${roles}`, ...extra]).toString();
    tokens[name] = JSON.parse(out).token;
  }
  const server = spawn(bin("subsidy-server"), ["--listen=127.0.0.1:0", "--http_listen=127.0.0.1:0", `--db=${join(dir, "ledger.db")}`,
    ...(callers.length ? [`--auth_config=${config}`] : []), `--web_dir=${join(build, "web", "dist")}`], { stdio: ["ignore", "pipe", "pipe"] });
  const exited = new Promise((resolve) => server.on("exit", resolve));
  // The start line says where it listens.
  const where = await new Promise((resolve, reject) => {
    let err = "";
    server.stderr.on("data", (d) => {
      err += d;
      const m = err.match(/"event":"start".*?"listen":"([^"]+)".*?"http":"([^"]+)"/);
      if (m) resolve({ grpc: m[1], http: m[2] });
    });
    server.on("exit", (code) => reject(new Error(`server exited ${code}: ${err}`)));
  });
  return {
    ...where, origin: `http://${where.http}`, tokens,
    stop: () => { if (server.exitCode === null && server.signalCode === null) server.kill("SIGTERM"); return exited; },
  };
}
