import { describe, expect, it } from 'vitest';
import * as api from './index';

// The package's runtime exports, by name: a change to this list is a change to the public API (and needs a
// changeset); update the snapshot with `npx vitest run -u` when the change is intended.
describe('the public API', () => {
  it('exports exactly these names', () => {
    expect(Object.keys(api).sort()).toMatchSnapshot();
  });
});
