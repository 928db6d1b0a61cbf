import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { FastifyRequest } from 'fastify';
import { User } from '../users/user.entity';
import { UsersRepository } from '../users/users.repository';
import { Unauthorized } from './access.errors';
import { RevokedTokens } from './revoked-tokens';

/** How long a login token is valid, in seconds (7 days). */
export const TOKEN_TTL_SECONDS = 7 * 24 * 3600;

/** A caller identified by a valid Bearer token. */
export interface Authenticated {
  user: User;
  /** The token's id, for logout. */
  jti: string;
  /** When the token expires (seconds since the epoch). */
  exp: number;
}

interface Claims {
  sub?: unknown;
  jti?: unknown;
  exp?: unknown;
}

/**
 * Login tokens: HS256 JWTs (no other algorithm is accepted) with the user id as `sub`, a random
 * `jti` and an `exp` TOKEN_TTL_SECONDS ahead; all three are required. A logout revokes the `jti`.
 */
@Injectable()
export class TokensService {
  constructor(
    private readonly jwt: JwtService,
    private readonly users: UsersRepository,
    private readonly revoked: RevokedTokens,
  ) {}

  issue(user: User): string {
    return this.jwt.sign({ sub: String(user.id) }, { algorithm: 'HS256', expiresIn: TOKEN_TTL_SECONDS, jwtid: randomUUID() });
  }

  /**
   * The caller behind `Authorization: Bearer <token>`; null when no Authorization header is sent.
   * A header that is there but is not a valid, unexpired, unrevoked token of an existing user is
   * 401 `unauthorized`: never a silent fall-back to anonymous.
   */
  async authenticate(req: FastifyRequest): Promise<Authenticated | null> {
    const header = req.headers.authorization;
    if (header === undefined) return null;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match) throw new Unauthorized('The Authorization header must be `Bearer <token>`');
    let claims: Claims;
    try {
      claims = this.jwt.verify<Claims>(match[1], { algorithms: ['HS256'] });
    } catch {
      throw new Unauthorized('The Bearer token is invalid or expired');
    }
    const id = Number(claims.sub);
    const { jti, exp } = claims;
    if (!Number.isInteger(id) || id <= 0 || typeof jti !== 'string' || jti.length === 0 || typeof exp !== 'number') {
      throw new Unauthorized('The Bearer token is invalid or expired');
    }
    const [revoked, user] = await Promise.all([this.revoked.isRevoked(jti), this.users.findById(id)]);
    if (revoked) throw new Unauthorized('The Bearer token was revoked by a logout');
    if (!user) throw new Unauthorized('The Bearer token is invalid or expired');
    return { user, jti, exp };
  }

  /** Refuses this token from now until it would have expired. */
  async revoke(auth: Authenticated): Promise<void> {
    await this.revoked.revoke(auth.jti, auth.exp - Math.floor(Date.now() / 1000));
  }
}
