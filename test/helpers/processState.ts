/**
 * Test files share their worker process (`isolate: false` in vitest.config.mts): what one file
 * changes in the process must not reach the next. This setup file runs before every test file and
 * puts the environment back as it found it once the file is done (a file that sets TINES_* for a
 * lookup, say). Spies are restored after every test by `restoreMocks`; the Pulumi runtime's mocks
 * and config are set by each file that uses them.
 */
import { afterAll } from "vitest";

const environment = { ...process.env };

afterAll(() => {
  for (const key of Object.keys(process.env)) if (!(key in environment)) delete process.env[key];
  Object.assign(process.env, environment);
});
