import { FieldMismatches, McpAgentSpec } from '../../src/agent/agent-spec';
import { MCP_AGENT_SPEC_SCHEMA } from '../../src/agent/agent-spec-schema';
import { Infer } from '../../src/agent/spec-schema';

// These are compile-time checks (`npm run typecheck` runs them); the test only keeps jest aware.
type Schema = Infer<typeof MCP_AGENT_SPEC_SCHEMA>;

test('the documented McpAgentSpec and the schema definition agree field by field', () => {
  const agree: [FieldMismatches<McpAgentSpec, Schema>] extends [never] ? true : false = true;
  expect(agree).toBe(true);
});

test('the type-level check notices an extra field, a different type and a different optionality', () => {
  const extra: FieldMismatches<McpAgentSpec & { readonly colour?: string }, Schema> = 'colour';
  const typed: FieldMismatches<Omit<McpAgentSpec, 'replicas'> & { readonly replicas?: string }, Schema> = 'replicas';
  const optional: FieldMismatches<Omit<McpAgentSpec, 'description'> & { readonly description: string }, Schema> = 'description';
  // @ts-expect-error a field on which both agree is no mismatch
  const none: FieldMismatches<McpAgentSpec, Schema> = 'code';
  expect([extra, typed, optional, none]).toHaveLength(4);
});
