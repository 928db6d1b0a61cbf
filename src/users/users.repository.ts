import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { User } from './user.entity';

export interface FacebookProfile {
  facebookId: string;
  name: string;
  email: string | null;
}

/** User storage (Postgres). */
@Injectable()
export class UsersRepository {
  constructor(@InjectRepository(User) private readonly users: Repository<User>) {}

  /** Finds the user with this Facebook id, creating them, and keeps name and email current; safe under races. */
  async upsertFromFacebook(profile: FacebookProfile): Promise<User> {
    const [row] = (await this.users.query(
      `INSERT INTO users (facebook_id, name, email) VALUES ($1, $2, $3)
       ON CONFLICT (facebook_id) DO UPDATE SET name = EXCLUDED.name, email = COALESCE(EXCLUDED.email, users.email)
       RETURNING id`,
      [profile.facebookId, profile.name, profile.email],
    )) as { id: number }[];
    return (await this.findById(row.id))!;
  }

  findById(id: number): Promise<User | null> {
    return this.users.findOneBy({ id });
  }
}
