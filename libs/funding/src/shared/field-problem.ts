/** A problem with one input field, as BAD_USER_INPUT's `extensions.fields` lists it (same shape as @foule/shared's FieldProblem). */
export interface FieldProblem {
  path: string;
  message: string;
}
