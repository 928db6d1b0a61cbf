import { ApiProperty } from '@nestjs/swagger';
import { Sid } from '../../common/validation/decorators';

export class UserDto {
  @ApiProperty({ example: 12 }) id: number;
  @ApiProperty({ example: 'Ada Lovelace' }) name: string;
  @ApiProperty({ type: String, nullable: true, example: 'ada@example.com' }) email: string | null;
}

export class MeDto extends UserDto {
  @ApiProperty({ enum: ['customer', 'admin'], example: 'customer' }) role: 'customer' | 'admin';
}

export class LoginResultDto {
  @ApiProperty({ type: UserDto }) user: UserDto;
  @ApiProperty({ example: 'eyJhbGciOiJIUzI1NiJ9...', description: 'Bearer token (JWT, 7 days)' }) token: string;
  @ApiProperty({ example: 'k3Jx9_aQ2mZ0pL7tR4vW8c', description: 'The session, now linked to the user' }) sid: string;
}

export class LogoutDto {
  @Sid()
  sid: string;
}
