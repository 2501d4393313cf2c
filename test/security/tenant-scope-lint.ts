import ts from "typescript";

/**
 * Finds exported repository functions that query a tenant table without taking a `TenantScope`.
 * Reads the source with the TypeScript compiler, so it sees what the code does, not what a regex
 * guesses: Kysely's `selectFrom("tickets as t")`, joins, `sql.table(…)`, raw `sql` templates, and
 * the same file's unexported helpers an exported function calls.
 */

export interface UnscopedQuery {
  /** `findTicketByNumber` */
  name: string;
  /** The tenant tables it reaches, sorted. */
  tables: string[];
}

/** Kysely calls whose first argument names a table. */
const tableMethods = new Set([
  "selectFrom",
  "updateTable",
  "deleteFrom",
  "insertInto",
  "replaceInto",
  "mergeInto",
  "innerJoin",
  "leftJoin",
  "rightJoin",
  "fullJoin",
  "innerJoinLateral",
  "leftJoinLateral",
  "table",
]);

const rawTableReference = /\b(?:from|join|update|into)\s+"?([a-z_][a-z0-9_]*)"?/gi;

function calleeName(call: ts.CallExpression): string | undefined {
  const callee = call.expression;
  if (ts.isIdentifier(callee)) return callee.text;
  if (ts.isPropertyAccessExpression(callee)) return callee.name.text;
  return undefined;
}

/** `"tickets as t"` or `"tickets.id"` → `tickets`. */
function tableOf(reference: string): string {
  return (
    reference
      .trim()
      .split(/\s+as\s+|\s/i)[0]
      ?.split(".")[0] ?? ""
  );
}

function templateText(template: ts.TemplateLiteral): string {
  if (ts.isNoSubstitutionTemplateLiteral(template)) return template.text;
  return [template.head.text, ...template.templateSpans.map((span) => span.literal.text)].join(" ? ");
}

interface FunctionFacts {
  exported: boolean;
  scoped: boolean;
  tables: Set<string>;
  calls: Set<string>;
}

function factsOf(
  fn: ts.SignatureDeclaration & { body?: ts.Node | undefined },
  exported: boolean,
): FunctionFacts {
  const facts: FunctionFacts = {
    exported,
    scoped: fn.parameters.some((parameter) => /\bTenantScope\b/.test(parameter.type?.getText() ?? "")),
    tables: new Set(),
    calls: new Set(),
  };
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node)) {
      const name = calleeName(node);
      const first = node.arguments[0];
      if (name && tableMethods.has(name) && first && ts.isStringLiteralLike(first)) {
        facts.tables.add(tableOf(first.text));
      }
      if (name && ts.isIdentifier(node.expression)) facts.calls.add(name);
    }
    if (ts.isTaggedTemplateExpression(node) && node.tag.getText() === "sql") {
      for (const match of templateText(node.template).matchAll(rawTableReference)) {
        if (match[1]) facts.tables.add(match[1].toLowerCase());
      }
    }
    ts.forEachChild(node, visit);
  };
  if (fn.body) visit(fn.body);
  return facts;
}

const isExported = (node: ts.Node) =>
  ts.canHaveModifiers(node) &&
  (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);

/** Every top-level function of a file, declared or bound to a `const`, with what it queries. */
function functionsOf(fileName: string, source: string): Map<string, FunctionFacts> {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const functions = new Map<string, FunctionFacts>();
  for (const statement of file.statements) {
    if (ts.isFunctionDeclaration(statement) && statement.name) {
      functions.set(statement.name.text, factsOf(statement, isExported(statement)));
    } else if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        const value = declaration.initializer;
        if (
          ts.isIdentifier(declaration.name) &&
          value &&
          (ts.isArrowFunction(value) || ts.isFunctionExpression(value))
        ) {
          functions.set(declaration.name.text, factsOf(value, isExported(statement)));
        }
      }
    }
  }
  return functions;
}

/** The tables a function reaches itself or through the same file's functions it calls. */
function reachedTables(
  name: string,
  functions: Map<string, FunctionFacts>,
  seen = new Set<string>(),
): Set<string> {
  const facts = functions.get(name);
  if (!facts || seen.has(name)) return new Set();
  seen.add(name);
  const tables = new Set(facts.tables);
  for (const callee of facts.calls)
    for (const table of reachedTables(callee, functions, seen)) tables.add(table);
  return tables;
}

export function unscopedTenantQueries(
  fileName: string,
  source: string,
  tenantTables: readonly string[],
): UnscopedQuery[] {
  const functions = functionsOf(fileName, source);
  const found: UnscopedQuery[] = [];
  for (const [name, facts] of functions) {
    if (!facts.exported || facts.scoped) continue;
    const tables = [...reachedTables(name, functions)].filter((table) => tenantTables.includes(table)).sort();
    if (tables.length > 0) found.push({ name, tables });
  }
  return found;
}
