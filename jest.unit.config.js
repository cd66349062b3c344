/**
 * The fast tier (`npm run test:unit`): specs beside the code that need no database, Redis, browser,
 * LibreOffice or child process of ours. `*.int.spec.ts` beside the code need one of those and run
 * with everything else in `npm test` (jest.config.js).
 */
const base = require('./jest.config');

module.exports = {
  ...base,
  testMatch: ['<rootDir>/src/**/__tests__/**/*.spec.ts'],
  testPathIgnorePatterns: [...base.testPathIgnorePatterns, '\\.int\\.spec\\.ts$'],
  testTimeout: 10000,
};
