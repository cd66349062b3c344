import { authUser } from '../../../auth/auth-user';
import { registryOf, TollsFixtureQuery, WidgetsFixtureQuery } from '../../__tests__/support/test-exports';
import { ExportQueryRegistry, mayExport } from '../export-query.registry';

const tolls = new TollsFixtureQuery();
const widgets = new WidgetsFixtureQuery();

describe(ExportQueryRegistry.name, () => {
  it('collects the discovered providers by type', () => {
    const registry = registryOf([tolls, widgets]);
    expect(registry.types()).toEqual(['TOLLS', 'WIDGETS']);
    expect(registry.get('WIDGETS')).toBe(widgets);
    expect(registry.find('TOLLS')).toBe(tolls);
  });

  it('refuses to start with a type provided twice', () => {
    expect(() => registryOf([tolls, new TollsFixtureQuery()])).toThrow('Export type TOLLS is provided twice');
  });

  it('refuses to start with no export type at all', () => {
    expect(() => registryOf([])).toThrow('No export types');
  });

  it.each([
    ['a lower-case type', Object.assign(new TollsFixtureQuery(), { exportType: 'tolls' }), 'Export type tolls must be 1-32 upper-case'],
    ['no columns', Object.assign(new TollsFixtureQuery(), { columns: [] }), 'Export type TOLLS has no columns'],
    ['no order', Object.assign(new TollsFixtureQuery(), { orderBy: [] }), 'Export type TOLLS has no order'],
    [
      'an undeclared file date filter',
      Object.assign(new TollsFixtureQuery(), { fileDateFilter: 'trip_date' }),
      'Export type TOLLS names a file date filter trip_date it does not declare',
    ],
  ])('refuses a provider with %s', (_case, provider, message) => {
    expect(() => registryOf([provider])).toThrow(message);
  });

  it('answers an unknown type with undefined from find and an error from get', () => {
    const registry = registryOf([tolls]);
    expect(registry.find('GADGETS')).toBeUndefined();
    expect(() => registry.get('GADGETS')).toThrow('Unknown export type GADGETS');
  });

  it('permits role-free types to everyone, a role-bound type to its role and to admins only', () => {
    const registry = registryOf([tolls, widgets]);
    const permitted = (roles: string[]) => registry.permitted(authUser('u', roles)).map((provider) => provider.exportType);
    expect(permitted([])).toEqual(['TOLLS']);
    expect(permitted(['dispatch'])).toEqual(['TOLLS']);
    expect(permitted(['finance'])).toEqual(['TOLLS', 'WIDGETS']);
    expect(permitted(['admin'])).toEqual(['TOLLS', 'WIDGETS']);
    expect(mayExport(authUser('u', []), widgets)).toBe(false);
    expect(mayExport(authUser('u', ['finance']), widgets)).toBe(true);
    expect(mayExport(authUser('u', []), tolls)).toBe(true);
  });
});
