/**
 * nest-cli.json describes the monorepo as it is: every app and lib folder is a project, each
 * project's entry file exists, and each lib's entry is what tsconfig.json's @foule/<name> path
 * points at (so Nest tooling and our imports agree on a lib's public surface).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..', '..');
const readJson = (file: string) => JSON.parse(readFileSync(path.join(root, file), 'utf8'));
const nestCli = readJson('nest-cli.json') as {
  projects: Record<string, { type: string; root: string; sourceRoot: string; entryFile: string }>;
};
const { paths } = readJson('tsconfig.json').compilerOptions as { paths: Record<string, string[]> };
const folders = (parent: string) =>
  readdirSync(path.join(root, parent), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => `${parent}/${entry.name}`);

describe('nest-cli.json', () => {
  const projects = Object.entries(nestCli.projects);

  it('has one project per app and lib folder, of the right type', () => {
    const described = projects.map(([, project]) => `${project.type} ${project.root}`).sort();
    const onDisk = [
      // apps/web is the web client, built by Vite (scripts/build.mjs), not a Nest project.
      ...folders('apps')
        .filter((dir) => dir !== 'apps/web')
        .map((dir) => `application ${dir}`),
      ...folders('libs').map((dir) => `library ${dir}`),
    ].sort();
    expect(described).toEqual(onDisk);
  });

  it("names each project's entry file, and a lib's entry is its @foule/<name> path", () => {
    for (const [name, project] of projects) {
      const entry = `${project.sourceRoot}/${project.entryFile}.ts`;
      expect({ name, entry, exists: existsSync(path.join(root, entry)) }).toEqual({ name, entry, exists: true });
      if (project.type === 'library') expect({ name, path: paths[`@foule/${name}`] }).toEqual({ name, path: [entry] });
    }
  });
});
