// What the server sends a browser besides the API: the queue dashboard with no reference to another host
// (it linked Google's web fonts), and /favicon.ico from the built frontend.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { signInStaff } from '../support/callers.js';

/** Every URL the page or stylesheet names: attributes, CSS url() and @import. */
function referencedUrls(text: string): string[] {
  const attributes = [...text.matchAll(/\b(?:href|src|action|srcset)\s*=\s*["']?([^"'\s>]+)/gi)];
  const css = [...text.matchAll(/url\(\s*["']?([^"')]+)/gi), ...text.matchAll(/@import\s+["']([^"']+)/gi)];
  return [...attributes, ...css].map((match) => match[1]!);
}

const isOutside = (url: string) => /^(?:[a-z][a-z\d+.-]*:)?\/\//i.test(url) && !url.startsWith('data:');

const ICO = Buffer.from([0, 0, 1, 0, 1, 0, 16, 16, 0, 0, 1, 0, 32, 0, 0, 0, 0, 0, 22, 0, 0, 0]);
const dist = mkdtempSync(path.join(tmpdir(), 'regulars-dist-'));
let app: TestApp;
let cookie = '';

beforeAll(async () => {
  writeFileSync(path.join(dist, 'favicon.ico'), ICO);
  app = await createTestApp({ env: { FRONTEND_DIST: dist } });
  const admin = await signInStaff(app, 'admin');
  const session = await app.request.post('/api/v1/admin/queue-dashboard/session').set(admin.auth).expect(204);
  cookie = String(session.headers['set-cookie'] ?? '').split(';')[0] ?? '';
});
afterAll(async () => {
  await app.close();
  rmSync(dist, { recursive: true, force: true });
});

describe('GET /api/admin/queues (the queue dashboard)', () => {
  it('references no other host in its page or in the stylesheets the page links', async () => {
    const page = await app.request.get('/api/admin/queues').set('Cookie', cookie).expect(200);
    expect(page.text).toContain('<div id="root">');
    const pageUrls = referencedUrls(page.text);
    expect(pageUrls.filter(isOutside)).toEqual([]);

    const base = /<base href="([^"]+)"/.exec(page.text)?.[1] ?? '/api/admin/queues/';
    const stylesheets = pageUrls.filter((url) => /\.css(?:$|\?)/.test(url));
    expect(stylesheets.length).toBeGreaterThan(0);
    for (const stylesheet of stylesheets) {
      const css = await app.request
        .get(new URL(stylesheet, `http://localhost${base}`).pathname)
        .set('Cookie', cookie)
        .expect(200);
      expect({ stylesheet, outside: referencedUrls(css.text).filter(isOutside) }).toEqual({
        stylesheet,
        outside: [],
      });
    }
  });

  it('still refuses the page without the admin cookie', async () => {
    await app.request.get('/api/admin/queues').expect(401);
  });
});

describe('GET /favicon.ico', () => {
  it('serves the built icon as an image', async () => {
    const answer = await app.request.get('/favicon.ico').buffer(true).expect(200);
    expect(answer.headers['content-type']).toMatch(/^image\/(x-icon|vnd\.microsoft\.icon)/);
    expect(Buffer.compare(answer.body as Buffer, ICO)).toBe(0);
  });

  it('answers 404 when the frontend is not built', async () => {
    rmSync(path.join(dist, 'favicon.ico'));
    await app.request.get('/favicon.ico').expect(404);
    writeFileSync(path.join(dist, 'favicon.ico'), ICO);
  });
});
