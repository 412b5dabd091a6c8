import { AgentCodeSource } from './agent-code';
import { McpAgentDefinition } from './mcp-agent';

// The seed's two MCPAgent examples as real agents (seeds/mcp-mesh-k8s-manifests.md, "Basic
// Example" and "Advanced Example"), plus the database-service 3.x provider the advanced example
// depends on, so that every dependency resolves. The code is complete MCP Mesh Python (FastMCP
// tools registered with @mesh.tool, declaring the same capabilities, versions and dependency
// ranges as the specs: the construct refuses a disagreement); the seed's `script` path and
// `scriptConfigMap` become an inline script and a multi-file ConfigMap.

const HELLO_WORLD_PY = `"""hello-world: the MCP Mesh greeting agent (capability greeting 1.0.0)."""
import mesh
from fastmcp import FastMCP

app = FastMCP("Hello World")


@app.tool()
@mesh.tool(capability="greeting", version="1.0.0", tags=["greeting", "demo"])
def greet(name: str = "world") -> str:
    """Greets name."""
    return f"Hello, {name}!"


# Registry URL, advertised host and port, heartbeat interval come from the MCP_MESH_* env.
@mesh.agent(name="hello-world", version="1.0.0", http_port=8080, enable_http=True, auto_run=True)
class HelloWorld:
    pass
`;

const DATA_PROCESSOR_MAIN_PY = `"""data-processor: transforms rows read through database-service (capability data_transformation 2.0.0)."""
import mesh
from fastmcp import FastMCP

from transforms import OPERATIONS, apply_operation

app = FastMCP("Data Processor")


@app.tool()
@mesh.tool(
    capability="data_transformation",
    version="2.0.0",
    tags=["data", "etl"],
    dependencies=[{"capability": "database-service", "version": ">=3.0.0"}],
)
def transform(table: str, operation: str, limit: int = 1000, database_service: mesh.McpMeshAgent = None) -> dict:
    """Reads up to limit rows of table from database-service and applies operation."""
    if operation not in OPERATIONS:
        return {"error": f"unknown operation {operation!r}; use one of {sorted(OPERATIONS)}"}
    if database_service is None:
        return {"error": "database-service is not registered yet; retry shortly"}
    rows = database_service(table=table, limit=limit)
    return {"table": table, "operation": operation, "result": apply_operation(operation, rows.get("rows", []))}


@mesh.agent(name="data-processor", version="2.0.0", http_port=8080, enable_http=True, auto_run=True)
class DataProcessor:
    pass
`;

const DATA_PROCESSOR_TRANSFORMS_PY = `"""Pure row transformations used by data-processor."""
from collections import Counter


def _count_by_first_column(rows):
    return dict(Counter(str(row[0]) for row in rows if row))


def _uppercase(rows):
    return [[v.upper() if isinstance(v, str) else v for v in row] for row in rows]


def _summary(rows):
    numbers = [v for row in rows for v in row if isinstance(v, (int, float))]
    if not numbers:
        return {"rows": len(rows), "numeric_values": 0}
    return {"rows": len(rows), "numeric_values": len(numbers), "sum": sum(numbers), "min": min(numbers), "max": max(numbers)}


OPERATIONS = {"count_by_first_column": _count_by_first_column, "uppercase": _uppercase, "summary": _summary}


def apply_operation(name, rows):
    return OPERATIONS[name](rows)
`;

