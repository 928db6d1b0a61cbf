import { ApiProperty } from '@nestjs/swagger';
import { Sid } from '../../common/validation/decorators';

export class SessionDto {
  @ApiProperty({ example: 'k3Jx9_aQ2mZ0pL7tR4vW8cYt', description: '144 random bits, base64url' })
  sid: string;
}

/** POST /api/me/cart/merge: the anonymous cart to merge into the user's. */
export class MergeCartDto {
  @Sid()
  sid: string;
}
