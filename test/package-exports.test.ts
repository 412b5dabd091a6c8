import * as path from 'path';
import * as ts from 'typescript';

// The public surface of the package, read by the TypeScript compiler from src/index.ts (the
// entry point `exports` maps to): a change to it shows up as a snapshot diff to review.

const root = path.join(__dirname, '..');
const entry = path.join(root, 'src', 'index.ts');
// Declarations under src/ must be exported when the API names them. The generated CRD bindings
// (imports/) ship as typings in lib/imports and are not re-exported: exporting them would load
// every binding with the entry point.
const ours = (file: string) => file.startsWith(path.join(root, 'src'));
// The agent spec types are inferred from the one schema that also renders the CRD and validates
// specs (`Infer<typeof SCHEMA>`); users name the inferred types, not the schema DSL.
const SCHEMA_DSL = new Set(['Infer']);

interface Surface {
  readonly checker: ts.TypeChecker;
  /** Each exported name, resolved to the symbol it stands for. */
  readonly exports: Map<string, ts.Symbol>;
}

let surface: Surface;
beforeAll(() => {
  const program = ts.createProgram([entry], { target: ts.ScriptTarget.ES2020, module: ts.ModuleKind.CommonJS, strict: true, skipLibCheck: true, noEmit: true, types: [] });
  const checker = program.getTypeChecker();
  const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!;
  const resolve = (s: ts.Symbol) => (s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s);
  surface = { checker, exports: new Map(checker.getExportsOfModule(moduleSymbol).map(s => [s.name, resolve(s)])) };
});

function kindOf(s: ts.Symbol): string {
  const f = s.flags;
  if (f & ts.SymbolFlags.Class) return 'class';
  if (f & ts.SymbolFlags.Interface) return 'interface';
  if (f & ts.SymbolFlags.TypeAlias) return 'type';
  if (f & ts.SymbolFlags.Function) return 'function';
  if (f & ts.SymbolFlags.Enum) return 'enum';
  if (f & ts.SymbolFlags.Variable) return 'const';
  return 'other';
}

/**
 * Declarations of our own (src/ or imports/) that an exported declaration's public shape names
 * (props, parameters, return types, public members, base types), but that the entry point does
 * not export: users could not name them (what API Extractor calls a forgotten export).
 */
function forgottenExports({ checker, exports }: Surface): string[] {
  const exported = new Set(exports.values());
  const found = new Set<string>();
  const visit = (owner: string, node: ts.Node): void => {
    if (ts.isBlock(node) || ts.isPropertyDeclaration(node) && node.initializer && !node.type) return;
    if ((ts.isPropertyDeclaration(node) || ts.isMethodDeclaration(node) || ts.isGetAccessor(node) || ts.isConstructorDeclaration(node) || ts.isParameterPropertyDeclaration(node, node.parent))
      && (ts.getCombinedModifierFlags(node as ts.Declaration) & ts.ModifierFlags.Private || (node as ts.NamedDeclaration).name?.kind === ts.SyntaxKind.PrivateIdentifier)) return;
    if (ts.isBlock(node) || ts.isArrowFunction(node) && !ts.isTypeNode(node.parent)) return;
    if (ts.isTypeQueryNode(node)) return; // `typeof VALUE`: see SCHEMA_DSL
    const name = ts.isTypeReferenceNode(node) ? node.typeName : ts.isExpressionWithTypeArguments(node) ? node.expression : undefined;
    if (name) {
      let s = checker.getSymbolAtLocation(ts.isQualifiedName(name) ? name.right : name);
      if (s && s.flags & ts.SymbolFlags.Alias) s = checker.getAliasedSymbol(s);
      const decl = s?.declarations?.[0];
      if (s && decl && ours(decl.getSourceFile().fileName) && !exported.has(s) && !SCHEMA_DSL.has(s.name) && !(s.flags & ts.SymbolFlags.TypeParameter)) {
        found.add(`${owner} -> ${s.name} (${path.relative(root, decl.getSourceFile().fileName)})`);
      }
    }
    ts.forEachChild(node, child => visit(owner, child));
  };
  for (const [name, s] of exports) {
    for (const decl of s.declarations ?? []) {
      // A variable's initializer is not its shape; its type annotation is.
      if (ts.isVariableDeclaration(decl)) { if (decl.type) visit(name, decl.type); continue; }
      if (ts.isFunctionDeclaration(decl)) { decl.parameters.forEach(p => visit(name, p)); if (decl.type) visit(name, decl.type); continue; }
      visit(name, decl);
    }
  }
  return [...found].sort();
}

test('the public entry point exports exactly the reviewed API', () => {
  const names = [...surface.exports].map(([name, s]) => `${name} (${kindOf(s)})`).sort((a, b) => a.localeCompare(b));
  expect(names).toMatchSnapshot();
  expect(names.length).toBeLessThan(200);
});

test('every type the public API names is itself exported', () => {
  expect(forgottenExports(surface)).toEqual([]);
});

test('internals stay out of the public API', () => {
  for (const internal of ['invalid', 'formatValue', 'applyPodConventions', 'placeInNamespace', 'BACKUP_SCRIPT', 'createService', 'createNetworkPolicy', 'contentHash', 'checkPolicy']) {
    expect(surface.exports.has(internal)).toBe(false);
  }
});

test('the runtime exports of the entry point are exactly its value exports', () => {
  // Through jest's moduleNameMapper, 'cdk8s-mcp' is src/index.ts: the name users import.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const api = require('cdk8s-mcp');
  const values = [...surface.exports].filter(([, s]) => s.flags & ts.SymbolFlags.Value).map(([n]) => n).sort();
  expect(Object.keys(api).sort()).toEqual(values);
  for (const construct of ['McpPlatformChart', 'Registry', 'EdgeGateway', 'ToolRegistry', 'McpServer', 'McpAgent', 'DatabaseBackup']) {
    expect(typeof api[construct]).toBe('function');
  }
  expect(new api.McpConfigError('x')).toBeInstanceOf(Error);
});
