// Every test run gets its own temporary directory, removed by global-teardown.cjs: cdk8s's
// Testing.app() makes an output directory per call (thousands per run) and never removes them,
// and the process-backed suites (PostgreSQL, redis-server, MCP servers) make their own. Test
// workers inherit TMPDIR, so os.tmpdir() points here in every suite and every child process.
const fs = require('fs');
const os = require('os');
const path = require('path');

module.exports = async function globalSetup() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-mcp-test-'));
  // Like /tmp: the PostgreSQL suites run the server as the `postgres` user in a directory below.
  fs.chmodSync(root, 0o1777);
  process.env.CDK8S_MCP_TEST_TMPDIR = root;
  process.env.TMPDIR = root;
};
