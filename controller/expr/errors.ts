export interface Position {
  line: number;
  column: number;
}

// One error type for the whole language so callers can tell a bad condition
// (the template author's problem) from a bug in the controller.
export class ExprError extends Error {
  readonly position: Position | undefined;
  readonly detail: string;

  constructor(detail: string, position?: Position, multiline = false) {
    super(position ? `${detail} ${where(position, multiline)}` : detail);
    this.name = 'ExprError';
    this.detail = detail;
    this.position = position;
  }
}

function where(p: Position, multiline: boolean): string {
  return multiline ? `at line ${p.line}, column ${p.column}` : `at column ${p.column}`;
}
