// The top-level names of a TypeScript matrix module and its default export, read
// from the syntax tree alone (no type checker): enough to resolve a local `const`
// and to name what cannot be resolved (an import, a `let`, a function).
import type { Expression, Node, SourceFile, VariableDeclaration } from 'ts-morph';
import type { TsMorph } from './ts-morph.ts';

export type Binding =
  | { kind: 'const'; declaration: VariableDeclaration; initializer: Expression | undefined }
  /** `name` is what the module exports (`default`, `*`, or the name before `as`). */
  | { kind: 'import'; from: string; name: string }
  /** `let`, `var`, a destructured const, a function, class or enum: declared, but no literal to read. */
  | { kind: 'other'; what: string };

export interface ModuleBindings {
  bindings: Map<string, Binding>;
  /** What `export default` exports: an expression, or the declaration it names. */
  defaultExport: Node | undefined;
  /** Each `export default` after the first (TypeScript refuses them; a reader taking the last would silently change the matrix). */
  moreDefaults: Node[];
  /** Each top-level name declared again: where, and where it was declared first. */
  redeclared: { name: string; node: Node; first: Node }[];
}

export function moduleBindings(morph: TsMorph, file: SourceFile): ModuleBindings {
  const { Node } = morph;
  const bindings = new Map<string, Binding>();
  const declaredAt = new Map<string, Node>();
  const redeclared: ModuleBindings['redeclared'] = [];
  const bind = (name: string, node: Node, binding: Binding) => {
    const first = declaredAt.get(name);
    if (first) redeclared.push({ name, node, first });
    else {
      declaredAt.set(name, node);
      bindings.set(name, binding);
    }
  };
  let defaultExport: Node | undefined;
  const moreDefaults: Node[] = [];
  const setDefault = (node: Node) => {
    if (defaultExport) moreDefaults.push(node);
    else defaultExport = node;
  };
  for (const statement of file.getStatements()) {
    if (Node.isImportDeclaration(statement)) {
      const from = statement.getModuleSpecifierValue();
      const local = (node: Node | undefined, name: string) => node && bind(node.getText(), node, { kind: 'import', from, name });
      local(statement.getDefaultImport(), 'default');
      local(statement.getNamespaceImport(), '*');
      for (const named of statement.getNamedImports()) local(named.getAliasNode() ?? named.getNameNode(), named.getName());
    } else if (Node.isVariableStatement(statement)) {
      const isConst = statement.getDeclarationKind() === morph.VariableDeclarationKind.Const;
      for (const declaration of statement.getDeclarations()) {
        const name = declaration.getNameNode();
        if (isConst && Node.isIdentifier(name)) {
          bind(name.getText(), name, { kind: 'const', declaration, initializer: declaration.getInitializer() });
        } else {
          const what = isConst ? 'a destructuring const' : statement.getDeclarationKind();
          for (const id of name.getDescendantsOfKind(morph.SyntaxKind.Identifier).concat(Node.isIdentifier(name) ? [name] : [])) {
            bind(id.getText(), id, { kind: 'other', what });
          }
        }
      }
    } else if (Node.isFunctionDeclaration(statement) || Node.isClassDeclaration(statement) || Node.isEnumDeclaration(statement)) {
      const what = Node.isFunctionDeclaration(statement) ? 'a function' : Node.isClassDeclaration(statement) ? 'a class' : 'an enum';
      const name = statement.getName();
      if (name) bind(name, statement.getNameNode() ?? statement, { kind: 'other', what });
      if (statement.isDefaultExport()) setDefault(statement);
    } else if (Node.isExportAssignment(statement) && !statement.isExportEquals()) {
      setDefault(statement.getExpression());
    } else if (Node.isExportDeclaration(statement) && !statement.getModuleSpecifier()) {
      const specifier = statement.getNamedExports().find((e) => (e.getAliasNode()?.getText() ?? e.getName()) === 'default');
      if (specifier) setDefault(specifier.getNameNode());
    }
  }
  return { bindings, defaultExport, moreDefaults, redeclared };
}
