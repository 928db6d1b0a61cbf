import { ApiProperty } from '@nestjs/swagger';

export class SessionDto {
  @ApiProperty({ example: 'k3Jx9_aQ2mZ0pL7tR4vW8cYt', description: '144 random bits, base64url' })
  sid: string;
}
