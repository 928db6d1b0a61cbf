import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { Request } from 'express';
import { User } from '../users/user.entity';
import { UsersRepository } from '../users/users.repository';

/** How long a login token is valid. */
export const TOKEN_TTL = '7d';

/** Login tokens: HS256 JWTs with the user id as `sub`, valid for TOKEN_TTL. */

@Injectable()
export class TokensService {
  constructor(
    private readonly jwt: JwtService,
    private readonly users: UsersRepository,
  ) {}

  issue(user: User): string {
    return this.jwt.sign({ sub: String(user.id) });
  }

  /** The user behind `Authorization: Bearer <token>`, or null when the header is missing, the token bad or the user gone. */
  async userFromRequest(req: Request): Promise<User | null> {
    const header = req.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match) return null;
    let sub: string;
    try {
      sub = this.jwt.verify<{ sub: string }>(match[1]).sub;
    } catch {
      return null;
    }
    const id = Number(sub);
    return Number.isInteger(id) && id > 0 ? this.users.findById(id) : null;
  }
}
