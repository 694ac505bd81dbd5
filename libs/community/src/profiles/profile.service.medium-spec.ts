/**
 * A "medium" test: the real ProfileService in an in-process Nest testing module, on a real
 * PostgreSQL database (a copy of the e2e run's migrated template), no HTTP. Jest loads Nest's
 * ES modules through Node 24's require(esm), which the npm test scripts switch on with
 * --experimental-vm-modules.
 */
import { Test, type TestingModule } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { dataSourceOptions, newId, openScratchServer, scratchDatabaseName, type ScratchServer } from '@foule/shared';
import { communityDatabase } from '../index';
import { ProfileEntity } from './profile.entity';
import { ProfileService } from './profile.service';

describe('ProfileService on a real database', () => {
  let moduleRef: TestingModule;
  let profiles: ProfileService;
  let dataSource: DataSource;
  let server: ScratchServer;

  beforeAll(async () => {
    // The e2e run's server and migrated template (test/setup/global-setup.ts).
    if (!process.env.FOULE_TEST_DATABASE_SERVER) throw new Error('The e2e global setup did not run (FOULE_TEST_DATABASE_SERVER is unset)');
    server = await openScratchServer({ databaseUrl: process.env.FOULE_TEST_DATABASE_SERVER });
    const url = await server.createDatabase(scratchDatabaseName(`${process.env.FOULE_TEST_TEMPLATE}_medium`), process.env.FOULE_TEST_TEMPLATE);
    moduleRef = await Test.createTestingModule({
      imports: [TypeOrmModule.forRoot(dataSourceOptions(url, [communityDatabase], { extra: { max: 2 } }))],
      providers: [ProfileService],
    }).compile();
    profiles = moduleRef.get(ProfileService);
    dataSource = moduleRef.get(DataSource);
  });
  afterAll(async () => {
    await moduleRef?.close();
    await server?.stop();
  });

  async function newProfile(handle: string): Promise<ProfileEntity> {
    const profile = { id: newId('profile'), email: `${handle.toLowerCase()}@example.com`, passwordHash: 'not used here', handle, handleKey: handle.toLowerCase(), displayName: handle };
    await dataSource.getRepository(ProfileEntity).insert(profile);
    return dataSource.getRepository(ProfileEntity).findOneByOrFail({ id: profile.id });
  }

  it('finds a profile by its handle whatever the case, and updates it with trimmed text', async () => {
    const created = await newProfile(`Medium${Date.now().toString(36)}`);
    expect((await profiles.findByHandle(` ${created.handle.toUpperCase()} `))?.id).toBe(created.id);
    const viewer = { profileId: created.id, roles: created.roles, sessionId: 'unused' };
    const updated = await profiles.update(viewer, { displayName: '  Medium Test  ', bio: '' });
    expect({ displayName: updated.displayName, bio: updated.bio }).toEqual({ displayName: 'Medium Test', bio: null });
  });
});
