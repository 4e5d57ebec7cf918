import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/** Asks the OS for a free TCP port on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

export function hasRedisServer(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

export type LocalRedis = { url: string; port: number; process: ChildProcess; stop(): Promise<void> };

/**
 * Runs a private redis-server on a free loopback port. With `dataDir`, it keeps an append-only file
 * there (queues and rate limits survive a restart); without, it is memory only.
 */
export async function startLocalRedis(
  options: { dataDir?: string; port?: number } = {},
): Promise<LocalRedis> {
  if (!hasRedisServer()) {
    throw new Error(
      'redis-server is not installed. Install it with: sudo apt-get install -y redis-server (or set REDIS_URL)',
    );
  }
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const port = options.port ?? (await freePort());
    const args = [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--protected-mode',
      'yes',
      '--save',
      '',
      '--loglevel',
      'warning',
    ];
    if (options.dataDir) {
      mkdirSync(options.dataDir, { recursive: true });
      args.push('--dir', path.resolve(options.dataDir), '--appendonly', 'yes', '--appendfsync', 'everysec');
    } else {
      args.push('--appendonly', 'no');
    }
    const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const ready = await waitForPort(port, child, 10_000);
    if (!ready) {
      child.kill('SIGKILL');
      if (options.port) throw new Error(`redis-server did not start on port ${port}`);
      continue; // the free port was taken in between; pick another
    }
    return {
      url: `redis://127.0.0.1:${port}`,
      port,
      process: child,
      stop: () => stopChild(child),
    };
  }
  throw new Error('redis-server did not start');
}

function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve) => {
    let exited = false;
    child.once('exit', () => {
      exited = true;
    });
    const attempt = () => {
      if (exited) return resolve(false);
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.end();
        resolve(true);
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > deadline) resolve(false);
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

/** SIGTERM, then SIGKILL if the child has not exited after a grace period. */
export function stopChild(child: ChildProcess, graceMs = 5000): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
