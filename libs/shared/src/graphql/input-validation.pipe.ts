/**
 * Validates every GraphQL argument whose type is a class with class-validator rules, and
 * answers BAD_USER_INPUT with `extensions.fields: [{ path, message }]`. Paths name the field
 * inside the `input` argument ("handle", "goal.amount"); other arguments keep their name.
 */
import { Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate, type ValidationError } from 'class-validator';
import { DomainError, type FieldProblem } from '../errors/domain-error';

const PRIMITIVES = new Set<unknown>([String, Boolean, Number, Array, Object]);

function flatten(errors: ValidationError[], prefix: string): FieldProblem[] {
  return errors.flatMap((error) => {
    const path = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ path, message }));
    return [...own, ...flatten(error.children ?? [], path)];
  });
}

@Injectable()
export class InputValidationPipe implements PipeTransform {
  async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const type = metadata.metatype;
    if (!type || PRIMITIVES.has(type) || value === null || value === undefined || typeof value !== 'object') return value;
    if (metadata.type === 'custom') return value;
    const instance = plainToInstance(type, value) as object;
    const errors = await validate(instance, { forbidUnknownValues: false });
    if (errors.length > 0) {
      const prefix = metadata.data && metadata.data !== 'input' ? metadata.data : '';
      throw DomainError.badInput(flatten(errors, prefix));
    }
    return instance;
  }
}
