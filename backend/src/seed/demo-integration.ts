import { createHmac } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ApiScope } from '@regulars/contracts';
import type { Services } from '../app.js';
import type { Config } from '../config.js';
import { API_KEY_PREFIX } from '../modules/api-keys/api-key.service.js';
import { ApiKeyModel } from '../modules/api-keys/api-key.model.js';
import { MemberModel } from '../modules/members/member.model.js';
import { base32Encode } from '../modules/members/card-code.js';
import { RewardModel } from '../modules/rewards/reward.model.js';
import { StoreModel } from '../modules/stores/store.model.js';
import type { SeedStep } from './demo-seed.js';

/**
 * What docs/api.md needs to run on a fresh `npm start`: a POS API key bound to the Centro store, a
 * member with no history whose card secret is known, and the reward the guide redeems. The key and the
 * card secret are derived from the installation's JWT secret (itself derived from the data directory in
 * development), so they survive restarts and differ between installations.
 */
export const DEMO_POS = {
  keyName: 'Demo POS (Centro)',
  storeCode: 'CENTRO',
  scopes: [
    'members:read',
    'members:write',
    'purchases:read',
    'purchases:write',
    'refunds:write',
    'rewards:read',
    'redemptions:write',
    'checkouts:write',
    'giftCertificates:read',
    'giftCertificates:write',
  ] satisfies ApiScope[],
  member: { name: 'Ana García', phone: '+34 600 123 456' },
  rewardName: '€2 off your order',
} as const;

function derive(jwtSecret: string, purpose: string, bytes: number): Buffer {
  return createHmac('sha256', jwtSecret).update(`regulars-demo:${purpose}`).digest().subarray(0, bytes);
}

export function demoSecrets(jwtSecret: string): { apiKey: string; cardSecret: string } {
  return {
    apiKey: `${API_KEY_PREFIX}${derive(jwtSecret, 'pos-key', 24).toString('base64url')}`,
    cardSecret: base32Encode(derive(jwtSecret, 'card-secret', 20)),
  };
}

const SYSTEM = { kind: 'anonymous' } as const;

/** The seed step; it needs the Centro store (seeded before it) and the demo rewards. */
export function demoIntegrationStep(services: Services, jwtSecret: string): SeedStep {
  return {
    id: 'demo-integration-v1',
    run: async () => {
      const secrets = demoSecrets(jwtSecret);
      const store = await StoreModel.findOne({ code: DEMO_POS.storeCode }).lean();
      if (!store) throw new Error(`The demo store ${DEMO_POS.storeCode} is missing`);
      if (!(await ApiKeyModel.exists({ name: DEMO_POS.keyName }))) {
        await services.apiKeys.create(
          { name: DEMO_POS.keyName, scopes: [...DEMO_POS.scopes], storeId: String(store._id) },
          SYSTEM,
          { key: secrets.apiKey },
        );
      }
      const phone = await services.members.normalisePhone(DEMO_POS.member.phone);
      if (!(await MemberModel.exists({ phone }))) {
        const member = await services.members.create(
          {
            name: DEMO_POS.member.name,
            phone: DEMO_POS.member.phone,
            consents: { sms: true, email: false, push: false },
          },
          SYSTEM,
        );
        await MemberModel.updateOne({ _id: member._id }, { $set: { cardSecret: secrets.cardSecret } });
      }
    },
  };
}

/** The variables docs/api.md uses, for the demo of this installation (null when it was not seeded). */
export async function demoIntegrationEnv(
  services: Services,
  config: Pick<Config, 'jwtSecret' | 'publicUrl' | 'port'>,
): Promise<Record<string, string> | null> {
  const secrets = demoSecrets(config.jwtSecret);
  const phone = await services.members.normalisePhone(DEMO_POS.member.phone);
  const [store, member, reward] = await Promise.all([
    StoreModel.findOne({ code: DEMO_POS.storeCode }).lean(),
    MemberModel.findOne({ phone }).lean(),
    RewardModel.findOne({ name: DEMO_POS.rewardName }).lean(),
  ]);
  if (!store || !member || !reward) return null;
  return {
    REGULARS_URL: (config.publicUrl ?? `http://localhost:${config.port}`).replace(/\/$/, ''),
    API_KEY: secrets.apiKey,
    STORE_ID: String(store._id),
    MEMBER_ID: String(member._id),
    CARD_NUMBER: member.cardNumber,
    CARD_SECRET: member.cardSecret,
    REWARD_ID: String(reward._id),
  };
}

/** The file `npm start` writes the demo variables to, for `source` in a shell. */
export function demoEnvFile(dataDir: string): string {
  return path.join(dataDir, 'demo.env');
}

export async function writeDemoEnvFile(dataDir: string, env: Record<string, string>): Promise<void> {
  const lines = [
    '# The demo POS integration of this installation (docs/api.md). Load with: source .data/demo.env',
    ...Object.entries(env).map(([name, value]) => `export ${name}=${value}`),
    // A fresh run id per `source`, so that idempotency keys and receipt numbers do not collide.
    'export RUN_ID=$(date +%s)',
    '',
  ];
  await mkdir(dataDir, { recursive: true });
  await writeFile(demoEnvFile(dataDir), lines.join('\n'), { mode: 0o600 });
}
