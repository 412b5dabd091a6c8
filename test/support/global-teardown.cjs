// Removes the run's temporary directory (global-setup.cjs) with everything the suites left in it.
const fs = require('fs');

module.exports = async function globalTeardown() {
  const root = process.env.CDK8S_MCP_TEST_TMPDIR;
  if (root) fs.rmSync(root, { recursive: true, force: true });
};
