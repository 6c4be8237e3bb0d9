/** Tests run TypeScript through ts-jest without type-checking (isolatedModules):
 *  `npm run typecheck` does that once, instead of once per test file. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
  testTimeout: 60000,
};
