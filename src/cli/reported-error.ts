// A user error whose problems are already printed: the entry point only sets its exit code.
import { UserError } from '../problems/problem.ts';

export class ReportedError extends UserError {}
