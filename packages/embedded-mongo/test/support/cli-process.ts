import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** A CLI child process and the URI it announced. */
export interface CliProcess {
  child: ChildProcess;
  uri: string;
  stderr: () => string;
}

/** Spawns `src/cli.ts` (through tsx) and resolves once it prints `ready <uri>`. */
export function spawnCli(args: string[]): Promise<CliProcess> {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', 'src/cli.ts', ...args], {
    cwd: packageDir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /^ready (\S+)\n/.exec(stdout);
      if (match?.[1] !== undefined) resolve({ child, uri: match[1], stderr: () => stderr });
    });
    child.once('exit', (code) =>
      reject(new Error(`CLI exited with ${String(code)} before ready: ${stderr}`)),
    );
  });
}

/** Waits for a child process to exit and returns its exit code or signal. */
export function waitForExit(child: ChildProcess): Promise<number | string | null> {
  if (child.exitCode !== null || child.signalCode !== null)
    return Promise.resolve(child.exitCode ?? child.signalCode);
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
}
