import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { StaffRole } from '@regulars/contracts';
import jwt from 'jsonwebtoken';
import type { Clock } from '../../platform/clock.js';
import { UnauthenticatedError } from '../../platform/errors.js';
import type { Principal } from '../../platform/principal.js';
import { RefreshTokenModel } from './refresh-token.model.js';

export type TokenSubject =
  | { kind: 'staff'; id: string; role: StaffRole; storeId: string | null; email: string }
  | { kind: 'member'; id: string };

type AccessClaims = { kind: 'staff' | 'member'; role?: StaffRole; storeId?: string | null; email?: string };

const ISSUER = 'regulars';
const AUDIENCE = 'regulars-api';

export const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');

/** Access tokens (short JWTs) and rotating refresh tokens for staff and members. */
export class TokenService {
  constructor(
    private readonly deps: { secret: string; accessTtlSeconds: number; refreshTtlDays: number; clock: Clock },
  ) {}

  signAccess(subject: TokenSubject): string {
    const claims: AccessClaims =
      subject.kind === 'staff'
        ? { kind: 'staff', role: subject.role, storeId: subject.storeId, email: subject.email }
        : { kind: 'member' };
    return jwt.sign(claims, this.deps.secret, {
      algorithm: 'HS256',
      subject: subject.id,
      expiresIn: this.deps.accessTtlSeconds,
      issuer: ISSUER,
      audience: AUDIENCE,
    });
  }

  /** Verifies signature, algorithm (HS256 only: `alg: none` and key confusion are refused), expiry, issuer. */
  verifyAccess(token: string): Principal {
    let payload: jwt.JwtPayload & AccessClaims;
    try {
      payload = jwt.verify(token, this.deps.secret, {
        algorithms: ['HS256'],
        issuer: ISSUER,
        audience: AUDIENCE,
      }) as jwt.JwtPayload & AccessClaims;
    } catch (error) {
      if (error instanceof jwt.TokenExpiredError) {
        throw new UnauthenticatedError(
          'The access token has expired; refresh it or sign in again',
          'TOKEN_EXPIRED',
        );
      }
      throw new UnauthenticatedError('The access token is not valid', 'INVALID_TOKEN');
    }
    const id = payload.sub;
    if (!id) throw new UnauthenticatedError('The access token is not valid', 'INVALID_TOKEN');
    if (payload.kind === 'staff' && payload.role) {
      return {
        kind: 'staff',
        id,
        role: payload.role,
        storeId: payload.storeId ?? null,
        email: payload.email ?? '',
      };
    }
    if (payload.kind === 'member') return { kind: 'member', id };
    throw new UnauthenticatedError('The access token is not valid', 'INVALID_TOKEN');
  }

  /** Issues a new pair; `familyId` continues a rotation chain, or starts one. */
  async issuePair(subject: TokenSubject, familyId: string = randomUUID()) {
    const refreshToken = `rt_${randomBytes(32).toString('base64url')}`;
    const now = this.deps.clock.now();
    await RefreshTokenModel.create({
      tokenHash: sha256(refreshToken),
      familyId,
      subject: { kind: subject.kind, id: subject.id },
      createdAt: now,
      expiresAt: new Date(now.getTime() + this.deps.refreshTtlDays * 86_400_000),
    });
    return { accessToken: this.signAccess(subject), refreshToken, expiresIn: this.deps.accessTtlSeconds };
  }

  /**
   * Spends a refresh token. Returns its subject and family so the caller can issue the next pair.
   * A token that was already spent or revoked revokes its whole family: it has been stolen or replayed.
   */
  async spend(
    refreshToken: string,
  ): Promise<{ subject: { kind: 'staff' | 'member'; id: string }; familyId: string }> {
    const now = this.deps.clock.now();
    const tokenHash = sha256(refreshToken);
    const spent = await RefreshTokenModel.findOneAndUpdate(
      { tokenHash, usedAt: null, revokedAt: null, expiresAt: { $gt: now } },
      { $set: { usedAt: now } },
      { lean: true },
    );
    if (spent) return { subject: spent.subject, familyId: spent.familyId };
    const known = await RefreshTokenModel.findOne({ tokenHash }).lean();
    if (known && (known.usedAt || known.revokedAt)) {
      await this.revokeFamily(known.familyId);
      throw new UnauthenticatedError(
        'This refresh token was already used; every session from that sign-in has been closed. Sign in again',
        'REFRESH_TOKEN_REUSED',
      );
    }
    if (known)
      throw new UnauthenticatedError('The refresh token has expired; sign in again', 'REFRESH_TOKEN_EXPIRED');
    throw new UnauthenticatedError('The refresh token is not valid; sign in again', 'INVALID_REFRESH_TOKEN');
  }

  async revokeFamily(familyId: string): Promise<void> {
    await RefreshTokenModel.updateMany(
      { familyId, revokedAt: null },
      { $set: { revokedAt: this.deps.clock.now() } },
    );
  }

  /** Logout: revokes the family of the given token (idempotent; unknown tokens are ignored). */
  async revoke(refreshToken: string): Promise<void> {
    const known = await RefreshTokenModel.findOne({ tokenHash: sha256(refreshToken) }).lean();
    if (known) await this.revokeFamily(known.familyId);
  }
}
