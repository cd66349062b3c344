import { forRoles } from '../app-role';

describe(forRoles.name, () => {
  const parts = { every: ['feed'], api: ['controller', 'shared'], worker: ['worker', 'shared'], cli: ['deferred'] };

  it.each([
    ['api', ['feed', 'controller', 'shared']],
    ['worker', ['feed', 'worker', 'shared']],
    ['all', ['feed', 'controller', 'shared', 'worker']],
    ['cli', ['feed', 'deferred']],
  ] as const)('registers in role %s exactly its parts, each once', (role, expected) => {
    expect(forRoles(role, parts)).toEqual(expected);
  });
});
