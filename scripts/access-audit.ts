/** Fails when any resolver of the app declares no access rule (every resolver says who may call it). */
import 'reflect-metadata';
import { auditResolverAccess } from '@foule/shared';
import { FEATURE_MODULES } from '../apps/api/src/app.module';
import { CoreModule } from '@foule/shared';

const { checked, undeclared } = auditResolverAccess([CoreModule, ...FEATURE_MODULES]);
if (undeclared.length > 0) {
  console.error(`Resolvers without an access declaration (@Public, @SignedIn or @Roles):\n  ${undeclared.join('\n  ')}`);
  process.exit(1);
}
console.log(`access audit: ${checked.length} resolvers, each declares who may call it`);
