import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * One ```bash block of a doc: a curl command, the status it expects (`# expect 409` on its first lines,
 * else any 2xx) and the values later blocks use (`# save TOKEN=accessToken` stores that field of the
 * answer in $TOKEN; `items.0.id` reaches into lists).
 */
export type CurlBlock = {
  command: string;
  expectStatus: number | null;
  saves: { name: string; path: string }[];
};

export type CurlAnswer = { command: string; status: number; body: Record<string, unknown> };

/** The ```bash blocks of a Markdown file, in order. */
export function curlBlocks(file: string): CurlBlock[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/```bash\n([\s\S]*?)```/g)].map((match) => {
    const lines = (match[1] ?? '').trim().split('\n');
    let expectStatus: number | null = null;
    const saves: CurlBlock['saves'] = [];
    while (lines[0]?.startsWith('# ')) {
      const line = lines.shift() ?? '';
      const expected = /^# expect (\d{3})$/.exec(line);
      const saved = /^# save ([A-Z_]+)=([\w.]+)$/.exec(line);
      if (expected) expectStatus = Number(expected[1]);
      else if (saved?.[1] && saved[2]) saves.push({ name: saved[1], path: saved[2] });
      else throw new Error(`unknown directive in a bash block of ${file}: ${line}`);
    }
    return { command: lines.join('\n'), expectStatus, saves };
  });
}

/** Reads `a.b.0.c` out of a JSON answer. */
function pick(body: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((value, part) => {
    if (value === null || typeof value !== 'object') return undefined;
    return (value as Record<string, unknown>)[part];
  }, body);
}

/**
 * Runs a block with bash and curl exactly as a reader would (with only PATH and `env` in the
 * environment), then stores what it says to save in `env`.
 */
export async function runCurlBlock(block: CurlBlock, env: Record<string, string>): Promise<CurlAnswer> {
  if (!block.command.startsWith('curl ')) throw new Error(`not a curl command: ${block.command}`);
  const command = block.command.replace(/^curl /, `curl -sS -w '\\n%{http_code}' `);
  const { stdout } = await run('bash', ['-c', command], { env: { PATH: process.env.PATH ?? '', ...env } });
  const lines = stdout.trimEnd().split('\n');
  const status = Number(lines.pop());
  const body = JSON.parse(lines.join('\n') || 'null') as Record<string, unknown>;
  for (const save of block.saves) {
    const value = pick(body, save.path);
    if (typeof value !== 'string' && typeof value !== 'number')
      throw new Error(
        `${block.command}\nanswered no ${save.path} to save as ${save.name}: ${JSON.stringify(body)}`,
      );
    env[save.name] = String(value);
  }
  return { command: block.command, status, body };
}

/** Whether the answer has the status the block expects (any 2xx when it names none). */
export function hasExpectedStatus(block: CurlBlock, status: number): boolean {
  return block.expectStatus === null ? status >= 200 && status < 300 : status === block.expectStatus;
}
