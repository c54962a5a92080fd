/**
 * Finds the globals a bundled file reads but never declares: esbuild turns CommonJS modules
 * into functions inside one ES module, where `__filename`, `__dirname` and `require` do not
 * exist, and nothing fails until the code path that reads one runs (as multipart upload did).
 * Uses TypeScript's parser (a dev dependency the build already has) for a real syntax tree:
 * string contents, property names and object keys are not references.
 */
import ts from 'typescript';

/**
 * Names the dependencies read only behind `typeof` checks, for browsers and AMD loaders,
 * plus `arguments`, which every non-arrow function has.
 */
const GUARDED = new Set(['arguments', 'window', 'self', 'navigator', 'define', 'document']);

function isDeclarationName(node: ts.Identifier, parent: ts.Node): boolean {
  if (ts.isCatchClause(parent)) return true;
  if (ts.isBindingElement(parent)) return parent.name === node;
  return (
    (ts.isVariableDeclaration(parent) ||
      ts.isFunctionDeclaration(parent) ||
      ts.isFunctionExpression(parent) ||
      ts.isClassDeclaration(parent) ||
      ts.isClassExpression(parent) ||
      ts.isParameter(parent) ||
      ts.isImportClause(parent) ||
      ts.isImportSpecifier(parent) ||
      ts.isNamespaceImport(parent)) &&
    parent.name === node
  );
}

/** Identifiers in name position (a.x, {x: 1}, class members, labels) read no variable. */
function isReference(node: ts.Identifier, parent: ts.Node): boolean {
  if (ts.isPropertyAccessExpression(parent)) return parent.name !== node;
  if (
    ts.isPropertyAssignment(parent) ||
    ts.isMethodDeclaration(parent) ||
    ts.isPropertyDeclaration(parent) ||
    ts.isGetAccessorDeclaration(parent) ||
    ts.isSetAccessorDeclaration(parent)
  )
    return parent.name !== node;
  if (ts.isBindingElement(parent)) return parent.propertyName !== node;
  if (
    ts.isLabeledStatement(parent) ||
    ts.isBreakStatement(parent) ||
    ts.isContinueStatement(parent)
  )
    return false;
  // `typeof x` of an undeclared x is 'undefined', not a ReferenceError.
  return !(
    ts.isImportSpecifier(parent) ||
    ts.isExportSpecifier(parent) ||
    ts.isMetaProperty(parent) ||
    ts.isTypeOfExpression(parent)
  );
}

/**
 * The names `code` reads that no declaration in it binds and Node's global object lacks.
 * Any declaration anywhere counts (no scopes): a minifier renames locals, so a name
 * declared somewhere and read elsewhere is rare, and the check errs towards silence.
 */
export function undefinedGlobals(code: string, known = Object.getOwnPropertyNames(globalThis)) {
  const file = ts.createSourceFile(
    'out.mjs',
    code,
    ts.ScriptTarget.Latest,
    false,
    ts.ScriptKind.JS,
  );
  const declared = new Set<string>();
  const read = new Set<string>();
  const visit = (node: ts.Node, parent: ts.Node | undefined): void => {
    if (ts.isIdentifier(node) && parent) {
      if (isDeclarationName(node, parent)) declared.add(node.text);
      else if (isReference(node, parent)) read.add(node.text);
    }
    ts.forEachChild(node, (child) => visit(child, node));
  };
  visit(file, undefined);
  const globals = new Set(known);
  return [...read].filter((n) => !declared.has(n) && !globals.has(n) && !GUARDED.has(n)).sort();
}
