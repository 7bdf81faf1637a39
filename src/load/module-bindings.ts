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
}

export function moduleBindings(morph: TsMorph, file: SourceFile): ModuleBindings {
  const { Node } = morph;
  const bindings = new Map<string, Binding>();
  let defaultExport: Node | undefined;
  for (const statement of file.getStatements()) {
    if (Node.isImportDeclaration(statement)) {
      const from = statement.getModuleSpecifierValue();
      const local = (node: Node | undefined, name: string) => node && bindings.set(node.getText(), { kind: 'import', from, name });
      local(statement.getDefaultImport(), 'default');
      local(statement.getNamespaceImport(), '*');
      for (const named of statement.getNamedImports()) local(named.getAliasNode() ?? named.getNameNode(), named.getName());
    } else if (Node.isVariableStatement(statement)) {
      const isConst = statement.getDeclarationKind() === morph.VariableDeclarationKind.Const;
      for (const declaration of statement.getDeclarations()) {
        const name = declaration.getNameNode();
        if (isConst && Node.isIdentifier(name)) {
          bindings.set(name.getText(), { kind: 'const', declaration, initializer: declaration.getInitializer() });
        } else {
          const what = isConst ? 'a destructuring const' : statement.getDeclarationKind();
          for (const id of name.getDescendantsOfKind(morph.SyntaxKind.Identifier).concat(Node.isIdentifier(name) ? [name] : [])) {
            bindings.set(id.getText(), { kind: 'other', what });
          }
        }
      }
    } else if (Node.isFunctionDeclaration(statement) || Node.isClassDeclaration(statement) || Node.isEnumDeclaration(statement)) {
      const what = Node.isFunctionDeclaration(statement) ? 'a function' : Node.isClassDeclaration(statement) ? 'a class' : 'an enum';
      const name = statement.getName();
      if (name) bindings.set(name, { kind: 'other', what });
      if (statement.isDefaultExport()) defaultExport = statement;
    } else if (Node.isExportAssignment(statement) && !statement.isExportEquals()) {
      defaultExport = statement.getExpression();
    } else if (Node.isExportDeclaration(statement) && !statement.getModuleSpecifier()) {
      const specifier = statement.getNamedExports().find((e) => (e.getAliasNode()?.getText() ?? e.getName()) === 'default');
      if (specifier) defaultExport = specifier.getNameNode();
    }
  }
  return { bindings, defaultExport };
}
