/** A service configuration that needs no GitHub: an App with a fresh key, on a new SQLite file in `dir`. */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import { loadConfig } from '../../../src/service/config/load.js';
import { generateSecretKey } from '../../../src/service/secrets.js';

export function offlineConfig(dir: string, webhookSecret: string, extra: Record<string, string> = {}) {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  const { config, errors } = loadConfig({
    GITHUB_APP_ID: '1',
    GITHUB_APP_PRIVATE_KEY: privateKey,
    GITHUB_WEBHOOK_SECRET: webhookSecret,
    DB_SOURCE: join(dir, 'service.sqlite'),
    SERVER_ADDR: '127.0.0.1:0',
    CHECKS_OUT_SECRET_KEY: generateSecretKey().toString('hex'),
    ...extra,
  });
  assert.deepEqual(errors ?? [], []);
  assert.ok(config);
  return config;
}
