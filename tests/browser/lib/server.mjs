// Starts the Entraide binary on a free loopback port with a fresh data
// directory and the demo neighbourhood, and stops it again.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const HOST = '127.0.0.1';

/** Asks the kernel for a free TCP port on the loopback address. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, HOST, () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts `<bin> serve --demo` and resolves once GET /healthz answers 200.
 * Returns { baseUrl, port, dataDir, log(), stop() }.
 */
export async function startServer({ bin, readyTimeoutMs = 30_000 } = {}) {
  if (!existsSync(bin)) {
    throw new Error(`server binary not found: ${bin} (build it, or set ENTRAIDE_BIN)`);
  }
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'entraide-browser-'));
  const baseUrl = `http://${HOST}:${port}`;

  const output = [];
  const child = spawn(bin, ['serve', '--demo'], {
    env: {
      ...process.env,
      ENTRAIDE_DATA_DIR: dataDir,
      ENTRAIDE_BIND: `${HOST}:${port}`,
      // Empty: no address search over the internet.
      ENTRAIDE_GEOCODER_URL: '',
      NO_COLOR: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (chunk) => {
    output.push(chunk.toString());
    if (output.length > 2000) output.splice(0, output.length - 2000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);

  let exited = null;
  const exitedPromise = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      resolve(exited);
    });
  });
  // Never leave the server behind, whatever happens to this process.
  const killOnExit = () => { if (!exited) child.kill('SIGKILL'); };
  process.on('exit', killOnExit);

  const log = () => output.join('');

  async function stop() {
    if (!exited) {
      child.kill('SIGTERM');
      const timer = sleep(5_000).then(() => 'timeout');
      if ((await Promise.race([exitedPromise, timer])) === 'timeout') {
        child.kill('SIGKILL');
        await exitedPromise;
      }
    }
    process.off('exit', killOnExit);
    rmSync(dataDir, { recursive: true, force: true });
  }

  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (exited) {
      await stop();
      throw new Error(`server exited early (${JSON.stringify(exited)}):\n${log()}`);
    }
    try {
      const response = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(1_000) });
      if (response.status === 200) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`server not ready after ${readyTimeoutMs} ms:\n${log()}`);
    }
    await sleep(100);
  }

  return { baseUrl, port, dataDir, log, stop };
}
