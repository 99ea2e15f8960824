/**
 * @spec/testing — helpers shared by the test suites of the spec packages (private, never published).
 *
 * @packageDocumentation
 */
export { expectSpecError, expectSpecErrorAsync } from './expect-spec-error.js';
export { unitColumns } from './unit-columns.js';
export { architectureCheckData } from './check-data.js';
