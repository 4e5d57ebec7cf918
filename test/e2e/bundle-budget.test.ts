// The card is opened at the till on a phone, often on a poor connection: its JavaScript stays within
// 100 KB gzipped (DESIGN/issue 6). Measured on the production build the other e2e tests serve.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { frontendDist, measurePage } from '../../frontend/scripts/bundle-sizes.js';

describe('frontend bundles', () => {
  it('keeps the card page within 100 KB of gzipped JavaScript', () => {
    expect(existsSync(path.join(frontendDist, 'card', 'index.html')), 'run "pnpm build" first').toBe(true);
    const { js } = measurePage('card');
    expect(js.files.length).toBeGreaterThan(0);
    expect(js.gzip).toBeLessThanOrEqual(100 * 1024);
  });

  it('loads the rule designer and the camera decoder only when a screen needs them', () => {
    const { js } = measurePage('staff');
    for (const file of js.files) expect(file).not.toMatch(/rule-editor|jsQR/);
  });
});
