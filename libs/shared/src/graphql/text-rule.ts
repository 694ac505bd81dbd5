import { applyDecorators } from '@nestjs/common';
import { IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';

export interface TextRuleOptions {
  max: number;
  /** Fewest characters; 0 (the default) allows "". */
  min?: number;
  /** Refuse text made only of white space; on by default when min > 0. */
  notBlank?: boolean;
  /** null and undefined pass (for nullable inputs). */
  optional?: boolean;
}

/**
 * The class-validator rules every text input field uses, with the messages clients see in
 * `extensions.fields`: "must not be blank", "must be 1 to 120 characters", "must be at most 5000 characters".
 */
export function TextRule({ max, min = 0, notBlank = min > 0, optional = false }: TextRuleOptions): PropertyDecorator {
  return applyDecorators(
    ...(optional ? [IsOptional()] : []),
    IsString(),
    ...(notBlank ? [Matches(/\S/, { message: 'must not be blank' })] : []),
    min > 0 ? Length(min, max, { message: `must be ${min} to ${max} characters` }) : MaxLength(max, { message: `must be at most ${max} characters` }),
  );
}