const DATABASE_SERVICE_PY = `"""database-service: read and append rows of a SQLite workspace database (capabilities database-service 3.2.0, database-writer 3.2.0)."""
import os
import re
import sqlite3

import mesh
from fastmcp import FastMCP

DB_PATH = os.path.join(os.environ.get("WORKSPACE_DIR", "/data"), "service.db")
IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")

app = FastMCP("Database Service")


def _connect():
    return sqlite3.connect(DB_PATH, timeout=10)


def _check_table(table: str) -> None:
    if not IDENTIFIER.match(table):
        raise ValueError(f"invalid table name {table!r}")


@app.tool()
@mesh.tool(capability="database-service", version="3.2.0", tags=["database", "read"])
def fetch_rows(table: str, limit: int = 1000) -> dict:
    """Returns up to limit rows of table."""
    _check_table(table)
    with _connect() as db:
        cursor = db.execute(f'SELECT * FROM "{table}" LIMIT ?', (max(1, min(limit, 10000)),))
        return {"columns": [c[0] for c in cursor.description], "rows": [list(r) for r in cursor.fetchall()]}


@app.tool()
@mesh.tool(capability="database-writer", version="3.2.0", tags=["database", "write"])
def append_row(table: str, values: list) -> dict:
    """Appends one row of values to table, creating it with generic columns on first use."""
    _check_table(table)
    columns = ", ".join(f"c{i}" for i in range(len(values)))
    with _connect() as db:
        db.execute(f'CREATE TABLE IF NOT EXISTS "{table}" ({columns})')
        db.execute(f'INSERT INTO "{table}" VALUES ({", ".join("?" for _ in values)})', values)
    return {"table": table, "appended": 1}


@mesh.agent(name="database-service", version="3.2.0", http_port=8080, enable_http=True, auto_run=True)
class DatabaseService:
    pass
`;

/** Seed "Basic Example": hello-world, capability greeting 1.0.0, 2 replicas. */
export const HELLO_WORLD_AGENT: McpAgentDefinition = {
  name: 'hello-world',
  description: 'Greets callers; the smallest MCP Mesh agent.',
  code: AgentCodeSource.fromScript(HELLO_WORLD_PY),
  replicas: 2,
  capabilities: [{ name: 'greeting', version: '1.0.0', tags: ['greeting', 'demo'] }],
};

/**
 * Seed "Advanced Example": data-processor, capability data_transformation 2.0.0, 3 replicas,
 * depends on database-service >=3.0.0, requests 500m/1Gi and limits 2/4Gi. Its code is the
 * multi-file `data-processor-code` ConfigMap the seed names.
 */
export const DATA_PROCESSOR_AGENT: McpAgentDefinition = {
  name: 'data-processor',
  description: 'Transforms tables read through database-service.',
  code: AgentCodeSource.fromFiles({ 'main.py': DATA_PROCESSOR_MAIN_PY, 'transforms.py': DATA_PROCESSOR_TRANSFORMS_PY }, 'main.py'),
  replicas: 3,
  capabilities: [{ name: 'data_transformation', version: '2.0.0', tags: ['data', 'etl'] }],
  dependencies: [{ name: 'database-service', version: '>=3.0.0' }],
  resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '2', memory: '4Gi' } },
};

/**
 * The database-service 3.x provider data-processor needs: one pod with a SQLite file on a
 * ReadWriteOnce workspace volume (one writer, so one replica).
 */
export const DATABASE_SERVICE_AGENT: McpAgentDefinition = {
  name: 'database-service',
  description: 'Reads and appends rows of a SQLite database on its workspace volume.',
  code: AgentCodeSource.fromScript(DATABASE_SERVICE_PY),
  replicas: 1,
  capabilities: [
    { name: 'database-service', version: '3.2.0', tags: ['database', 'read'] },
    { name: 'database-writer', version: '3.2.0', tags: ['database', 'write'] },
  ],
  extraEnv: [{ name: 'WORKSPACE_DIR', value: '/data' }],
  persistence: { size: '1Gi', accessMode: 'ReadWriteOnce', mountPath: '/data' },
};

/** Agents per environment tier: dev runs one pod each; staging and prod the seed's replicas. */
export const AGENT_PRESETS: Record<'dev' | 'staging' | 'prod', McpAgentDefinition[]> = {
  dev: [
    { ...HELLO_WORLD_AGENT, replicas: 1 },
    { ...DATA_PROCESSOR_AGENT, replicas: 1, resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } } },
    DATABASE_SERVICE_AGENT,
  ],
  staging: [HELLO_WORLD_AGENT, DATA_PROCESSOR_AGENT, DATABASE_SERVICE_AGENT],
  prod: [HELLO_WORLD_AGENT, DATA_PROCESSOR_AGENT, { ...DATABASE_SERVICE_AGENT, persistence: { ...DATABASE_SERVICE_AGENT.persistence!, size: '10Gi' } }],
};
