/** Fails when any resolver of the app declares no access rule (every resolver says who may call it). */
import 'reflect-metadata';
import { auditResolverAccess, CoreModule } from '@foule/shared';
import { FEATURE_MODULES } from '../apps/api/src/app.module';
import { buildSchema } from 'graphql';
import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Walks the schema too: every root field of schema.gql (Query, Mutation, Subscription) must be
 * served by an audited resolver, so no operation escapes the walk over the modules.
 */
const { checked, undeclared, operations } = auditResolverAccess([CoreModule, ...FEATURE_MODULES]);
const schema = buildSchema(readFileSync(path.join(__dirname, '..', '..', 'schema.gql'), 'utf8'));
const rootFields = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].flatMap((type) =>
  type ? Object.keys(type.getFields()).map((field) => `${type.name}.${field}`) : [],
);
const unaudited = rootFields.filter((field) => !operations.includes(field));
if (undeclared.length > 0 || unaudited.length > 0) {
  if (undeclared.length) console.error(`Resolvers without an access declaration (@Public, @SignedIn or @Roles):\n  ${undeclared.join('\n  ')}`);
  if (unaudited.length) console.error(`Root fields of schema.gql that no audited resolver serves:\n  ${unaudited.join('\n  ')}`);
  process.exit(1);
}
console.log(`access audit: ${checked.length} resolvers (${rootFields.length} root fields of the schema), each declares who may call it`);
