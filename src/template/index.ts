// The template language, shared by validate and plan (see parse-template.ts).
export { escapeBake, hclQuote, piecesToBake, piecesToPreview, type Piece, type RuntimeValue } from './bake-string.ts';
export { conditionalBake, evaluatePieces, requiredVariables, valueOf, type RuntimeValues } from './evaluate.ts';
export { ABSENT_KEY, describeCombination } from './combination.ts';
export { applyFilters, filterFor, FILTERS, type Filter } from './filters.ts';
export { hasPlaceholders, malformedPlaceholders, parseTemplate, placeholdersOf, type MalformedPlaceholder, type Part, type PlaceholderPart } from './parse-template.ts';
export { isSharedRendering, REPORTED, render, type Lookup, type Rendered, type RenderProblem, type RenderResult, type Scope, type Source } from './render.ts';
export { BUILT_IN_PLACEHOLDERS, cellScope, matrixNames, NOT_DEFINED, type CellInput, type MatrixNames } from './scope.ts';
export { RenderBudget } from './render-budget.ts';
