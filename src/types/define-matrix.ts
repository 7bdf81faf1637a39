// The matrix as a TypeScript module writes it: `export default defineMatrix({...})`.
// The shapes are the generated MatrixFile (from the JSON Schema); this layer only
// narrows the strings that name an axis, a value or a stage to the ones the same
// file declares, so that the editor and tsc catch a typo while it is typed.
// bake-matrix never runs the module: it reads the literal (src/load/parse-typescript.ts).
import type { MatrixFile } from './matrix-file.generated.ts';

/** The schema's types with every list readonly, so that `as const` and const inference fit. */
type Loose<T> = T extends readonly unknown[]
  ? { readonly [I in keyof T]: Loose<T[I]> }
  : T extends object
    ? { [K in keyof T]: Loose<T[K]> }
    : T;

type File = Loose<MatrixFile>;
type AxisValue = NonNullable<File['axes']>[string][string];
type StageIn = NonNullable<File['stages']>[string];
type LayerIn = NonNullable<StageIn['layers']>[string];
type Override = Items<File['overrides']>;
type Tag = Items<StageIn['tags']>;
type Table = NonNullable<File['tables']>[string];
/** One value or a list of values of an axis, as a selector (`when`, `only`, `exclude`) holds it. */
type Selection = NonNullable<Override['when']>[string];
/** Exactly one value of an axis, as an `include` entry holds it. */
type OneValue = Items<File['include']>[string];

type Items<T> = NonNullable<T> extends readonly (infer I)[] ? I : never;

/** The names a matrix declares: its stages (name -> anything), its axes (axis -> value -> anything). */
type Declared = { [name: string]: unknown };
type DeclaredAxes = { [axis: string]: Declared };

type AxisName<A> = A extends unknown ? keyof A & string : never;
type ValueName<A, K> = K extends keyof A ? keyof A[K] & string : never;
type StageName<S> = S extends unknown ? keyof S & string : never;

/** T (a string, or a list of strings of the schema's shape) with its strings narrowed to V. */
type Narrow<T, V> = T extends string ? V : T extends readonly unknown[] ? { readonly [I in keyof T]: Narrow<T[I], V> } : T;

/** T with the types of the keys in R replaced; which keys are optional stays the schema's. */
type Refine<T, R> = T extends object ? { [K in keyof T]: K extends keyof R ? R[K] : T[K] } : T;

/** The same container (list or map) as T, holding U. */
type Each<T, U> = NonNullable<T> extends readonly unknown[] ? readonly U[] : { [K in keyof NonNullable<T>]: U };

/** Axis name -> what T holds for one axis, with the values of that axis only. */
type ByAxis<T, A> = A extends unknown ? { [K in AxisName<A>]?: Narrow<T, ValueName<A, K>> } : never;

type TypedTag<T, A> = T extends object ? Refine<T, { when: ByAxis<Selection, A> }> : T;

type TypedFrom<T, S> = T extends string ? StageName<S> : T extends { stage: string } ? Refine<T, { stage: StageName<S> }> : T;

type TypedValue<A> = Refine<AxisValue, { only: ByAxis<Selection, A>; without: Narrow<NonNullable<AxisValue>['without'], AxisName<A>> }>;

type TypedStage<A, S> = Refine<
  StageIn,
  {
    from: TypedFrom<StageIn['from'], S>;
    axes: Narrow<StageIn['axes'], AxisName<A>>;
    only: ByAxis<Selection, A>;
    tags: Each<StageIn['tags'], TypedTag<Tag, A>>;
    layers: Each<StageIn['layers'], Refine<LayerIn, { axes: Narrow<LayerIn['axes'], AxisName<A>> }>>;
  }
>;

type TypedOverride<A, S> = Refine<
  Override,
  {
    when: ByAxis<Selection, A>;
    stages: Narrow<Override['stages'], StageName<S>>;
    tags: Each<Override['tags'], TypedTag<Tag, A>>;
  }
>;

type TypedGroup<T, S> = T extends readonly unknown[] ? Narrow<T, StageName<S>> : T;

type TypedAutoGroups<A> = Refine<NonNullable<File['auto_groups']>, { values: Narrow<NonNullable<File['auto_groups']>['values'], AxisName<A>> }>;

/**
 * A matrix whose references name the axes A, their values, and the stages S.
 * Where a file declares no axes (or no stages), A (S) is any: a file of a matrix
 * folder may reference what another file declares.
 */
export type TypedMatrix<A, S> = Refine<File, Declarations<A, S> & References<NoInfer<A>, NoInfer<S>>>;

/** The keys A and S are inferred from: the names under `axes` and `stages`. */
type Declarations<A, S> = {
  axes: { [K in keyof A]: { [V in keyof A[K]]: TypedValue<NoInfer<A>> } };
  stages: { [K in keyof S]: TypedStage<NoInfer<A>, NoInfer<S>> };
};

type References<A, S> = {
  tables: Each<File['tables'], Refine<Table, { by: Narrow<Table['by'], AxisName<A>> }>>;
  exclude: Each<File['exclude'], Pick<Items<File['exclude']>, 'platforms'> & ByAxis<Selection, A>>;
  include: Each<File['include'], ByAxis<OneValue, A>>;
  overrides: Each<File['overrides'], TypedOverride<A, S>>;
  groups: Each<File['groups'], TypedGroup<NonNullable<File['groups']>[string], S>>;
  auto_groups: TypedAutoGroups<A>;
};

/**
 * Declares a matrix in TypeScript: `export default defineMatrix({ axes: {...}, stages: {...} })`.
 * The identity at run time; its types check every axis, value and stage the matrix names.
 * A and S are inferred from the names under `axes` and `stages` only (Declarations:
 * elsewhere they are NoInfer), so that every other place is checked against them.
 */
export function defineMatrix<const A extends DeclaredAxes = DeclaredAxes, const S extends Declared = Declared>(matrix: TypedMatrix<A, S>): TypedMatrix<A, S> {
  return matrix;
}
